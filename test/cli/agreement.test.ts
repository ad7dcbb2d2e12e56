/**
 * `baton users` and `baton agreement` through the CLI entry, on the store `BATON_TEST_STORE` names:
 * users with tokens, a viewer refused, approvals by email and by token, log/show/diff of the
 * versions, and a rollback that writes a draft with the old text and the next number.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redraft } from '../../src/config/agreement-text.ts';
import { liveConfig, type LiveConfigSource } from '../../src/pipeline/live-config.ts';
import { logger } from '../../src/platform/logger.ts';
import { makeTestStore, type TestStore } from '../support/store.ts';
import { runBaton } from '../support/run-baton.ts';
import { draftOf } from '../server/agreement/harness.ts';

const MAPPINGS = join(import.meta.dirname, '..', '..', 'mappings');
let t: TestStore;
let dir: string;
let original: string;
let config: LiveConfigSource;
beforeAll(async () => {
  t = await makeTestStore();
  dir = await mkdtemp(join(tmpdir(), 'baton-agreement-cli-'));
  for (const f of ['agreement.yaml', 'fields.yaml']) await cp(join(MAPPINGS, f), join(dir, f));
  original = await readFile(join(dir, 'agreement.yaml'), 'utf8');
  config = liveConfig(dir, t.store, logger);
  await config.reload();
});
afterAll(async () => {
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const baton = (...args: string[]) => runBaton(args, { BATON_DATABASE_URL: t.url, BATON_CONFIG_DIR: dir });

it('adds, lists and removes users; approves, logs, shows, diffs and rolls back versions', async () => {
  const tokens: Record<string, string> = {};
  for (const [email, role] of [
    ['dana@acme.example', 'marketing'],
    ['raj@acme.example', 'sales'],
    ['vic@acme.example', 'viewer'],
  ]) {
    const r = await baton('users', 'add', '--name', email.split('@')[0], '--email', email, '--role', role);
    expect(r.code).toBe(0);
    tokens[role] = /token \(shown once; Baton keeps only its hash\): (baton_u_\S+)/.exec(r.out)![1];
  }
  const dup = await baton('users', 'add', '--name', 'D', '--email', 'DANA@acme.example', '--role', 'sales');
  expect(dup).toMatchObject({ code: 1 });
  expect(dup.out).toContain('a user with the email dana@acme.example exists already');
  expect((await baton('users', 'add', '--name', 'X', '--email', 'x@acme.example', '--role', 'boss')).out).toContain(
    "--role: expected one of marketing, sales, viewer, got 'boss'",
  );
  // only hashes are stored
  expect(JSON.stringify(await t.store.listUsers())).not.toContain(tokens.marketing);

  await writeFile(join(dir, 'agreement.yaml'), draftOf(original));
  // The draft on disk against the live version (v7) and against a stored version by number.
  const toDraft = await baton('agreement', 'diff', 'draft');
  expect(toDraft.code).toBe(0);
  expect(toDraft.out).toMatch(
    /^--- agreement\.yaml v7 \(sha256 [0-9a-f]{12}\)\n\+\+\+ agreement\.yaml v8 \(sha256 [0-9a-f]{12}\)\n@@ /,
  );
  expect(toDraft.out).toContain('-version: 7\n+version: 8\n');
  expect(toDraft.out).toContain('-          - { score: fit, gte: 40 }\n+          - { score: fit, gte: 45 }');
  expect((await baton('agreement', 'diff', '7', 'draft')).out).toBe(toDraft.out);
  const viewer = await baton('agreement', 'approve', '--as', 'vic@acme.example');
  expect(viewer.code).toBe(1);
  expect(viewer.out).toContain('vic is a viewer: only a marketing or a sales user approves the agreement');
  const one = await baton('agreement', 'approve', '--as', 'dana@acme.example');
  expect(one.code).toBe(0);
  expect(one.out).toMatch(/dana approved v8 \(sha256 [0-9a-f]{12}\) for marketing/);
  expect(one.out).toMatch(/draft v8 .* approved by marketing dana; waiting for sales/);
  expect((await config.reload()).ok).toBe(false);
  const two = await baton('agreement', 'approve', '--token', tokens.sales);
  expect(two.out).toMatch(/approved by both owners: baton serve makes it live at its next check/);
  expect((await config.reload()).ok).toBe(true);
  expect(config.current()!.version).toBe(8);

  const log = await baton('agreement', 'log');
  expect(log.out).toMatch(
    /v8 \(live\) {2}sha256 [0-9a-f]{12} {2}\S+ → now\n {4}marketing dana \(cli .*\), sales raj \(cli .*\)/,
  );
  expect(log.out).toMatch(
    /v7 {2}sha256 .*\n {4}marketing Dana Lee \(file 2026-11-01\), sales Raj Patel \(file 2026-11-03\)/,
  );
  const show = await baton('agreement', 'show', '7');
  expect(show.out).toContain(original.trimEnd());
  const diff = await baton('agreement', 'diff', '7', '8');
  expect(diff.out).toContain('-          - { score: fit, gte: 40 }\n+          - { score: fit, gte: 45 }');
  expect((await baton('agreement', 'show', '3')).out).toContain('no agreement version 3 went live (versions: 7, 8)');
  // v8 is live and on disk; v7 against the file is the v7 → v8 diff.
  expect((await baton('agreement', 'diff', 'draft')).out).toBe(
    `${join(dir, 'agreement.yaml')} has the same text as v8`,
  );
  expect((await baton('agreement', 'diff', '7', 'draft')).out).toBe(diff.out);
  expect((await baton('agreement', 'diff', '3', 'draft')).out).toContain('no agreement version 3 went live');
  const backwards = await baton('agreement', 'diff', 'draft', '7');
  expect(backwards).toMatchObject({ code: 1 });
  expect(backwards.out).toContain(
    'A: the draft on disk goes last: diff 7 draft, or diff draft (from the live version)',
  );
  expect((await baton('agreement', 'diff', '7')).out).toContain("B: expected a version number or 'draft', got ''");

  const rollback = await baton('agreement', 'rollback', '7');
  expect(rollback.code).toBe(0);
  expect(rollback.out).toContain('v9 with the text of v7, approvals removed');
  expect(await readFile(join(dir, 'agreement.yaml'), 'utf8')).toBe(redraft(original, 9));
  await config.reload();
  expect(config.refused()?.draft).toEqual({ version: 9, missing: ['marketing', 'sales'] });
  expect(config.current()!.version).toBe(8);
  // The rollback draft against v7: a new number, the approval dates gone, every other line as it was.
  const rolled = await baton('agreement', 'diff', '7', 'draft');
  expect(rolled.out).toMatch(/^--- agreement\.yaml v7 \(sha256 [0-9a-f]{12}\)\n\+\+\+ agreement\.yaml v9 /);
  expect(rolled.out).toContain('-version: 7\n+version: 9\n');
  // Edited in place: nothing else moves (the YAML printer used to reflow the whole file).
  expect(rolled.out.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l))).toEqual([
    '-version: 7',
    '+version: 9',
    '-  marketing: { name: Dana Lee, email: dana@acme.example, approved: 2026-11-01 }',
    '-  sales:     { name: Raj Patel, email: raj@acme.example, approved: 2026-11-03 }',
    '+  marketing: { name: Dana Lee, email: dana@acme.example }',
    '+  sales:     { name: Raj Patel, email: raj@acme.example }',
  ]);

  expect((await baton('users', 'remove', 'vic@acme.example')).code).toBe(0);
  expect((await baton('users', 'list')).out).not.toContain('vic@acme.example');
  expect((await baton('users', 'remove', 'vic@acme.example')).out).toContain('no user vic@acme.example');
});

it('diffs the agreement on disk as it is: a file that does not validate, one without a final newline, none, no live version', async () => {
  const empty = await makeTestStore();
  const other = await mkdtemp(join(tmpdir(), 'baton-agreement-cli-'));
  try {
    const on = (...args: string[]) => runBaton(args, { BATON_DATABASE_URL: empty.url, BATON_CONFIG_DIR: other });
    const none = await on('agreement', 'diff', 'draft');
    expect(none).toMatchObject({ code: 1 });
    expect(none.out).toContain(`${join(other, 'agreement.yaml')}: no agreement on disk to compare (ENOENT`);
    await writeFile(join(other, 'agreement.yaml'), original);
    const nothingLive = await on('agreement', 'diff', 'draft');
    expect(nothingLive).toMatchObject({ code: 1 });
    expect(nothingLive.out).toContain('no agreement version went live yet: there is nothing to compare the file with');
  } finally {
    await empty.cleanup();
    await rm(other, { recursive: true, force: true });
  }

  // On the store above (v7 and v8 went live): a broken file, without `version:` and without its last newline.
  const broken =
    `${original.replace(/^version: 7\n/m, '').replace('{ score: fit, gte: 40 }', '{ score: fit, gte: [')}`.trimEnd();
  await writeFile(join(dir, 'agreement.yaml'), broken);
  const r = await baton('agreement', 'diff', '7', 'draft');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(
    /^--- agreement\.yaml v7 \(sha256 [0-9a-f]{12}\)\n\+\+\+ agreement\.yaml \(sha256 [0-9a-f]{12}\)\n/,
  );
  expect(r.out).toContain('-version: 7\n');
  expect(r.out).toContain('+          - { score: fit, gte: [');
  expect(r.out).toContain('\\ No newline at end of file');
});
