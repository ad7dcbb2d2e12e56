/**
 * `npm run bench:intake`: `POST /api/events`, one event a request, 50 concurrent keep-alive
 * connections on loopback, against `baton serve` (a child process on SQLite, the sandbox
 * connectors off unless `--connectors on`) and against a bare node:http server that only parses
 * the JSON (also a child), in the same run, with the same load generator. Every 202 of Baton is
 * checked against the inbox afterwards (acknowledged means stored), and the SQLite durability
 * settings of Baton's connection are printed with the figures.
 * `--app-only` adds a run against Baton's HTTP app and inbox without its workers (the intake alone).
 * Usage: node bench/intake.bench.ts [--requests N] [--seconds S] [--concurrency C] [--connectors on|off] [--app-only]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBaton } from '../sandbox/demo/baton-process.ts';
import { startSandboxes } from '../sandbox/demo/servers.ts';
import { openSqliteDatabase } from '../src/store/sqlite.ts';
import { drive, percentile, type LoadResult } from './support/load.ts';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const REQUESTS = Number(arg('--requests') ?? 30_000);
const SECONDS = Number(arg('--seconds') ?? 15);
const CONCURRENCY = Number(arg('--concurrency') ?? 50);
const CONNECTORS = (arg('--connectors') ?? 'off') === 'on';
/** Also measure Baton's HTTP app and inbox alone (no workers processing what is accepted). */
const APP_ONLY = process.argv.includes('--app-only');
const WARMUP = 2_000;
const GOAL = { acceptedPerS: 5_000, p99Ms: 50, ratio: 0.5 };

const event = (run: string, i: number) =>
  JSON.stringify({
    id: `${run}-${i}`,
    email: `bench${i % 5000}@example.com`,
    type: 'page_view',
    at: '2026-11-20T12:00:00.000Z',
    properties: { url: 'https://acme.example/pricing' },
  });

