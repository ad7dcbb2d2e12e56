/**
 * `npm run bench:backfill`: `baton backfill --from hubspot --queue-only` (a child process, on
 * SQLite) reads a generated portal of N contacts from the HubSpot sandbox, served on loopback by
 * this process under HubSpot's real limits (100 requests / 10 s for the account, 5 searches / s).
 * The bound is 100 contacts a call × the account's request rate = 1,000 contacts/s; the figure is
 * contacts stored in the inbox per second from the first API call to the last, and the child's
 * peak RSS (VmHWM) — Baton's process alone (the generated portal makes contacts from their index).
 * Then the same for Salesforce: N Leads read through Bulk API 2.0 query jobs.
 * Usage: node bench/backfill.bench.ts [--contacts N] [--crm hubspot|salesforce|both] (default 100,000, both; 1,000,000 on demand)
 * (`BATON_PROFILE_DIR=dir` writes a CPU profile of the child there; `BENCH_NODE_FLAGS='--trace-gc'` passes node flags to it.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { serveFakeApi } from '../sandbox/http.ts';
import { withGeneratedContacts } from '../sandbox/hubspot/generated-portal.ts';
import { createFakeHubSpot } from '../sandbox/hubspot/index.ts';
import { createFakeSalesforce } from '../sandbox/salesforce/index.ts';
import { openSqliteDatabase } from '../src/store/sqlite.ts';
import { generatedContact } from './support/generated-portal.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const CONTACTS = Number(arg('--contacts') ?? 100_000);
const CRM = arg('--crm') ?? 'both';
const ACCOUNT = { limit: 100, windowMs: 10_000 };
const BOUND_PER_S = (100 * ACCOUNT.limit) / (ACCOUNT.windowMs / 1000);
const GOAL = { ofBound: 0.9, rssMiB: 300 };

/** Peak resident set in MiB (Linux `VmHWM`) of a live process, or of the largest of its descendants: `bin/baton.js` runs a backfill in a child. */
function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    const own = m ? Number(m[1]) / 1024 : 0;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    return Math.max(own, ...children.map(peakRssMiB));
  } catch {
    return 0;
  }
}

const ok = (pass: boolean) => (pass ? 'met' : 'NOT MET');

