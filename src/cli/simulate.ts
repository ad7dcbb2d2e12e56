/**
 * `baton simulate --leads FILE [--agreement FILE] [--against FILE] [--at ISO] [--json] [--config DIR]`:
 * replays people from a JSON Lines file through an agreement (and optionally a second one) and
 * reports stage counts, or who changes stage between the two. The file is streamed line by line.
 * With `--from-store`, the store's people instead of a file (`simulate-store.ts`).
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { STAGES } from '../config/schema.ts';
import { loadAgreementFile } from '../config/load.ts';
import { compileAgreement, type CompiledAgreement } from '../agreement/compile.ts';
import {
  emptyCounts,
  parseSimulationLine,
  simulatePerson,
  type Change,
  type StageCounts,
} from '../agreement/simulation.ts';
import type { ReplayInput } from '../agreement/replay.ts';
import { forEachLine } from '../platform/file-lines.ts';
import { Spill, write } from './spill.ts';
import { formatInstant, parseInstant } from '../agreement/time.ts';
import { BatonError, ConfigError, errorMessage } from '../platform/errors.ts';
import { parseCommand } from './flags.ts';

export const summary = 'what-if: stage counts under one agreement, or who changes stage between two';

const USAGE = `usage: baton simulate --leads FILE [--agreement FILE] [--against FILE] [--at ISO] [--json] [--config DIR]
       baton simulate --leads FILE --routing FILE [--accounts FILE] [--agreement FILE] [--at ISO] [--json]

  --leads FILE      JSON Lines, one person a line: { email, person, deal, events, feedback }
  --agreement FILE  the agreement to apply (default: <config dir>/agreement.yaml)
  --against FILE    a second agreement: list who changes stage, and why
  --routing FILE    who would get whom under this routing.yaml (round robin replayed in order;
                    users taken as active), with counts per user
  --accounts FILE   JSON Lines of accounts { id, name, website, owner } for account matching
  --at ISO          evaluate at this time (default: now)
  --json            print one JSON object instead of a summary
  --config DIR      configuration folder (default: $BATON_CONFIG_DIR, else ./mappings)

  baton simulate --from-store --against FILE | --export FILE: the same on the store's people
  (baton simulate --from-store --help)`;

export interface SimulateOptions {
  leads: string;
  agreement: string;
  against?: string;
  at: string;
  json: boolean;
  routing?: string;
  accounts?: string;
  /** The vocabulary both agreements are checked against (default: the `fields.yaml` beside each). */
  fields?: string;
}

export interface SimulateIo {
  stdout: Writable;
  stderr: Writable;
  /** Show a progress bar (stderr is a terminal). */
  progress: boolean;
}

/** Files above this size get a progress bar on a terminal. */
const PROGRESS_BYTES = 1 << 20;
const CHUNK_CHARS = 1 << 16;

async function loadAgreement(path: string, io: SimulateIo, fields?: string): Promise<CompiledAgreement> {
  const { agreement, warnings } = await loadAgreementFile(path, fields);
  for (const w of warnings) io.stderr.write(`${w}\n`);
  return compileAgreement(agreement);
}

interface Tally {
  counts: StageCounts;
  countsAgainst: StageCounts;
  /** The people as printed by `--json`, in file order (commas between them included). */
  people: Spill;
  errors: { line: number; message: string }[];
  changed: Change[];
  total: number;
}

async function progressBar(io: SimulateIo, size: number): Promise<ProgressBar | null> {
  if (!io.progress || size <= PROGRESS_BYTES) return null;
  // Loaded only for a terminal: most runs never draw one.
  const { default: cliProgress } = await import('cli-progress');
  return new cliProgress.SingleBar(
    { stream: io.stderr as NodeJS.WriteStream, format: 'simulate [{bar}] {percentage}% | {people} people' },
    cliProgress.Presets.shades_classic,
  );
}

interface ProgressBar {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  stop(): void;
}

