/** The demo's sample world: reproducible from its seed, and holding the cases the story needs. */
import { expect, test } from 'vitest';
import { buildSample } from '../../sandbox/demo/sample.ts';

test('the same seed gives the same world; another seed another', () => {
  expect(buildSample(7)).toEqual(buildSample(7));
  expect(buildSample(8).people.map((p) => p.email)).not.toEqual(buildSample(7).people.map((p) => p.email));
});

test('about 200 people with unique emails, free mail, Acme staff, people already in Salesforce, and deals on Contacts', () => {
  const s = buildSample(7);
  expect(s.people).toHaveLength(200);
  expect(new Set(s.people.map((p) => p.email)).size).toBe(200);
  expect(s.people.filter((p) => /@(gmail|yahoo|hotmail)\.com$/.test(p.email)).length).toBeGreaterThan(3);
  expect(s.people.filter((p) => p.email.endsWith('@acme.example')).length).toBeGreaterThan(1);
  expect(s.people.some((p) => p.inSalesforce === 'lead')).toBe(true);
  expect(s.people.some((p) => p.inSalesforce === 'contact')).toBe(true);
  expect(s.companies.every((c) => c.employees > 0 && c.country.length === 2)).toBe(true);
  expect(s.companies.some((c) => c.employees >= 200) && s.companies.some((c) => c.employees < 200)).toBe(true);
  expect(s.campaigns.map((c) => c.channel)).toEqual(expect.arrayContaining(['webinar', 'paid_search', 'event']));
  expect(s.users.filter((u) => u.role === 'rep').length).toBeGreaterThanOrEqual(2);
  expect(s.users.filter((u) => u.role === 'manager')).toHaveLength(1);
  for (const d of s.deals) expect(s.people[d.person].inSalesforce).toBe('contact');
});

test('the benchmark mix: 1,000 people, nobody on staff or in Salesforce', () => {
  const s = buildSample(1000, 1000, { freeMail: 0.05, staff: 0, inSalesforce: 0 });
  expect(s.people).toHaveLength(1000);
  expect(s.people.some((p) => p.email.endsWith('@acme.example') || p.inSalesforce)).toBe(false);
});