/** A child server of `bench/support/`, listening on the port it prints. */
async function startChild(script: string, args: string[] = []): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'support', script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BATON_LOG_LEVEL: 'warn' },
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const port = await new Promise<string>((resolve, reject) => {
    // the first line that is only a number is the port (a log line may come first)
    let seen = '';
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const port = /^(\d+)$/m.exec(seen)?.[1];
      if (port) resolve(port);
    });
    child.once('exit', () => reject(new Error(`${script} exited before it listened`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

function line(name: string, r: LoadResult): { perS: number; p50: number; p99: number } {
  const perS = (r.accepted / r.wallMs) * 1000;
  const p50 = percentile(r.latencies, 50);
  const p99 = percentile(r.latencies, 99);
  console.log(
    `${name.padEnd(28)} ${String(Math.round(perS)).padStart(7)} accepted/s   p50 ${p50.toFixed(1).padStart(6)} ms   p99 ${p99.toFixed(1).padStart(6)} ms   (${r.accepted} accepted, ${r.refused} refused${r.refused ? ` ${JSON.stringify(r.refusedBy)}` : ''}, ${(r.wallMs / 1000).toFixed(1)} s)`,
  );
  return { perS, p50, p99 };
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-bench-intake-'));
  const boxes = await startSandboxes({ people: 20, seed: 19 });
  const off = {
    HUBSPOT_ACCESS_TOKEN: '',
    HUBSPOT_CLIENT_SECRET: '',
    SALESFORCE_INSTANCE_URL: '',
    SALESFORCE_ACCESS_TOKEN: '',
    SALESFORCE_ORG_ID: '',
  };
  console.log(
    `bench:intake — POST /api/events, one event a request, ${CONCURRENCY} concurrent keep-alive connections, up to ${REQUESTS} requests or ${SECONDS} s each; baton serve on SQLite, sandbox connectors ${CONNECTORS ? 'on' : 'off'}`,
  );
  const baton = await startBaton({
    boxes,
    dataDir,
    pollIntervalS: 3600,
    env: { BATON_LOG_LEVEL: 'warn', ...(CONNECTORS ? {} : off) },
    readyTimeoutMs: 60_000,
  });
  const bare = await startChild('bare-server.ts');
  try {
    const batonLoad = (run: string, count: number) =>
      drive({
        url: `${baton.url}/api/events`,
        headers: { authorization: `Bearer ${baton.apiToken}`, 'content-type': 'application/json' },
        body: (i) => event(run, i),
        concurrency: CONCURRENCY,
        count,
        seconds: SECONDS,
        okStatus: 202,
      });
    const bareLoad = (run: string, count: number) =>
      drive({
        url: `${bare.url}/api/events`,
        headers: { 'content-type': 'application/json' },
        body: (i) => event(run, i),
        concurrency: CONCURRENCY,
        count,
        seconds: SECONDS,
        okStatus: 202,
      });
    await bareLoad('warm', WARMUP);
    const warm = await batonLoad('warm', WARMUP);
    const b = line('bare node:http + JSON.parse', await bareLoad('bare', REQUESTS));
    const run = await batonLoad('run', REQUESTS);
    const m = line('baton serve /api/events', run);
    if (APP_ONLY) {
      const app = await startChild('intake-server.ts', [`sqlite:${join(dataDir, 'app-only.db')}`, baton.apiToken]);
      const appLoad = (r: string, count: number) =>
        drive({
          url: `${app.url}/api/events`,
          headers: { authorization: `Bearer ${baton.apiToken}`, 'content-type': 'application/json' },
          body: (i) => event(r, i),
          concurrency: CONCURRENCY,
          count,
          seconds: SECONDS,
          okStatus: 202,
        });
      await appLoad('warm', WARMUP);
      const a = line('app + inbox, no workers', await appLoad('run', REQUESTS));
      console.log(`  (intake alone: ${(a.perS / b.perS).toFixed(2)}× the bare server)`);
      app.stop();
    }
    await baton.stop();

    // Acknowledged means stored: every 202 is a row of the inbox (read after serve stopped).
    const db = openSqliteDatabase(join(dataDir, 'demo.db'));
    const stored = Number(
      (db.prepare("select count(*) as n from inbox where source = 'api'").get() as { n: number }).n,
    );
    const synchronous = Number((db.prepare('pragma synchronous').get() as { synchronous: number }).synchronous);
    const journal = String((db.prepare('pragma journal_mode').get() as { journal_mode: string }).journal_mode);
    db.close();
    const acked = warm.accepted + run.accepted;
    const syncName = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][synchronous] ?? String(synchronous);
    console.log(
      `stored / acknowledged         ${stored} / ${acked}${stored >= acked ? '' : '  — ACKNOWLEDGED BUT NOT STORED'}`,
    );
    console.log(
      `SQLite durability              journal_mode=${journal}, synchronous=${syncName}${syncName === 'FULL' ? ' (each commit is fsynced before its answer)' : syncName === 'NORMAL' && journal === 'wal' ? ' (a commit survives a crash of the process, not of the machine: the WAL is fsynced at checkpoints)' : ''}`,
    );

    const ok = (pass: boolean) => (pass ? 'met' : 'NOT MET');
    const ratio = m.perS / b.perS;
    console.log('');
    console.log(
      `goal ≥ ${GOAL.acceptedPerS} accepted/s       today ${Math.round(m.perS)}    ${ok(m.perS >= GOAL.acceptedPerS)}`,
    );
    console.log(`goal p99 < ${GOAL.p99Ms} ms            today ${m.p99.toFixed(1)} ms    ${ok(m.p99 < GOAL.p99Ms)}`);
    console.log(`goal ≥ ${GOAL.ratio}× the bare server    today ${ratio.toFixed(2)}×    ${ok(ratio >= GOAL.ratio)}`);
    console.log(`goal every 202 stored          today ${stored >= acked ? 'yes' : 'no'}    ${ok(stored >= acked)}`);
    return stored >= acked ? 0 : 1;
  } finally {
    bare.stop();
    await baton.stop();
    await boxes.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