async function replayFile(
  opts: SimulateOptions,
  first: CompiledAgreement,
  other: CompiledAgreement | null,
  io: SimulateIo,
): Promise<Tally> {
  const tally: Tally = {
    counts: emptyCounts(),
    countsAgainst: emptyCounts(),
    people: new Spill(),
    errors: [],
    changed: [],
    total: 0,
  };
  const size = (await stat(opts.leads)).size;
  const bar = await progressBar(io, size);
  bar?.start(size, 0, { people: 0 });
  let lineNo = 0;
  const person = (input: ReplayInput): void => {
    try {
      const { person, stageAgainst, change } = simulatePerson(input, first, other, opts.at);
      tally.total++;
      tally.counts[person.stage]++;
      if (stageAgainst) tally.countsAgainst[stageAgainst]++;
      if (change) tally.changed.push(change);
      if (opts.json) tally.people.add(`${tally.total > 1 ? ',' : ''}\n${JSON.stringify(person)}`);
    } catch (err) {
      tally.errors.push({ line: lineNo, message: errorMessage(err) });
    }
  };
  try {
    await readLines();
  } catch (err) {
    await tally.people.discard();
    throw err;
  }
  bar?.update(size, { people: tally.total });
  bar?.stop();
  return tally;

  async function readLines(): Promise<void> {
    await forEachLine(
      opts.leads,
      (bytes, start, stop) => {
        lineNo++;
        if (start === stop) return;
        const line = bytes.toString('utf8', start, stop);
        if (line.trim() === '') return;
        const read = parseSimulationLine(line);
        if ('error' in read) tally.errors.push({ line: lineNo, message: read.error });
        else person(read.input);
      },
      async (bytes) => {
        await tally.people.flush();
        bar?.update(bytes, { people: tally.total });
      },
    );
  }
}

async function printJson(
  opts: SimulateOptions,
  first: CompiledAgreement,
  other: CompiledAgreement | null,
  t: Tally,
  out: Writable,
): Promise<void> {
  const head = { at: opts.at, agreement: { name: first.name, version: first.version }, counts: t.counts };
  await write(out, `${JSON.stringify(head).slice(0, -1)},"people":[`);
  // Held in large chunks (past a limit in a temporary file): 1,000,000 people never become one string.
  await t.people.drainTo(out);
  await write(out, `\n],"errors":${JSON.stringify(t.errors)}`);
  if (other) {
    const changed = t.changed.map(({ email, from, to }) => ({ email, from, to }));
    await write(out, `,"changed":${JSON.stringify(changed)},"counts_against":${JSON.stringify(t.countsAgainst)}`);
  }
  await write(out, '}\n');
}

async function printSummary(
  opts: SimulateOptions,
  first: CompiledAgreement,
  other: CompiledAgreement | null,
  t: Tally,
  io: SimulateIo,
): Promise<void> {
  const out = io.stdout;
  for (const e of t.errors) io.stderr.write(`${opts.leads}:${e.line}: ${e.message}\n`);
  const lines = [
    `agreement '${first.name}' v${first.version}${other ? ` against '${other.name}' v${other.version}` : ''}`,
    `${t.total} people at ${opts.at}${t.errors.length ? `, ${t.errors.length} bad line${t.errors.length === 1 ? '' : 's'} skipped` : ''}`,
    '',
    other
      ? `${'stage'.padEnd(14)}${'first'.padStart(9)}${'against'.padStart(9)}`
      : `${'stage'.padEnd(14)}${'people'.padStart(9)}`,
  ];
  for (const s of STAGES) {
    lines.push(
      `${s.padEnd(14)}${String(t.counts[s]).padStart(9)}${other ? String(t.countsAgainst[s]).padStart(9) : ''}`,
    );
  }
  await write(out, `${lines.join('\n')}\n`);
  if (!other) return;
  await write(out, `\n${t.changed.length} ${t.changed.length === 1 ? 'person changes' : 'people change'} stage\n`);
  let chunk = '';
  for (const c of t.changed) {
    chunk += `  ${c.email}: ${c.from} → ${c.to} (was ${c.fromReason}; now ${c.toReason})\n`;
    if (chunk.length >= CHUNK_CHARS) {
      await write(out, chunk);
      chunk = '';
    }
  }
  await write(out, chunk);
}

