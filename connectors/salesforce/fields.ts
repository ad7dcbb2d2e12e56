/** Which fields Baton reads from each sObject: the system fields it needs, plus what `fields.yaml` maps. */
import type { FieldsConfig } from '../../src/config/schema.ts';
import type { CrmObject } from '../types.ts';

export const POLLED_OBJECTS = [
  'Lead',
  'Contact',
  'Account',
  'Opportunity',
  'OpportunityContactRole',
  'CampaignMember',
] as const;
export type PolledObject = (typeof POLLED_OBJECTS)[number];

const SYSTEM = ['Id', 'SystemModstamp', 'LastModifiedById', 'CreatedDate'];

const BASE: Record<PolledObject, string[]> = {
  Lead: [
    ...SYSTEM,
    'OwnerId',
    'Email',
    'IsConverted',
    'ConvertedDate',
    'ConvertedContactId',
    'ConvertedAccountId',
    'ConvertedOpportunityId',
  ],
  Contact: [...SYSTEM, 'OwnerId', 'Email', 'AccountId'],
  Account: [...SYSTEM, 'OwnerId', 'Name', 'Website', 'NumberOfEmployees'],
  Opportunity: [
    ...SYSTEM,
    'OwnerId',
    'AccountId',
    'CampaignId',
    'Name',
    'StageName',
    'Amount',
    'CloseDate',
    'IsWon',
    'IsClosed',
  ],
  OpportunityContactRole: [...SYSTEM, 'OpportunityId', 'ContactId', 'Role', 'IsPrimary'],
  CampaignMember: [...SYSTEM, 'CampaignId', 'LeadId', 'ContactId', 'Status', 'HasResponded', 'FirstRespondedDate'],
};

/** Salesforce field names `fields.yaml` maps for people (Lead and Contact): vocabulary, write-back, feedback. */
export function personFieldNames(cfg: FieldsConfig): string[] {
  const names = new Set<string>();
  for (const def of Object.values(cfg.person.fields)) if (def.salesforce) names.add(def.salesforce);
  for (const k of Object.keys(cfg.writeback?.salesforce?.person ?? {})) names.add(k);
  const reason = cfg.feedback?.reject?.reason?.salesforce;
  if (reason) names.add(reason);
  return [...names];
}

/** Salesforce field names `fields.yaml` maps on Opportunity. */
export function dealFieldNames(cfg: FieldsConfig): string[] {
  return Object.values(cfg.deal?.fields ?? {}).flatMap((d) => (d.salesforce ? [d.salesforce] : []));
}

/**
 * The SELECT list for `object`. With `exists` (from describe) fields the org lacks are left out,
 * so a Contact is never asked for Lead-only fields such as Company or Status.
 */
export function selectFields(object: PolledObject, cfg: FieldsConfig, exists?: (field: string) => boolean): string[] {
  const mapped =
    object === 'Lead' || object === 'Contact'
      ? personFieldNames(cfg)
      : object === 'Opportunity'
        ? dealFieldNames(cfg)
        : [];
  const all = [...new Set([...BASE[object], ...mapped])];
  return exists ? all.filter((f) => BASE[object].slice(0, 4).includes(f) || exists(f)) : all;
}

/** The sObject of a record id by its key prefix, for the objects Baton handles. */
export function objectOfId(id: string): CrmObject | undefined {
  const p = id.slice(0, 3);
  const map: Record<string, CrmObject> = {
    '00Q': 'Lead',
    '003': 'Contact',
    '001': 'Account',
    '006': 'Opportunity',
    '00K': 'OpportunityContactRole',
    '00v': 'CampaignMember',
    '00T': 'Task',
  };
  return map[p];
}
