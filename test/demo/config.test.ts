/** The demo's configuration (`mappings/demo/`) and its compressed SLA clock. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { compressSla } from '../../src/agreement/sla.ts';
import { loadConfig } from '../../src/config/load.ts';
import { parseDuration } from '../../src/config/duration.ts';

const MAPPINGS = join(import.meta.dirname, '..', '..', 'mappings');
const DEMO = join(MAPPINGS, 'demo');

test('the demo maps fields exactly as the shipped fields.yaml does', () => {
  expect(readFileSync(join(DEMO, 'fields.yaml'), 'utf8')).toBe(readFileSync(join(MAPPINGS, 'fields.yaml'), 'utf8'));
});

test('the demo agreement has the SLA tiers (demo requests 30 min, webinars 4 business hours, the rest a day), a reminder and reassignment; routing.yaml has an account match, a weighted round robin, a cap and a fallback', async () => {
  const c = await loadConfig(DEMO);
  const sla = c.agreement.sla!;
  expect(sla.tiers!.map((t) => [t.when, t.accept_within])).toEqual([
    [{ event: 'form_submission', where: { form: 'demo-request' }, within: '1d' }, '30m'],
    [{ event: 'form_submission', where: { form: 'webinar-signup' }, within: '1d' }, '4h'],
  ]);
  expect(sla).toMatchObject({ accept_within: '8h', remind_before: '15m', on_breach: 'reassign' });
  expect(sla.business_hours).toMatchObject({ from: '09:00', to: '17:00' });
  expect(c.routing).toMatchObject({
    match_accounts: { owner: 'account_owner', create: 'contact' },
    cap_per_day: 20,
    fallback: { round_robin: expect.any(Array) },
  });
  expect(c.routing!.rules[0].assign).toMatchObject({ weights: { 'jordan.blake@acme.example': 2 } });
});

test('compressSla divides every SLA duration by the scale and drops business hours; a scale of 1 changes nothing', async () => {
  const sla = (await loadConfig(DEMO)).agreement.sla!;
  const fast = compressSla(sla, 30)!;
  expect(parseDuration(fast.accept_within)).toBe(parseDuration('8h') / 30);
  expect(fast.tiers!.map((t) => parseDuration(t.accept_within))).toEqual([60_000, 480_000]);
  expect(parseDuration(fast.remind_before!)).toBe(30_000);
  expect(fast.business_hours).toBeUndefined();
  expect(fast.on_breach).toBe('reassign');
  expect(compressSla(sla, 1)).toBe(sla);
});