/** Runs a simulation with explicit options and streams; resolves to the exit code. */
export async function simulate(opts: SimulateOptions, io: SimulateIo): Promise<number> {
  if (opts.routing) return simulateWithRouting(opts, opts.routing, io);
  let first: CompiledAgreement;
  let other: CompiledAgreement | null = null;
  try {
    first = await loadAgreement(opts.agreement, io, opts.fields);
    if (opts.against) other = await loadAgreement(opts.against, io, opts.fields);
  } catch (err) {
    io.stderr.write(`${err instanceof ConfigError || err instanceof BatonError ? err.message : errorMessage(err)}\n`);
    return 1;
  }
  let tally: Tally;
  try {
    tally = await replayFile(opts, first, other, io);
  } catch (err) {
    io.stderr.write(`baton simulate: cannot read ${opts.leads}: ${errorMessage(err)}\n`);
    return 1;
  }
  try {
    if (opts.json) await printJson(opts, first, other, tally, io.stdout);
    else await printSummary(opts, first, other, tally, io);
  } finally {
    await tally.people.discard();
  }
  return 0;
}

async function simulateWithRouting(opts: SimulateOptions, routing: string, io: SimulateIo): Promise<number> {
  let agreement: CompiledAgreement;
  let timeZone: string | null;
  try {
    const loaded = await loadAgreementFile(opts.agreement, opts.fields);
    for (const w of loaded.warnings) io.stderr.write(`${w}\n`);
    agreement = compileAgreement(loaded.agreement);
    timeZone = loaded.agreement.sla?.business_hours?.tz ?? null;
  } catch (err) {
    io.stderr.write(`${errorMessage(err)}\n`);
    return 1;
  }
  // Only a routing simulation loads the routing modules.
  const { simulateRouting } = await import('./simulate-routing.ts');
  return simulateRouting(
    { leads: opts.leads, routing, accounts: opts.accounts, at: opts.at, json: opts.json, agreement, timeZone },
    io,
  );
}

/** Runs `baton simulate`. */
export async function run(args: string[]): Promise<number> {
  // the store instead of a file: the preview of a draft on real history (simulate-store.ts)
  if (args.includes('--from-store')) return (await import('./simulate-store.ts')).runFromStore(args);
  const parsed = parseCommand('simulate', USAGE, {
    args,
    options: {
      leads: { type: 'string' },
      agreement: { type: 'string' },
      against: { type: 'string' },
      routing: { type: 'string' },
      accounts: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed) return 1;
  const values: {
    leads?: string;
    agreement?: string;
    against?: string;
    at?: string;
    json?: boolean;
    config?: string;
    help?: boolean;
    routing?: string;
    accounts?: string;
  } = parsed.values;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.leads) {
    console.error(`baton simulate: --leads FILE is required\n\n${USAGE}`);
    return 1;
  }
  let at: string;
  try {
    at = formatInstant(values.at ? parseInstant(values.at) : Date.now());
  } catch {
    console.error(`baton simulate: --at '${values.at}' is not an ISO 8601 time`);
    return 1;
  }
  const dir = values.config ?? (process.env.BATON_CONFIG_DIR || './mappings');
  // One vocabulary for both agreements: the config folder's (or, with only --agreement, the one beside it),
  // so an --against file kept elsewhere is checked too.
  const fields =
    values.config !== undefined || values.agreement === undefined
      ? join(dir, 'fields.yaml')
      : join(dirname(values.agreement), 'fields.yaml');
  const opts: SimulateOptions = {
    leads: values.leads,
    agreement: values.agreement ?? join(dir, 'agreement.yaml'),
    against: values.against,
    at,
    json: values.json === true,
    routing: values.routing,
    accounts: values.accounts,
    fields,
  };
  return simulate(opts, { stdout: process.stdout, stderr: process.stderr, progress: process.stderr.isTTY === true });
}
