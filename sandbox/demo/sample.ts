/**
 * The demo's sample world, generated from a seed so every run tells the same story: companies,
 * people (a few on free mail, a few Acme employees the disqualify rule catches), campaigns,
 * Salesforce users (reps and their manager), people who already exist in Salesforce, and deals.
 * Pure: no I/O, no clock.
 */
import { seededRandom } from '../../src/platform/random.ts';

export { seededRandom };

export interface SampleCompany {
  name: string;
  domain: string;
  employees: number;
  country: string;
  industry: string;
}

export interface SamplePerson {
  firstName: string;
  lastName: string;
  email: string;
  title: string;
  /** Index into `companies`; null for free-mail people who gave no company. */
  company: number | null;
  country: string;
  /** Already in Salesforce before Baton starts, as a Lead or (converted) Contact. */
  inSalesforce: 'lead' | 'contact' | null;
}

export interface SampleCampaign {
  name: string;
  channel: 'webinar' | 'paid_search' | 'event' | 'email' | 'organic' | 'social';
  /** The HubSpot form people of this campaign fill in. */
  form: string;
  /** The landing page, with its UTM parameters. */
  url: string;
  emailCampaignId: number;
  /** The Salesforce Campaign's `ActualCost` (ROI); none for a campaign that cost nothing to run. */
  actualCost?: number;
}

export interface SampleUser {
  name: string;
  email: string;
  role: 'rep' | 'manager';
}

export interface SampleDeal {
  /** Index into `people`: the contact on the deal (always `inSalesforce: 'contact'`). */
  person: number;
  name: string;
  amount: number;
  stage: 'Qualification' | 'Proposal/Price Quote';
}

export interface Sample {
  companies: SampleCompany[];
  people: SamplePerson[];
  campaigns: SampleCampaign[];
  users: SampleUser[];
  deals: SampleDeal[];
}

const FIRST = [
  'Ana',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kara',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Xin',
  'Yara',
  'Zoe',
  'Mateo',
  'Lena',
  'Omar',
  'Sofia',
  'Ivan',
  'Nadia',
];
const LAST = [
  'Alvarez',
  'Brooks',
  'Chen',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quispe',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
  'Novak',
  'Silva',
  'Kim',
  'Murphy',
];
const SENIOR = [
  'VP Operations',
  'Director of Marketing',
  'Head of Revenue Operations',
  'Chief Financial Officer',
  'VP Sales',
  'Director of IT',
  'Head of Growth',
];
const JUNIOR = [
  'Marketing Manager',
  'Sales Operations Analyst',
  'Software Engineer',
  'Account Executive',
  'Data Analyst',
  'Office Manager',
  'Product Manager',
  'Consultant',
];
const COMPANY_WORDS = [
  'Northwind',
  'Contoso',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Hooli',
  'Vandelay',
  'Pied Piper',
  'Wonka',
  'Gringotts',
  'Oscorp',
  'Aperture',
  'Massive Dynamic',
  'Dunder',
  'Prestige',
  'Sterling',
  'Monarch',
  'Bluth',
  'Virtucon',
  'Nakatomi',
  'Blue Sun',
  'Zorg',
  'Weyland',
  'Octan',
  'Krusty',
];
const SUFFIX = ['Logistics', 'Analytics', 'Health', 'Energy', 'Labs', 'Foods', 'Capital', 'Retail', 'Systems', 'Media'];
const INDUSTRY: Record<string, string> = {
  Logistics: 'Transportation',
  Analytics: 'Technology',
  Health: 'Healthcare',
  Energy: 'Energy',
  Labs: 'Technology',
  Foods: 'Food & Beverage',
  Capital: 'Finance',
  Retail: 'Retail',
  Systems: 'Technology',
  Media: 'Media',
};
const COUNTRIES = ['US', 'US', 'US', 'CA', 'GB', 'DE', 'FR', 'BR', 'IN', 'AU'];
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'hotmail.com'];

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** The sample campaigns: what brought people in, with the form each one uses. */
export const CAMPAIGNS: SampleCampaign[] = [
  {
    name: 'Autumn Data Summit',
    channel: 'event',
    form: 'event-registration',
    url: 'https://www.acme.example/summit?utm_campaign=Autumn%20Data%20Summit&utm_medium=event',
    emailCampaignId: 9101,
    actualCost: 18000,
  },
  {
    name: 'Q4 Webinar: Revenue Ops',
    channel: 'webinar',
    form: 'webinar-signup',
    url: 'https://www.acme.example/webinar?utm_campaign=Q4%20Webinar&utm_medium=webinar',
    emailCampaignId: 9102,
    actualCost: 4500,
  },
  {
    name: 'Pricing Ads',
    channel: 'paid_search',
    form: 'demo-request',
    url: 'https://www.acme.example/pricing?utm_campaign=Pricing%20Ads&utm_medium=cpc&utm_source=google',
    emailCampaignId: 9103,
    actualCost: 12000,
  },
  {
    name: 'November Newsletter',
    channel: 'email',
    form: 'newsletter',
    url: 'https://www.acme.example/blog?utm_campaign=November%20Newsletter&utm_medium=email',
    emailCampaignId: 9104,
    actualCost: 800,
  },
  {
    name: 'Handoff Guide',
    channel: 'organic',
    form: 'ebook-download',
    url: 'https://www.acme.example/guide?utm_campaign=Handoff%20Guide&utm_medium=organic',
    emailCampaignId: 9105,
  },
];