/** Runs `baton backfill --from CRM --queue-only` as a child; its exit code, wall time and peak RSS. */
async function runBackfill(
  crm: 'hubspot' | 'salesforce',
  dataDir: string,
  crmEnv: Record<string, string>,
): Promise<{ code: number | null; wall: number; peak: number; stderr: string; db: string }> {
  const db = join(dataDir, `${crm}.db`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BATON_DATABASE_URL: `sqlite:${db}`,
    BATON_CONFIG_DIR: join(ROOT, 'mappings'),
    BATON_LOG_LEVEL: 'warn',
    ...crmEnv,
  };
  delete env.NODE_OPTIONS;
  const started = Date.now();
  const flags = [
    ...(process.env.BATON_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BATON_PROFILE_DIR}`] : []),
    ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
  ];
  const child = spawn(
    process.execPath,
    [...flags, join(ROOT, 'bin', 'baton.js'), 'backfill', '--from', crm, '--queue-only'],
    { cwd: ROOT, env, stdio: ['ignore', process.env.BENCH_NODE_FLAGS ? 'inherit' : 'ignore', 'pipe'] },
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, peakRssMiB(child.pid!))), 100);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearInterval(sampler);
  process.off('exit', kill);
  return { code, wall: (Date.now() - started) / 1000, peak, stderr, db };
}

function storedIn(db: string, source: string): number {
  const conn = openSqliteDatabase(db);
  try {
    return Number((conn.prepare('select count(*) as n from inbox where source = ?').get(source) as { n: number }).n);
  } finally {
    conn.close();
  }
}

function rssLine(peak: number): string {
  const verdict =
    CONTACTS >= 1_000_000
      ? ok(peak < GOAL.rssMiB)
      : peak < GOAL.rssMiB
        ? '(met at this size; run --contacts 1000000 for the goal)'
        : 'NOT MET';
  return `goal peak RSS < ${GOAL.rssMiB} MiB${CONTACTS < 1_000_000 ? ' at 1,000,000' : ''}    today ${peak.toFixed(0)} MiB at ${CONTACTS.toLocaleString('en')}    ${verdict}`;
}

async function hubspotBackfill(dataDir: string): Promise<boolean> {
  const token = `pat-bench-${randomBytes(12).toString('hex')}`;
  const hubspot = createFakeHubSpot({ accessToken: token, rateLimit: ACCOUNT });
  // Contacts made from their index on demand: the portal costs this process no memory, a search page no scan.
  const server = await serveFakeApi(
    withGeneratedContacts(hubspot, {
      contacts: CONTACTS,
      start: Date.parse('2020-01-01T00:00:00Z'),
      properties: generatedContact,
    }),
  );
  try {
    console.log(
      `HubSpot — ${CONTACTS.toLocaleString('en')} generated contacts, account limit ${ACCOUNT.limit} / ${ACCOUNT.windowMs / 1000} s, searches 5 / s; bound ${BOUND_PER_S} contacts/s`,
    );
    const r = await runBackfill('hubspot', dataDir, { HUBSPOT_BASE_URL: server.url, HUBSPOT_ACCESS_TOKEN: token });
    if (r.code !== 0) {
      console.error(`baton backfill --from hubspot exited with ${r.code}:\n${r.stderr}`);
      return false;
    }
    const calls = hubspot.log;
    const searches = calls.filter((c) => c.search).length;
    const limited = calls.filter((c) => c.status === 429).length;
    const span = (calls[calls.length - 1].at - calls[0].at) / 1000;
    const stored = storedIn(r.db, 'hubspot');
    const perS = stored / span;
    console.log(`  contacts stored in the inbox   ${stored.toLocaleString('en')} of ${CONTACTS.toLocaleString('en')}`);
    console.log(
      `  API calls                      ${calls.length} (${searches} searches, ${calls.length - searches} other, ${limited} answered 429) over ${span.toFixed(1)} s; backfill wall time ${r.wall.toFixed(1)} s`,
    );
    const byPath = new Map<string, number>();
    for (const c of calls) byPath.set(`${c.method} ${c.path}`, (byPath.get(`${c.method} ${c.path}`) ?? 0) + 1);
    for (const [k, n] of [...byPath].sort((a, b) => b[1] - a[1]).slice(0, 4))
      console.log(`    ${String(n).padStart(6)}  ${k}`);
    console.log(
      `  goal ≥ ${GOAL.ofBound * 100}% of the bound (${BOUND_PER_S}/s)   today ${Math.round(perS)} contacts/s = ${((perS / BOUND_PER_S) * 100).toFixed(1)}%    ${ok(perS >= GOAL.ofBound * BOUND_PER_S)}`,
    );
    console.log(`  ${rssLine(r.peak)}`);
    return stored === CONTACTS;
  } finally {
    await server.close();
  }
}

/**
 * Salesforce reads through Bulk API 2.0 query jobs (50,000 records a results page); the sandbox sets
 * no request-rate limit on them, so there is no rate bound to compare with: records/s and RSS only.
 * The Leads live in the fake org of this process.
 */
async function salesforceBackfill(dataDir: string): Promise<boolean> {
  const sf = createFakeSalesforce();
  const at = new Date('2020-01-01T00:00:00Z');
  for (let i = 0; i < CONTACTS; i++) {
    const c = generatedContact(i);
    sf.org.insert(
      'Lead',
      {
        FirstName: c.firstname,
        LastName: c.lastname,
        Email: c.email,
        Company: c.company,
        Title: c.jobtitle,
        Status: 'Open - Not Contacted',
      },
      { at },
    );
  }
  const server = await serveFakeApi(sf);
  try {
    console.log(
      `Salesforce — ${CONTACTS.toLocaleString('en')} Leads, Bulk API 2.0 query jobs (no request-rate limit in the sandbox)`,
    );
    const r = await runBackfill('salesforce', dataDir, {
      SALESFORCE_INSTANCE_URL: server.url,
      SALESFORCE_ACCESS_TOKEN: 'fake-session-token',
    });
    if (r.code !== 0) {
      console.error(`baton backfill --from salesforce exited with ${r.code}:\n${r.stderr}`);
      return false;
    }
    const stored = storedIn(r.db, 'salesforce');
    console.log(
      `  Leads stored in the inbox      ${stored.toLocaleString('en')} of ${CONTACTS.toLocaleString('en')} in ${r.wall.toFixed(1)} s = ${Math.round(stored / r.wall)} records/s (start-up and the job polls included)`,
    );
    console.log(`  ${rssLine(r.peak)}`);
    return stored >= CONTACTS;
  } finally {
    await server.close();
  }
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-bench-backfill-'));
  console.log(
    `bench:backfill — baton backfill --queue-only as a child process on SQLite against sandboxes on loopback`,
  );
  try {
    const hs = CRM === 'salesforce' || (await hubspotBackfill(dataDir));
    const sf = CRM === 'hubspot' || (await salesforceBackfill(dataDir));
    return hs && sf ? 0 : 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
