import { describe, expect, it } from 'vitest';
import { emailDomain, normalizeCompanyName, websiteDomain } from '../../src/routing/names.ts';

describe('website domains', () => {
  it.each([
    ['https://www.acme.com/about', 'acme.com'],
    ['http://Acme.COM:8080', 'acme.com'],
    ['www.acme.co.uk', 'acme.co.uk'],
    ['acme.io/', 'acme.io'],
    ['  https://shop.acme.com?x=1 ', 'shop.acme.com'],
    ['', null],
    [null, null],
    ['localhost', null],
  ])('%s → %s', (website, domain) => {
    expect(websiteDomain(website)).toBe(domain);
  });
});

describe('email domains and company names', () => {
  it('takes the domain of an email', () => {
    expect(emailDomain('Ana@Corp.Example ')).toBe('corp.example');
    expect(emailDomain('no-at')).toBeNull();
  });
  it.each([
    ['Acme, Inc.', 'acme'],
    ['ACME Ltd', 'acme'],
    ['Müller GmbH', 'muller'],
    ['Smith & Sons LLC', 'smith and sons'],
    ['Co', 'co'],
  ])('%s → %s', (name, normalized) => {
    expect(normalizeCompanyName(name)).toBe(normalized);
  });
});
