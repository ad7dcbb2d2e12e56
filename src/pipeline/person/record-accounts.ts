/**
 * Pure: the accounts a CRM record puts a person or a deal on, for account-based attribution — a
 * Salesforce Contact's `AccountId`, a converted Lead's `ConvertedAccountId`, an Opportunity's
 * `AccountId`, a HubSpot contact's or deal's associated companies.
 */
import type { CrmRecord } from '../../../connectors/types.ts';
import type { AccountRef } from '../../store/types.ts';

/**
 * The account ids `record` says its person is on, or `undefined` when it says nothing (an
 * unconverted Lead, a HubSpot contact read without associations), so what is known is kept.
 */
export function personAccountIds(record: CrmRecord): string[] | undefined {
  const linked = record.associations?.[record.crm === 'hubspot' ? 'companies' : 'accounts'];
  if (record.crm === 'hubspot') return record.associations ? (linked ?? []) : undefined;
  if (record.object === 'Contact') return linked ?? [];
  if (record.object === 'Lead' && record.properties.IsConverted === true) return linked ?? [];
  return undefined;
}

/** The deal's accounts after reading `record`: this CRM's replaced by what the record links, the other CRM's kept. */
export function dealAccounts(record: CrmRecord, before: readonly AccountRef[] | undefined): AccountRef[] {
  const ids = record.associations?.[record.crm === 'hubspot' ? 'companies' : 'accounts'];
  const kept = (before ?? []).filter((a) => a.crm !== record.crm || ids === undefined);
  const crm = record.crm === 'hubspot' ? 'hubspot' : 'salesforce';
  return [...kept, ...[...new Set(ids ?? [])].map((id) => ({ crm, id }) as const)];
}
