/**
 * `npm run bench:preview`: the preview of a draft (`baton simulate --from-store --against`, as
 * `POST /api/agreement/preview` runs it) on 100,000 people generated straight into a SQLite store
 * (and PostgreSQL with `--postgres URL`, a throwaway `?schema=`: the rows stay there); generation is
 * not timed. Goal: under 10 s. Baseline in the same run: `baton simulate --against` on the same people
 * exported to JSON Lines (the export timed apart), and the check that both list the same people.
 * CPU time is printed beside each wall time, and the load average: on a machine other work shares,
 * the wall time includes the wait for a core.
 * Usage: node bench/preview.bench.ts [--people N] [--runs N] [--postgres URL]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compileAgreement } from '../src/agreement/compile.ts';
import type { PreviewReport } from '../src/agreement/preview.ts';
import { simulate } from '../src/cli/simulate.ts';
import { simulateFromStore } from '../src/cli/simulate-store.ts';
import { loadAgreementFile } from '../src/config/load.ts';
import { loadPreview } from '../src/pipeline/reports/preview.ts';
import { openStore } from '../src/store/index.ts';
import { KyselyStore } from '../src/store/kysely-store.ts';
import { draftOf, seedPreviewPeople } from './support/preview-people.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    postgres: { type: 'string' },
  },
});
const PEOPLE = Number(values.people);
const RUNS = Math.max(1, Number(values.runs));
const AT = '2026-11-23T00:00:00.000Z';
const GOAL_MS = 10_000;
const LIVE = join(ROOT, 'mappings/agreement.yaml');
const FIELDS = join(ROOT, 'mappings/fields.yaml');

/** Collects what is written, as text. */
class Collect extends Writable {
  chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: string, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

/** Median wall time of `runs` runs, and the process's CPU time of the same run (on a shared machine the wall time includes waiting for a core). */
async function timed<T>(fn: () => Promise<T>, runs = RUNS): Promise<{ ms: number; cpuMs: number; value: T }> {
  const times: { ms: number; cpuMs: number }[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    value = await fn();
    const used = process.cpuUsage(c);
    times.push({ ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 });
  }
  const mid = [...times].sort((a, b) => a.ms - b.ms)[Math.floor(times.length / 2)];
  return { ...mid, value };
}

async function benchOne(name: string, url: string, dir: string): Promise<boolean> {
  const store = await openStore(url);
  if (!(store instanceof KyselyStore)) throw new Error('expected the Kysely store');
  try {
    const t0 = performance.now();
    const rows = await seedPreviewPeople(store.db, PEOPLE, AT);
    console.log(
      `${name}: generated ${Object.entries(rows)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`,
    );
    const draftFile = join(dir, `${name}-draft.yaml`);
    writeFileSync(draftFile, draftOf(readFileSync(LIVE, 'utf8')));
    const [live, draft] = await Promise.all(
      [LIVE, draftFile].map(async (f) => compileAgreement((await loadAgreementFile(f, FIELDS)).agreement)),
    );

    const rssBefore = process.memoryUsage().rss;
    const preview = await timed(() => loadPreview(store, live, draft, AT));
    const rssAfter = process.memoryUsage().rss;
    const report: PreviewReport = preview.value;

    // the baseline: export to JSON Lines, then simulate --against on the file
    const exported = join(dir, `${name}-people.jsonl`);
    const quiet = { stdout: new Collect(), stderr: new Collect() };
    const exportRun = await timed(
      () => simulateFromStore(store, { export: exported, at: AT, json: false, fields: FIELDS }, quiet),
      1,
    );
    let simOut = new Collect();
    const sim = await timed(async () => {
      simOut = new Collect();
      return simulate(
        { leads: exported, agreement: LIVE, against: draftFile, at: AT, json: true, fields: FIELDS },
        { stdout: simOut, stderr: new Collect(), progress: false },
      );
    });
    const simReport = JSON.parse(simOut.text()) as { changed: { email: string; from: string; to: string }[] };
    const key = (c: { email: string; from: string; to: string }) => `${c.email} ${c.from} ${c.to}`;
    const same =
      JSON.stringify(report.changed.map(key).sort()) === JSON.stringify(simReport.changed.map(key).sort()) &&
      exportRun.value === 0 &&
      sim.value === 0;

    const met = preview.ms < GOAL_MS;
    console.log(
      `${name}: preview of a draft on ${report.people} stored people: ${preview.ms.toFixed(0)} ms ` +
        `(goal < ${GOAL_MS} ms: ${met ? 'met' : 'NOT met'}), median of ${RUNS}, ${preview.cpuMs.toFixed(0)} ms of CPU; ` +
        `${report.changed_total} change stage, ${report.handoffs.newly} newly handed off ` +
        `(${report.already_rejected.people} already rejected)`,
    );
    console.log(
      `${name}: baseline simulate --against on the exported JSON Lines: ${sim.ms.toFixed(0)} ms, ` +
        `${sim.cpuMs.toFixed(0)} ms of CPU (+ export ${exportRun.ms.toFixed(0)} ms); ratio preview/baseline ` +
        `${(preview.ms / sim.ms).toFixed(2)} (CPU ${(preview.cpuMs / sim.cpuMs).toFixed(2)}), ` +
        `preview/(export+baseline) ${(preview.ms / (sim.ms + exportRun.ms)).toFixed(2)}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
    );
    console.log(
      `${name}: same people changed as simulate --against: ${same ? 'yes' : 'NO'}; ` +
        `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MB over the previews`,
    );
    return met && same;
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'baton-preview-bench-'));
let ok = true;
try {
  ok = (await benchOne('sqlite', `sqlite:${join(dir, 'bench.db')}`, dir)) && ok;
  if (values.postgres) ok = (await benchOne('postgres', values.postgres, dir)) && ok;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
