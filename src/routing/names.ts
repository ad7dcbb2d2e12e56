/** Normalizing what account matching compares: web domains, email domains, company names. */

/** The host of a Website, lower-cased, without scheme, port, path or a leading `www.` (`https://www.acme.com/about` → `acme.com`). */
export function websiteDomain(website: string | null | undefined): string | null {
  if (!website) return null;
  let text = String(website).trim().toLowerCase();
  if (!text) return null;
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  text = text.replace(/^[^@/]*@/, '');
  const host = text.split(/[/?#]/, 1)[0].replace(/:\d+$/, '').replace(/\.$/, '');
  const domain = host.replace(/^www\./, '');
  return domain.includes('.') ? domain : null;
}

/** The domain of an email address, lower-cased, or null. */
export function emailDomain(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  const domain = email
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return domain || null;
}

const LEGAL_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'plc',
  'corp',
  'corporation',
  'co',
  'company',
  'gmbh',
  'ag',
  'kg',
  'ug',
  'se',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'aps',
  'pty',
  'pte',
  'kk',
]);

/** A company name with case, punctuation and legal suffixes (Inc, Ltd, GmbH, …) dropped: `Acme, Inc.` → `acme`. */
export function normalizeCompanyName(name: string | null | undefined): string | null {
  if (!name) return null;
  const words = String(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1])) words.pop();
  const out = words.join(' ');
  return out || null;
}
