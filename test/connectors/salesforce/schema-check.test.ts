import { describe, expect, it } from 'vitest';
import { connectorFor, FIELDS_YAML, fieldsConfig, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

describe('Salesforce schema check at start', () => {
  it('names a missing field and a missing picklist value by their fields.yaml lines', async () => {
    const text = FIELDS_YAML.replace('salesforce: Title,', 'salesforce: Titel,').replace(
      'salesforce: Qualified }',
      'salesforce: Qualifed }',
    );
    const api = freshOrg();
    const sf = connectorFor(api, {
      fields: fieldsConfig(text),
      fieldsYamlText: text,
      fieldsYamlFile: 'mappings/fields.yaml',
    });
    const problems = await sf.start();
    const titleLine = text.split('\n').findIndex((l) => l.includes('Titel')) + 1;
    const titleCol = text.split('\n')[titleLine - 1].indexOf('Titel') + 1;
    expect(problems).toContain(
      `mappings/fields.yaml:${titleLine}:${titleCol}: Salesforce Lead has no field 'Titel' (nor has Contact)`,
    );
    const qLine = text.split('\n').findIndex((l) => l.includes('Qualifed')) + 1;
    expect(
      problems.some(
        (p) =>
          p.startsWith(`mappings/fields.yaml:${qLine}:`) &&
          p.includes("Salesforce Lead field 'Status' has no picklist value 'Qualifed'"),
      ),
    ).toBe(true);
  });

  it('names Lead-only fields once for Contacts, and describes each object once', async () => {
    const api = freshOrg();
    const sf = connectorFor(api, { fieldsYamlText: FIELDS_YAML });
    const problems = await sf.start();
    expect(problems.filter((p) => p.includes("'Company'"))).toEqual([
      expect.stringMatching(
        /^fields\.yaml:\d+:\d+: Salesforce Contact has no field 'Company'; it is read and written on Leads only$/,
      ),
    ]);
    expect(problems.filter((p) => p.includes("'Status'"))).toHaveLength(1);
    expect(problems).toHaveLength(2);
    await sf.start();
    expect(api.calls('/sobjects/Lead/describe')).toHaveLength(1);
  });

  it('says when campaign influence has no unlocked model to write into', async () => {
    const text = FIELDS_YAML + '    campaign_influence: true\n';
    const api = freshOrg(); // only the locked Primary Campaign Source model
    const problems = await connectorFor(api, { fields: fieldsConfig(text), fieldsYamlText: text }).start();
    const line = text.split('\n').findIndex((l) => l.includes('campaign_influence')) + 1;
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(`^fields\\.yaml:${line}:\\d+: the org has no active, unlocked campaign influence model`),
      ),
    );
  });
});
