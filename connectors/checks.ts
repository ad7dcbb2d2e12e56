/**
 * One line of `baton doctor` and of `baton setup`'s report: what was checked, whether it holds, and
 * when it does not, the fix and who does it (`setup`: `baton setup` creates it; `person`: only a
 * person can, in the CRM's settings).
 */
export type CheckStatus = 'ok' | 'problem' | 'warn' | 'info';

export interface Check {
  /** Stable id, e.g. `hubspot.scopes`, `salesforce.field.Lead.Baton_Stage__c`. */
  id: string;
  status: CheckStatus;
  message: string;
  fix?: string;
  /** Who can fix it: `baton setup` or a person. */
  by?: 'setup' | 'person';
}

/** A check that holds. */
export const ok = (id: string, message: string): Check => ({ id, status: 'ok', message });

/** A check that fails, with its fix. */
export const problem = (id: string, message: string, fix: string, by: Check['by'] = 'person'): Check => ({
  id,
  status: 'problem',
  message,
  fix,
  by,
});
