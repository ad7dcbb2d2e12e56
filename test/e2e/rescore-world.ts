/**
 * The world of the go-live re-score (test/e2e/rescore.test.ts and bench/rescore.bench.ts): people
 * made through the real intake under v7 (HubSpot contacts a marketer edited, delivered by signed
 * webhooks; a quarter in France, the rest in the US; a third viewed the pricing page four times),
 * then v8 goes live: a senior title is worth 30 instead of 20, the target country 12 instead of 10,
 * and the MQL condition asks for engagement 15 instead of 30. So a fit moves for everyone senior or
 * in the US (one value to write), a senior title in the US that viewed pricing becomes MQL (a Lead,
 * a Task and the contact's stage), and the others in France (a quarter) keep their values.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onWentLive } from '../../src/pipeline/person/rescore.ts';
import type { Store } from '../../src/store/types.ts';
import type { FakeRequest } from '../../sandbox/types.ts';
import { postEvents, type Harness } from './harness.ts';

/** Successful HubSpot contact updates per contact id: the properties of each write, as the fake received them. */
export type ContactWrites = Map<string, Record<string, unknown>[]>;

/** Records every successful HubSpot contact batch update from now on. */
export function tapContactWrites(h: Harness): ContactWrites {
  const writes: ContactWrites = new Map();
  const handle = h.hubspot.handle.bind(h.hubspot);
  Object.assign(h.hubspot, {
    async handle(req: FakeRequest) {
      const res = await handle(req);
      if (
        res?.status === 200 &&
        req.method === 'POST' &&
        /\/objects\/(contacts|0-1)\/batch\/update$/.test(req.url.pathname)
      )
        for (const i of (JSON.parse(req.body) as { inputs: { id: string; properties: Record<string, unknown> }[] })
          .inputs)
          writes.set(String(i.id), [...(writes.get(String(i.id)) ?? []), i.properties]);
      return res;
    },
  });
  return writes;
}

const senior = (i: number) => i % 2 === 1;

/** `n` people through the real intake under v7; drained (their first write-back done). */
export async function seedPeople(h: Harness, n: number): Promise<void> {
  const at = h.clock.now.getTime();
  for (let from = 0; from < n; from += 100) {
    const events = [];
    for (let i = from; i < Math.min(n, from + 100); i++) {
      const id = h.hubspot.seed(
        'contacts',
        {
          email: `person${i}@rescore${i % 40}.example`,
          firstname: `P${i}`,
          lastname: 'Rescore',
          company: `Rescore ${i % 40}`,
          jobtitle: 'Intern',
          country: i % 4 === 0 ? 'FR' : 'US',
        },
        { at: at - 86_400_000 },
      );
      events.push(
        ...h.hubspot.changeAsMarketer('contacts', id, { jobtitle: senior(i) ? 'VP Operations' : 'Analyst' }, { at }),
      );
    }
    const res = await h.hubspotWebhook(events);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  }
  await h.drain();
  const views = [];
  for (let i = 0; i < n; i += 3)
    for (let k = 0; k < 4; k++)
      views.push({
        id: `rescore:view:${i}:${k}`,
        email: `person${i}@rescore${i % 40}.example`,
        type: 'page_view',
        at: new Date(at).toISOString(),
        properties: { url: `https://acme.example/pricing?v=${k}` },
      });
  for (let i = 0; i < views.length; i += 500) {
    const res = await postEvents(h, views.slice(i, i + 500));
    if (res.status !== 202) throw new Error(`/api/events answered ${res.status}: ${await res.text()}`);
  }
  await h.drain();
}

/** Baton's go-live listener, as `baton serve` wires it. */
export function listen(h: Harness): void {
  h.config.onLive(async (v) => void (await onWentLive(h.ctx, v)));
}

/** v8 goes live: the file edited as the two owners approved it, then reloaded. */
export async function goLive(h: Harness): Promise<void> {
  const file = join(h.configDir, 'agreement.yaml');
  const text = await readFile(file, 'utf8');
  const next = text
    .replace('version: 7', 'version: 8')
    .replace(/(id: senior-title\n(?:.*\n)*?\s+add: )20/, (_, head: string) => `${head}30`)
    .replace(/(id: target-country\n(?:.*\n)*?\s+add: )10/, (_, head: string) => `${head}12`)
    .replace('{ score: engagement, gte: 30 }', '{ score: engagement, gte: 15 }');
  if (next === text || !next.includes('add: 30') || !next.includes('add: 12') || !next.includes('gte: 15'))
    throw new Error('agreement.yaml not as expected');
  await writeFile(file, next);
  const r = await h.config.reload();
  if (!r.ok || h.config.current()?.version !== 8) throw new Error(`v8 did not go live: ${r.message}`);
}

/** What Baton holds of each person's written values: stage and scores (as written, two decimals), by HubSpot id. */
export async function shown(store: Store): Promise<Map<string, { stage: string; fit: number; engagement: number }>> {
  const out = new Map<string, { stage: string; fit: number; engagement: number }>();
  for (let afterId = 0; ;) {
    const page = await store.listPeople({ afterId, limit: 1000 });
    for (const p of page)
      if (p.hubspotId) out.set(p.hubspotId, { stage: p.stage, fit: p.scores.fit, engagement: p.scores.engagement });
    if (page.length < 1000) return out;
    afterId = page[page.length - 1].id;
  }
}
