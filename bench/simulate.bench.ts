/**
 * `npm run bench:simulate`: `baton simulate --json` run as a user runs it (`node bin/baton.js`)
 * against an independent reference replay (bench/support/reference-simulate.js) of the same
 * 20,000 generated people, median of 3 each, side by side; then people/s at 100,000, start-up,
 * and peak RSS at `--people N` (default 100,000; the goal is stated for 1,000,000).
 * Usage: node bench/simulate.bench.ts [--people N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writePeople } from './support/simulate-people.ts';

const AT = '2026-11-23T00:00:00Z';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/baton.js');
const AGREEMENT = join(ROOT, 'mappings/agreement.yaml');
const REFERENCE = join(ROOT, 'bench/support/reference-simulate.js');
const RSS_HOOK = join(ROOT, 'bench/support/report-rss.js');
const { values } = parseArgs({ options: { people: { type: 'string', default: '100000' } } });
const RSS_PEOPLE = Number(values.people);

interface Run {
  ms: number;
  /** The child's own CPU time (user + system), reported by the preloaded hook. */
  cpuMs: number;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpuMs = Number(/bench-cpu-ms=([\d.]+)/.exec(r.stderr)?.[1] ?? NaN);
  return { ms, cpuMs, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baton = (file: string, extra: string[] = []): string[] => [
  ...extra,
  BIN,
  'simulate',
  '--json',
  '--leads',
  file,
  '--agreement',
  AGREEMENT,
  '--at',
  AT,
];
const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

const dir = mkdtempSync(join(tmpdir(), 'baton-bench-simulate-'));
try {
  const small = join(dir, '20k.jsonl');
  await writePeople(small, 20_000, AT);

  // Same answer first: the stage counts and the set of people in mql.
  const ref = JSON.parse(run([REFERENCE, small, AT]).stdout) as { counts: Record<string, number>; mql: string[] };
  const out = JSON.parse(run(baton(small)).stdout) as {
    counts: Record<string, number>;
    people: { email: string; stage: string }[];
  };
  const batonMql = out.people.filter((p) => p.stage === 'mql').map((p) => p.email);
  const sameCounts = Object.entries(out.counts).every(([s, n]) => (ref.counts[s] ?? 0) === n);
  const sameMql = batonMql.length === ref.mql.length && batonMql.every((e, i) => e === ref.mql[i]);
  console.log(
    `20,000 people: counts ${JSON.stringify(ref.counts)}; Baton and reference agree: counts ${sameCounts}, mql set ${sameMql}`,
  );
  if (!sameCounts || !sameMql) process.exitCode = 1;

  const batonRuns: Run[] = [];
  const refRuns: Run[] = [];
  for (let i = 0; i < 3; i++) {
    batonRuns.push(run(baton(small)));
    refRuns.push(run([REFERENCE, small, AT]));
  }
  const wall = (rs: Run[]) => median(rs.map((r) => r.ms));
  const cpu = (rs: Run[]) => median(rs.map((r) => r.cpuMs));
  const ratio = wall(batonRuns) / wall(refRuns);
  const cpuRatio = cpu(batonRuns) / cpu(refRuns);
  console.log(
    `simulate --json, 20,000 people (median of 3): Baton ${wall(batonRuns).toFixed(0)} ms, reference ${wall(refRuns).toFixed(0)} ms → ${ratio.toFixed(2)}× wall (goal ≤ 0.2×: ${mark(ratio <= 0.2)}); CPU ${cpu(batonRuns).toFixed(0)} ms vs ${cpu(refRuns).toFixed(0)} ms → ${cpuRatio.toFixed(2)}×`,
  );

  const big = join(dir, '100k.jsonl');
  await writePeople(big, 100_000, AT);
  const bigRuns = [run(baton(big)), run(baton(big)), run(baton(big))];
  const bigMs = wall(bigRuns);
  const rate = 100_000 / (bigMs / 1000);
  const cpuRate = 100_000 / (cpu(bigRuns) / 1000);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(
    `simulate --json, 100,000 people (median of 3): ${bigMs.toFixed(0)} ms → ${fmt(rate)} people/s wall (goal ≥ 150,000/s: ${mark(rate >= 150_000)}); CPU ${cpu(bigRuns).toFixed(0)} ms → ${fmt(cpuRate)} people/s`,
  );

  const one = join(dir, '1.jsonl');
  await writePeople(one, 1, AT);
  // The first run fills Node's compile cache (bin/baton.js enables it), as a user's first run does.
  run(baton(one));
  const helpRuns = [1, 2, 3, 4, 5].map(() => run([BIN, '--help']));
  const oneRuns = [1, 2, 3, 4, 5].map(() => run(baton(one)));
  const bare = [1, 2, 3, 4, 5].map(() => run(['-e', '0']));
  const helpMs = wall(helpRuns);
  const oneMs = wall(oneRuns);
  console.log(
    `start-up (median of 5): baton --help ${helpMs.toFixed(0)} ms, simulate on 1 line ${oneMs.toFixed(0)} ms (goal < 150 ms: ${mark(Math.max(helpMs, oneMs) < 150)}); CPU ${cpu(helpRuns).toFixed(0)} ms and ${cpu(oneRuns).toFixed(0)} ms; bare node -e 0 ${wall(bare).toFixed(0)} ms`,
  );

  const rssFile = RSS_PEOPLE === 100_000 ? big : join(dir, 'rss.jsonl');
  if (rssFile !== big) await writePeople(rssFile, RSS_PEOPLE, AT);
  const rssRun = spawnSync(process.execPath, baton(rssFile, ['--import', RSS_HOOK]), {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const kib = Number(/bench-peak-rss-kib=(\d+)/.exec(rssRun.stderr ?? '')?.[1] ?? NaN);
  const mib = kib / 1024;
  console.log(
    `peak RSS, ${RSS_PEOPLE.toLocaleString('en-US')} people: ${mib.toFixed(0)} MiB (goal < 300 MiB at 1,000,000${RSS_PEOPLE === 1_000_000 ? `: ${mark(mib < 300)}` : '; run with --people 1000000'})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
