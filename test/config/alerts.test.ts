/** `alerts.yaml`: the shipped examples load; problems are named at `file:line:col`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfig, loadConfig } from '../../src/config/load.ts';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import { cleanConfigDirs, configDir, SHIPPED } from './fixture.ts';

afterAll(cleanConfigDirs);

const DEMO = join(SHIPPED, 'demo');
const uncommented = () =>
  readFileSync(join(SHIPPED, 'alerts.yaml'), 'utf8')
    .split('\n')
    // the header (up to the first bare '#') explains; the rest is the file
    .filter((_, i, all) => i > all.indexOf('#'))
    .map((l) => l.replace(/^# ?/, ''))
    .join('\n');

describe('alerts.yaml', () => {
  it('the shipped mappings/alerts.yaml is comments only, so no alerts; uncommented it is valid', async () => {
    expect((await loadConfig(SHIPPED)).alerts).toBeNull();
    const config = await loadConfig(configDir([{ file: 'alerts.yaml', to: uncommented() }]));
    expect(config.alerts?.rules.map((r) => r.on)).toEqual(['handoff', 'reminder', 'breach', 'reassigned', 'rejected']);
    expect(config.alerts?.rules[0].when).toEqual({ field: 'person.country', in: ['US', 'CA'] });
    expect(config.files.alerts).toBe(join(config.dir, 'alerts.yaml'));
  });

  it('the demo ships an active one, with Slack defaults filled in', async () => {
    const config = await loadConfig(DEMO);
    expect(config.alerts?.channels.slack).toEqual({ token_env: 'SLACK_BOT_TOKEN' });
    expect(config.alerts?.channels.email?.from).toBe('baton@acme.example');
  });

  it('names each problem at its place: a template missing, a template name, a field, a channel', async () => {
    const text = `channels:
  slack: {}
templates:
  handoff: { subject: "Hi {{owner.nmae}}" }
rules:
  - { on: handoff, to: [owner], template: hand_off }
  - { on: breach, to: [channel], template: handoff }
  - { on: handoff, to: [owner], template: handoff, when: { field: person.tierr, eq: demo } }
  - { on: rejected, to: [owner], via: email, template: handoff }
  - { on: lunch, to: [owner], template: handoff }
`;
    const dir = configDir([{ file: 'alerts.yaml', to: text }]);
    const file = join(dir, 'alerts.yaml');
    const { problems } = await checkConfig(dir);
    const lines = problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    expect(problems.every((p) => p.file === file)).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/^10:\d+: rules\[4\]\.on: unknown alert event .lunch./)]);
    const fixed = text.replace('  - { on: lunch, to: [owner], template: handoff }\n', '');
    const dir2 = configDir([{ file: 'alerts.yaml', to: fixed }]);
    const second = (await checkConfig(dir2)).problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    expect(second).toEqual([
      expect.stringMatching(
        /^4:23: templates\.handoff\.subject: template \{\{owner\.nmae\}\} names nothing Baton knows/,
      ),
      expect.stringMatching(/^6:43: rules\[0\]\.template: no template 'hand_off' under templates \(known: handoff\)/),
      expect.stringMatching(/^7:23: rules\[1\]\.to: to: channel needs channel:/),
      expect.stringMatching(/^8:67: rules\[2\]\.when\.field: unknown field 'person\.tierr'/),
      expect.stringMatching(/^9:39: rules\[3\]\.via: via email needs channels\.email/),
    ]);
  });

  it('is in the JSON Schema', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain('alerts');
  });
});
