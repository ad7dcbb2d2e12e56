/**
 * Versions by content, end to end: the issue's case (a score edited 40 → 41 under `version: 7`)
 * is refused naming both hashes, new MQLs are scored by v7's stored text and stamped v7; and a
 * restart while the file holds a draft runs the stored live version, the draft waiting.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { parse } from 'yaml';
import { agreementHash } from '../../src/config/agreement-text.ts';
import { liveConfig } from '../../src/pipeline/live-config.ts';
import { logger } from '../../src/platform/logger.ts';
import { draftOf } from '../server/agreement/harness.ts';
import { makeHarness, mqlPerson, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

/** The `add` of the demo-request engagement rule in an agreement text. */
const demoRequestAdd = (text: string): number =>
  (parse(text) as { score: { engagement: { rules: { id: string; add: number }[] } } }).score.engagement.rules.find(
    (r) => r.id === 'demo-request',
  )!.add;

test('a changed text under the live number is refused; transitions carry the number of the text that scored them', async () => {
  const file = join(h.configDir, 'agreement.yaml');
  const original = await readFile(file, 'utf8');
  expect(demoRequestAdd(original)).toBe(40);
  const edited = original.replace(/(id: demo-request[\s\S]*?add: )40/, '$141');
  expect(demoRequestAdd(edited)).toBe(41);
  await writeFile(file, edited);
  const refused = await h.config.reload();
  expect(refused.ok).toBe(false);
  expect(refused.message).toContain(
    `version 7 is a version already seen, with other text: v7 went live ${new Date().toISOString().slice(0, 10)} as sha256 ${agreementHash(original).slice(0, 12)}, ` +
      `the file holds sha256 ${agreementHash(edited).slice(0, 12)} under the same number. Raise version to 8`,
  );

  await mqlPerson(h);
  const person = await (await h.fetch('/api/people/ana@corp.example')).json();
  const mql = person.transitions.find((t: { to: string }) => t.to === 'mql');
  expect(mql.version).toBe(7);
  // The stored text of the version that stamped it is the text that scored it.
  const stored = (await h.store.listAgreementVersions()).find((v) => v.version === mql.version)!;
  expect(stored.hash).toBe(agreementHash(original));
  expect(demoRequestAdd(stored.text)).toBe(40);
  expect(person.scores.engagement).toBeGreaterThanOrEqual(40);
  expect(person.scores.engagement).toBeLessThan(41);
});

test('a restart while the file holds a draft runs the stored live version; the draft waits for its approvals', async () => {
  const file = join(h.configDir, 'agreement.yaml');
  const original = await readFile(file, 'utf8');
  await writeFile(file, draftOf(original));
  const restarted = liveConfig(h.configDir, h.store, logger);
  const first = await restarted.reload();
  expect(first.ok).toBe(false);
  expect(restarted.current()?.version).toBe(7);
  expect(restarted.current()?.agreementConfig.owners.marketing.approved).toBe('2026-11-01');
  expect(restarted.refused()).toMatchObject({
    draft: { version: 8, missing: ['marketing', 'sales'] },
    pending: { status: 'draft', hash: agreementHash(draftOf(original)) },
  });
  expect((await h.store.listAgreementVersions()).map((v) => v.version)).toEqual([7]);
});