/** Shares of the people who are on free mail, Acme's own staff, and already in Salesforce. */
export interface SampleMix {
  freeMail?: number;
  staff?: number;
  inSalesforce?: number;
}

/** Builds the sample world for `seed`: `people` people across a fifth as many companies. */
export function buildSample(seed = 7, people = 200, mix: SampleMix = {}): Sample {
  const free = mix.freeMail ?? 0.06;
  const staff = free + (mix.staff ?? 0.03);
  const inSf = mix.inSalesforce ?? 0.12;
  const rand = seededRandom(seed);
  const companies: SampleCompany[] = [];
  const names = new Set<string>();
  const companyCount = Math.max(5, Math.round(people / 5));
  while (companies.length < companyCount) {
    const word = pick(rand, COMPANY_WORDS);
    const suffix = pick(rand, SUFFIX);
    const name = `${word} ${suffix}`;
    if (names.has(name) && names.size < COMPANY_WORDS.length * SUFFIX.length) continue;
    const n = names.has(name) ? `${name} ${companies.length}` : name;
    names.add(n);
    const size = rand();
    const employees =
      size < 0.45
        ? 10 + Math.floor(rand() * 180)
        : size < 0.85
          ? 200 + Math.floor(rand() * 1800)
          : 2000 + Math.floor(rand() * 20000);
    companies.push({
      name: n,
      domain: `${slug(n)}.example`,
      employees,
      country: pick(rand, COUNTRIES),
      industry: INDUSTRY[suffix],
    });
  }

  const list: SamplePerson[] = [];
  const emails = new Set<string>();
  for (let i = 0; list.length < people; i++) {
    const firstName = pick(rand, FIRST);
    const lastName = pick(rand, LAST);
    const roll = rand();
    // by default ~6% free mail, ~3% Acme's own staff, the rest at their company's domain
    const kind = roll < free ? 'free' : roll < staff ? 'acme' : 'work';
    const company =
      kind === 'free'
        ? rand() < 0.5
          ? null
          : Math.floor(rand() * companies.length)
        : kind === 'acme'
          ? null
          : Math.floor(rand() * companies.length);
    const domain =
      kind === 'free' ? pick(rand, FREE_MAIL) : kind === 'acme' ? 'acme.example' : companies[company!].domain;
    const email = `${slug(firstName)}.${slug(lastName)}${i > 60 ? i : ''}@${domain}`;
    if (emails.has(email)) continue;
    emails.add(email);
    const title = rand() < 0.35 ? pick(rand, SENIOR) : pick(rand, JUNIOR);
    const country = company === null ? pick(rand, COUNTRIES) : companies[company].country;
    const sf = kind === 'work' ? rand() : 1;
    list.push({
      firstName,
      lastName,
      email,
      title,
      company,
      country,
      inSalesforce: sf < inSf * (2 / 3) ? 'lead' : sf < inSf ? 'contact' : null,
    });
  }

  const users: SampleUser[] = [
    { name: 'Morgan Reyes', email: 'morgan.reyes@acme.example', role: 'manager' },
    { name: 'Jordan Blake', email: 'jordan.blake@acme.example', role: 'rep' },
    { name: 'Casey Nguyen', email: 'casey.nguyen@acme.example', role: 'rep' },
    { name: 'Riley Adams', email: 'riley.adams@acme.example', role: 'rep' },
    { name: 'Avery Singh', email: 'avery.singh@acme.example', role: 'rep' },
  ];

  const deals: SampleDeal[] = list
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.inSalesforce === 'contact')
    .slice(0, 4)
    .map(({ p, i }, k) => ({
      person: i,
      name: `${p.company === null ? 'Direct' : companies[p.company].name} — Platform`,
      amount: Math.round((12_000 + rand() * 60_000) * 100) / 100,
      stage: k % 2 === 0 ? 'Qualification' : 'Proposal/Price Quote',
    }));

  return { companies, people: list, campaigns: CAMPAIGNS, users, deals };
}
