/** Operations end to end: dead letters and their replay, a resumable backfill, and agreement versions going live. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { BackfillPage } from '../../connectors/types.ts';
import { backfillCursor, backfillInto } from '../../src/cli/backfill.ts';
import { dlq } from '../../src/cli/dlq.ts';
import { ANA, makeHarness, mqlPerson, postEvents, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

test('a write HubSpot refuses for good lands in the dead letters with its message, and can be replayed or dropped', async () => {
  h.hubspot.inject({
    status: 400,
    count: 1,
    body: {
      status: 'error',
      message: 'Property values were not valid',
      category: 'VALIDATION_ERROR',
      correlationId: 'x',
    },
    match: (r) => r.method === 'POST' && /batch\/update/.test(r.url.pathname),
  });
  await mqlPerson(h);
  const dead = await h.store.listDeadLetters();
  expect(dead).toHaveLength(1);
  expect(dead[0]).toMatchObject({ crm: 'hubspot' });
  expect(dead[0].error).toMatch(/not valid/);

  const out: string[] = [];
  expect(
    await dlq(
      h.store,
      ['list'],
      (s) => out.push(s),
      (s) => out.push(s),
    ),
  ).toBe(0);
  expect(out.join('\n')).toMatch(new RegExp(`^${dead[0].id}\\s+outbox\\s+hubspot\\s+hubspot:contact:`, 'm'));
  expect(
    await dlq(
      h.store,
      ['retry', String(dead[0].id)],
      (s) => out.push(s),
      (s) => out.push(s),
    ),
  ).toBe(0);
  await h.drain();
  expect(await h.store.listDeadLetters()).toHaveLength(0);
  const contact = [...h.hubspot.data.records.contacts.values()][0].properties;
  expect(contact.baton_stage).toBe('mql');
  expect(
    await dlq(
      h.store,
      ['drop', '999'],
      () => {},
      () => {},
    ),
  ).toBe(1);
  expect(
    await dlq(
      h.store,
      ['frobnicate'],
      () => {},
      () => {},
    ),
  ).toBe(1);
});

test('a backfill feeds the inbox page by page and resumes from its cursor after a failure', async () => {
  for (let i = 0; i < 5; i++) h.hubspot.seed('contacts', { ...ANA, email: `person${i}@corp.example` });
  const connector = h.ctx.connectors.hubspot!;
  let failOnce = true;
  const flaky = (cursor: string | null): AsyncIterable<BackfillPage> => ({
    async *[Symbol.asyncIterator]() {
      const all: BackfillPage[] = [];
      for await (const page of connector.backfill(null)) all.push(page);
      const records = all.flatMap((p) => p.records);
      let start = cursor ? Number(cursor) : 0;
      while (start < records.length) {
        if (start === 2 && failOnce) {
          failOnce = false;
          throw new Error('connection reset');
        }
        yield { records: records.slice(start, start + 2), cursor: String(start + 2), total: records.length };
        start += 2;
      }
    },
  });
  await expect(backfillInto(h.store, flaky, 'hubspot', undefined)).rejects.toThrow('connection reset');
  expect(await h.store.getCursor(backfillCursor('hubspot', undefined))).toBe('2');
  const result = await backfillInto(h.store, flaky, 'hubspot', undefined);
  expect(result.records).toBe(3);
  expect(await h.store.getCursor(backfillCursor('hubspot', undefined))).toBeNull();
  await h.drain();
  expect(await h.store.listPeople({ limit: 10 })).toHaveLength(5);
});

test('a backfill asks for its next page before storing this one', async () => {
  const storedWhenAsked: number[] = [];
  const record = (i: number) => ({
    crm: 'hubspot' as const,
    object: 'contact' as const,
    id: String(9000 + i),
    properties: { email: `p${i}@corp.example` },
    modifiedAt: '2026-11-20T10:00:00.000Z',
  });
  const pages = (): AsyncIterable<BackfillPage> => ({
    async *[Symbol.asyncIterator]() {
      for (let p = 0; p < 3; p++) {
        storedWhenAsked.push((await h.store.inboxStats(new Date().toISOString())).pending);
        yield { records: [record(2 * p), record(2 * p + 1)], cursor: `after-${p}`, total: 6 };
      }
    },
  });
  const result = await backfillInto(h.store, pages, 'hubspot', 'x');
  expect(result).toEqual({ records: 6, stored: 6 });
  // page 2 was asked for before page 1 was stored (a read in flight), and so on
  expect(storedWhenAsked).toEqual([0, 0, 2]);
  expect(await h.store.getCursor(backfillCursor('hubspot', 'x'))).toBeNull();
});

test('a new approved agreement version goes live and stamps transitions; a draft is refused and the live one keeps running', async () => {
  const file = join(h.configDir, 'agreement.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text
      .replace('version: 7', 'version: 8')
      .replace(/ {2}sales:\s+\{[^}]*\}/, '  sales: { name: Raj Patel, email: raj@acme.example }'),
  );
  const refused = await h.config.reload();
  expect(refused.ok).toBe(false);
  expect(refused.message).toMatch(/sales has not approved/);
  expect(h.config.refused()).toMatchObject({ draft: { version: 8, missing: ['sales'] } });
  expect(h.config.current()!.version).toBe(7);

  await writeFile(file, text.replace('version: 7', 'version: 8'));
  expect((await h.config.reload()).ok).toBe(true);
  expect(h.config.current()!.version).toBe(8);
  const versions = await h.store.listAgreementVersions();
  expect(versions.map((v) => v.version).sort()).toEqual([7, 8]);

  await mqlPerson(h);
  const person = await (await h.fetch('/api/people/ana@corp.example')).json();
  expect(person.transitions.at(-1)).toMatchObject({ to: 'mql', version: 8 });

  await writeFile(file, 'name: [broken');
  const broken = await h.config.reload();
  expect(broken.ok).toBe(false);
  expect(broken.message).toMatch(/agreement\.yaml:\d+:\d+/);
  expect(h.config.refused()?.draft).toBeUndefined();
  expect(h.config.current()!.version).toBe(8);
});

test('a fields.yaml change the connectors act on waits for a restart, with a notice; one they do not goes live', async () => {
  const file = join(h.configDir, 'fields.yaml');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('baton_reason: "{{reason}}"', 'baton_reason: "why: {{reason}}"'));
  expect((await h.config.reload()).ok).toBe(true);
  expect(h.config.current()!.fields.writeback?.hubspot?.contact?.baton_reason).toBe('why: {{reason}}');
  expect(h.config.refused()).toBeNull();

  await writeFile(
    file,
    text
      .replace(
        '    country:',
        '    industry:     { hubspot: industry,  salesforce: Industry,  sync: two_way }\n    country:',
      )
      .replace('baton_reason: "{{reason}}"', 'baton_reason: "why: {{reason}}"\n      baton_owner: "{{owner.name}}"'),
  );
  expect((await h.config.reload()).ok).toBe(true);
  const live = h.config.current()!;
  expect(live.fields.person.fields.industry).toBeUndefined();
  expect(live.fields.writeback?.hubspot?.contact).not.toHaveProperty('baton_owner');
  expect(h.config.refused()?.restart).toEqual([
    'added hubspot contact property baton_owner (writeback)',
    'added hubspot contact property industry (person.industry)',
    'added salesforce person field Industry (person.industry)',
  ]);
  expect(h.config.refused()?.message).toMatch(/fields\.yaml: the change takes effect at the next start of baton serve/);
  // the handoff goes on with the running mapping: no write to a property Baton never created
  await mqlPerson(h);
  expect(await h.store.listDeadLetters()).toEqual([]);
});

test('the watcher picks up an agreement change within seconds', async () => {
  h.config.watch(500);
  const file = join(h.configDir, 'agreement.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace('version: 7', 'version: 9'));
  const end = Date.now() + 5000;
  while (h.config.current()!.version !== 9 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  expect(h.config.current()!.version).toBe(9);
  await postEvents(h, {
    id: 'w1',
    email: 'w@corp.example',
    type: 'page_view',
    at: new Date().toISOString(),
    properties: {},
  });
});
