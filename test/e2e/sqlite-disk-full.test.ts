/**
 * The embedded SQLite store on a small tmpfs filled to the brim under a running `baton serve`:
 * writes fail with "database or disk is full", webhooks answer 503 with `Retry-After`, `/readyz`
 * names the file, nothing is acknowledged that was not written; once space returns everything
 * resumes alone, each acknowledged person handed off once.
 */
import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createFakeHubSpot } from '../../sandbox/hubspot/index.ts';
import { serveFakeApi } from '../../sandbox/http.ts';
import { createFakeSalesforce } from '../../sandbox/salesforce/index.ts';
import { promisify } from 'node:util';
import { startServeChild, type ServeChild } from '../support/serve-child.ts';
import { servePeople } from '../support/serve-people.ts';
import { MAPPINGS } from './harness.ts';

const TOKEN = 'disk-full-token';
const HS_SECRET = 'disk-full-hubspot-secret';
const run = promisify(execFile);

const hubspot = createFakeHubSpot();
const salesforce = createFakeSalesforce();
let servers: Awaited<ReturnType<typeof serveFakeApi>>[] = [];
let disk: string;
const FILLER = () => join(disk, 'filler');
let configDir: string;
let port: number;
let serve: ServeChild;

const until = (...args: Parameters<ServeChild['until']>) => serve.until(...args);

const base = () => `http://127.0.0.1:${port}`;
const people = servePeople({ base, token: TOKEN, hubspotSecret: HS_SECRET, hubspot, domain: 'diskfull.example' });

beforeAll(async () => {
  disk = await mkdtemp(join(tmpdir(), 'baton-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', disk]);
  configDir = await mkdtemp(join(tmpdir(), 'baton-disk-full-'));
  await cp(MAPPINGS, configDir, { recursive: true });
  servers = [await serveFakeApi(hubspot), await serveFakeApi(salesforce)];
  const [hs, sf] = servers;
  serve = await startServeChild({
    databaseUrl: `sqlite:${join(disk, 'baton.db')}`,
    configDir,
    token: TOKEN,
    hubspotSecret: HS_SECRET,
    hubspotUrl: hs.url,
    salesforceUrl: sf.url,
    salesforce,
    env: { BATON_LEASE_SECONDS: '2', BATON_OUTBOX_LEASE_SECONDS: '2' },
  });
  port = serve.port;
}, 60_000);

afterAll(async () => {
  await serve?.kill();
  for (const s of servers) await s.close();
  if (disk) {
    await run('umount', [disk]).catch(() => undefined);
    await rm(disk, { recursive: true, force: true });
  }
  await rm(configDir, { recursive: true, force: true });
});

/** Fills the tmpfs to the last byte. */
async function fillDisk(): Promise<void> {
  const file = await open(FILLER(), 'a');
  try {
    const chunk = Buffer.alloc(64 * 1024, 1);
    for (;;) {
      const { bavail, bsize } = statfsSync(disk);
      if (bavail === 0) return;
      await file
        .write(chunk.subarray(0, Math.min(chunk.length, bavail * bsize)))
        .catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOSPC') throw err;
        });
      if (statfsSync(disk).bavail === bavail) return;
    }
  } finally {
    await file.close();
  }
}

test('the disk under SQLite fills up: 503 and the file named while it lasts, nothing acknowledged lost, resumes alone', async () => {
  const acknowledged: number[] = [];
  const refusedAt: number[] = [];
  const deliver = async (n: number) => void ((await people.deliver(n)) ? acknowledged : refusedAt).push(n);
  for (let n = 0; n < 3; n++) await deliver(n);
  await until(() => salesforce.org.rows('Task').length === 3, 30_000, 'the first Tasks');

  await fillDisk();
  for (let n = 3; n < 40 && refusedAt.length < 3; n++) await deliver(n);
  expect(refusedAt.length).toBeGreaterThan(0);
  const refused = await people.contactChange(999);
  expect(refused.status).toBe(503);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  const down = await fetch(`${base()}/readyz`);
  expect(down.status).toBe(503);
  const why = await down.json();
  expect(why).toMatchObject({ ready: false, store: false });
  expect(why.storeError).toContain(join(disk, 'baton.db'));
  expect(why.storeError).toMatch(/full/);
  expect(await (await fetch(`${base()}/metrics`)).text()).toMatch(/^baton_store_up\{[^}]*\} 0$/m);

  await rm(FILLER());
  await until(async () => (await fetch(`${base()}/readyz`)).status === 200, 30_000, 'the store to be writable');
  expect(await (await fetch(`${base()}/metrics`)).text()).toMatch(/^baton_store_up\{[^}]*\} 1$/m);
  for (let n = 100; n < 103; n++) await deliver(n);

  await until(() => salesforce.org.rows('Task').length >= acknowledged.length, 60_000, 'every Task');
  await new Promise((r) => setTimeout(r, 1500));
  people.expectHandedOffOnce(acknowledged, salesforce);
  expect(serve.output()).not.toMatch(/Unhandled 'error' event/);
}, 180_000);
