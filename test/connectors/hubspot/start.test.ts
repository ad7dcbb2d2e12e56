import { afterEach, describe, expect, it } from 'vitest';
import { fieldsSchema } from '../../../src/config/schema.ts';
import { FAST, fields, harness } from './harness.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h.close());

describe('HubSpot start()', () => {
  it('creates the baton group and the missing baton_* properties, once', async () => {
    h = harness();
    const c = h.connector({ limits: FAST });
    expect(await c.start()).toEqual([]);
    expect(h.api.data.groups.contacts.has('baton')).toBe(true);
    expect(h.api.data.properties.contacts.get('baton_fit_score')).toMatchObject({ type: 'number', groupName: 'baton' });
    expect(h.api.data.properties.contacts.get('baton_stage')).toMatchObject({ type: 'string', groupName: 'baton' });
    expect(h.api.data.properties.deals.get('baton_attribution')).toMatchObject({ groupName: 'baton' });
    const creates = h.api.calls(/\/properties\/\w+\/batch\/create$/).length;
    expect(await c.start()).toEqual([]);
    expect(h.api.calls(/\/properties\/\w+\/batch\/create$/).length).toBe(creates);
  });

  it('names the missing scope on a 403', async () => {
    h = harness({
      scopes: [
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.schemas.contacts.read',
        'crm.schemas.companies.read',
        'crm.schemas.deals.read',
        'crm.schemas.deals.write',
      ],
    });
    const c = h.connector({ limits: FAST });
    const problems = await c.start();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('crm.schemas.contacts.write');
    expect(problems[0]).toContain('baton_stage');
  });

  it('reports a property fields.yaml reads that HubSpot does not have', async () => {
    h = harness();
    const bad = fieldsSchema.parse({
      ...fields,
      person: {
        ...fields.person,
        fields: {
          ...fields.person.fields,
          region: { hubspot: 'sales_region', salesforce: 'Region__c', sync: 'two_way' },
        },
      },
    });
    const c = h.connector({ limits: FAST, fields: bad });
    expect(await c.start()).toEqual(['HubSpot: contact property "sales_region" named in fields.yaml does not exist']);
  });
});
