/**
 * Candidate Accounts for lead-to-account matching: one SOQL query per batch of handoffs (chunked
 * only when the WHERE clause would outgrow a GET URI), broad `LIKE` filters in SOQL and the exact
 * comparison left to `src/routing/accounts.ts`, since Website holds URLs, not bare domains.
 */
import type { AccountCandidate } from '../../src/routing/accounts.ts';
import type { SalesforceClient } from './client.ts';
import { soqlLikeContains } from './soql.ts';

/** The longest word of a normalized company name: selective in `LIKE`, present in every spelling. */
function nameProbe(normalized: string): string {
  return normalized.split(' ').reduce((a, b) => (b.length > a.length ? b : a), '');
}

/**
 * The `WHERE` terms of the account lookup, grouped so no query's text exceeds `maxChars` (queries
 * go out as GET URIs of about 16,000 characters at most once encoded).
 */
export function accountQueries(keys: { domains: string[]; names: string[] }, maxChars = 8000): string[] {
  const terms = [
    ...new Set([
      ...keys.domains.map((d) => `Website LIKE ${soqlLikeContains(d)}`),
      ...keys.names
        .map(nameProbe)
        .filter((w) => w.length > 0)
        .map((w) => `Name LIKE ${soqlLikeContains(w)}`),
    ]),
  ];
  const out: string[] = [];
  let cur: string[] = [];
  let len = 0;
  for (const t of terms) {
    if (cur.length && len + t.length + 4 > maxChars) {
      out.push(cur.join(' OR '));
      cur = [];
      len = 0;
    }
    cur.push(t);
    len += t.length + 4;
  }
  if (cur.length) out.push(cur.join(' OR '));
  return out.map((where) => `SELECT Id, Name, Website, OwnerId FROM Account WHERE ${where}`);
}

/** Accounts that may match the given email domains or normalized names (a superset; match exactly in code). */
export async function findAccounts(
  client: SalesforceClient,
  keys: { domains: string[]; names: string[] },
): Promise<AccountCandidate[]> {
  const byId = new Map<string, AccountCandidate>();
  for (const soql of accountQueries(keys)) {
    for (const r of await client.queryAll(soql, 'find accounts')) {
      byId.set(String(r.Id), {
        id: String(r.Id),
        name: String(r.Name ?? ''),
        website: (r.Website as string | null) ?? null,
        ownerId: String(r.OwnerId),
      });
    }
  }
  return [...byId.values()];
}
