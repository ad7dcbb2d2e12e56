/** Generated people for `bench:simulate` and its byte-identity test: person `i` of a seed is always the same line. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from '../../src/platform/random.ts';

const TITLES = [
  'VP Operations',
  'Director of IT',
  'Engineer',
  'Head of Growth',
  'Analyst',
  'Chief Revenue Officer',
  'Intern',
  'Manager',
];
const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'IN', 'BR'];
const DOMAINS = ['corp.example', 'bigco.example', 'gmail.com', 'yahoo.com', 'acme.example', 'startup.example'];
const TYPES = [
  'form_submission',
  'email_open',
  'email_click',
  'page_view',
  'page_view',
  'email_click',
  'meeting_booked',
];
const FORMS = ['newsletter', 'ebook', 'contact'];
const URLS = ['/pricing', '/blog/post', '/docs', '/pricing/enterprise', '/about'];
const DAY = 86_400_000;

/** Writes `n` people as JSON Lines to `path`, events up to `at`, 0–20 events each. */
export async function writePeople(path: string, n: number, at: string, seed = 19): Promise<void> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const end = Date.parse(at);
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const events = [];
    let t = end - 90 * DAY + Math.floor(rnd() * 10 * DAY);
    const count = Math.floor(rnd() * 21);
    for (let k = 0; k < count; k++) {
      t += Math.floor(rnd() * 4 * DAY);
      const type = pick(TYPES);
      const properties =
        type === 'form_submission'
          ? { form: rnd() < 0.05 ? 'demo-request' : pick(FORMS) }
          : type === 'page_view'
            ? { url: pick(URLS) }
            : { campaign: 'Q4' };
      events.push({ id: `e${i}-${k}`, type, at: new Date(Math.min(t, end)).toISOString(), properties });
    }
    const person = {
      title: pick(TITLES),
      employees: Math.floor(rnd() * 2000),
      country: pick(COUNTRIES),
      lead_status: rnd() < 0.05 ? 'Qualified' : 'New',
    };
    chunk += `${JSON.stringify({ email: `p${i}@${pick(DOMAINS)}`, person, events })}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
