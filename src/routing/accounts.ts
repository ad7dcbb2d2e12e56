/** Lead-to-account matching: the email's domain against Account websites, then the normalized company name. */
import { emailDomain, normalizeCompanyName, websiteDomain } from './names.ts';

export interface AccountCandidate {
  id: string;
  name: string;
  website: string | null;
  ownerId: string;
}

export type AccountMatch =
  | { kind: 'match'; account: AccountCandidate; by: 'email_domain' | 'company_name' }
  | { kind: 'ambiguous'; by: 'email_domain' | 'company_name'; accounts: AccountCandidate[] }
  | { kind: 'none' };

export interface MatchOptions {
  by: ('email_domain' | 'company_name')[];
  ignoreDomains: string[];
}

/** An index of accounts by website domain and by normalized name, built once per batch. */
export interface AccountIndex {
  byDomain: Map<string, AccountCandidate[]>;
  byName: Map<string, AccountCandidate[]>;
}

function push(map: Map<string, AccountCandidate[]>, key: string | null, a: AccountCandidate) {
  if (!key) return;
  const list = map.get(key);
  if (list) list.push(a);
  else map.set(key, [a]);
}

/** Indexes the candidate accounts of one batch. */
export function indexAccounts(accounts: AccountCandidate[]): AccountIndex {
  const index: AccountIndex = { byDomain: new Map(), byName: new Map() };
  for (const a of accounts) {
    push(index.byDomain, websiteDomain(a.website), a);
    push(index.byName, normalizeCompanyName(a.name), a);
  }
  return index;
}

/** What a batch must look up: the email domains (not ignored) and the normalized company names. */
export function lookupKeys(people: { email: string; companyName?: string | null }[], options: MatchOptions) {
  const ignore = new Set(options.ignoreDomains.map((d) => d.toLowerCase()));
  const domains = new Set<string>();
  const names = new Set<string>();
  for (const p of people) {
    const d = emailDomain(p.email);
    if (options.by.includes('email_domain') && d && !ignore.has(d)) domains.add(d);
    const n = normalizeCompanyName(p.companyName);
    if (options.by.includes('company_name') && n) names.add(n);
  }
  return { domains: [...domains], names: [...names] };
}

/** Matches one person: exactly one account by domain, else exactly one by name; several is ambiguous. */
export function matchAccount(
  person: { email: string; companyName?: string | null },
  index: AccountIndex,
  options: MatchOptions,
): AccountMatch {
  const ignore = new Set(options.ignoreDomains.map((d) => d.toLowerCase()));
  let ambiguous: AccountMatch | null = null;
  for (const by of options.by) {
    const key = by === 'email_domain' ? emailDomain(person.email) : normalizeCompanyName(person.companyName);
    if (!key || (by === 'email_domain' && ignore.has(key))) continue;
    const found = (by === 'email_domain' ? index.byDomain : index.byName).get(key) ?? [];
    const distinct = [...new Map(found.map((a) => [a.id, a])).values()];
    if (distinct.length === 1) return { kind: 'match', account: distinct[0], by };
    if (distinct.length > 1 && !ambiguous) ambiguous = { kind: 'ambiguous', by, accounts: distinct };
  }
  return ambiguous ?? { kind: 'none' };
}
