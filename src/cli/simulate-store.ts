/**
 * `baton simulate --from-store --against FILE [--agreement FILE] [--at ISO] [--json] [--config DIR]`:
 * the preview of a draft on the store's people and events (`pipeline/reports/preview.ts`), against
 * the live version the store keeps (or `--agreement FILE`); `--export FILE` writes the same people as
 * the JSON Lines `baton simulate --leads` reads, so both can be compared on the same people.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { compileAgreement, type CompiledAgreement } from '../agreement/compile.ts';
import type { PreviewOptions, PreviewReport } from '../agreement/preview.ts';
import { formatInstant, parseInstant } from '../agreement/time.ts';
import type { AgreementConfig } from '../config/agreement-schema.ts';
import { loadAgreementFile, loadAgreementText } from '../config/load.ts';
import { exportHistory, loadPreview } from '../pipeline/reports/preview.ts';
import { BatonError, ConfigError } from '../platform/errors.ts';
import { simulatedInputs } from '../routing/batch.ts';
import type { Store } from '../store/types.ts';
import { loadRoutingFile } from './simulate-routing.ts';
import { formatPreview } from './simulate-store-format.ts';
import { runWithStore } from './with-store.ts';
import { parseCommand } from './flags.ts';

export const STORE_USAGE = `usage: baton simulate --from-store --against FILE [--agreement FILE] [--at ISO] [--json] [--config DIR]
       baton simulate --from-store --export FILE

  --from-store      replay the people and events in the store (BATON_DATABASE_URL)
  --against FILE    the draft: who changes stage, MQLs per week, each owner's extra load, and how
                    many of the people it newly hands off sales had rejected before
  --agreement FILE  compare with this agreement (default: the live version stored by baton serve)
  --export FILE     write the store's people as JSON Lines for baton simulate --leads
  --at ISO          replay up to this time (default: now)
  --json            print the report as one JSON object
  --config DIR      configuration folder whose fields.yaml checks names (default: $BATON_CONFIG_DIR, else ./mappings);
                    with a routing.yaml there, a newly handed-off person nobody holds yet is counted
                    for the owner routing would pick (users taken as active, round robin in store order)`;

export interface StoreSimulateOptions {
  against?: string;
  agreement?: string;
  export?: string;
  at: string;
  json: boolean;
  /** The vocabulary the agreements are checked against. */
  fields: string;
  /** `routing.yaml`, when present: who would get the newly handed-off people nobody holds yet. */
  routing?: string;
}

interface Io {
  stdout: Writable;
  stderr: Writable;
}

async function compiled(load: Promise<{ agreement: AgreementConfig; warnings: string[] }>, io: Io) {
  const { agreement, warnings } = await load;
  for (const w of warnings) io.stderr.write(`${w}\n`);
  return { config: agreement, compiled: compileAgreement(agreement) };
}

/** `routing.yaml` as a what-if, when the configuration folder has one (not comments only). */
async function whatIfRouting(file: string | undefined, timeZone: string | null): Promise<PreviewOptions['routing']> {
  if (!file) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) return undefined;
  return { inputs: simulatedInputs(await loadRoutingFile(file)), timeZone };
}

/** The agreement to compare the draft with: `--agreement FILE`, else the live version the store keeps. */
async function liveAgreement(store: Store, opts: StoreSimulateOptions, io: Io): Promise<CompiledAgreement> {
  if (opts.agreement) return (await compiled(loadAgreementFile(opts.agreement, opts.fields), io)).compiled;
  const live = await store.liveAgreementVersion();
  if (!live)
    throw new BatonError(
      'no_live_agreement',
      'no live agreement version in the store (baton serve stores each one that goes live); give --agreement FILE',
    );
  return (await compiled(loadAgreementText(`agreement v${live.version} (live, stored)`, live.text, opts.fields), io))
    .compiled;
}

const write = (out: Writable, text: string): Promise<void> | void => {
  if (!out.write(text)) return once(out, 'drain').then(() => undefined);
};

/** Runs the store-backed simulation on an open store; resolves to the exit code. */
export async function simulateFromStore(store: Store, opts: StoreSimulateOptions, io: Io): Promise<number> {
  if (opts.export) {
    const out = createWriteStream(opts.export);
    const n = await exportHistory(store, (chunk) => write(out, chunk));
    out.end();
    await once(out, 'finish');
    io.stderr.write(`exported ${n} ${n === 1 ? 'person' : 'people'} to ${opts.export}\n`);
    return 0;
  }
  let live: CompiledAgreement;
  let draft: CompiledAgreement;
  let routing: PreviewOptions['routing'];
  try {
    live = await liveAgreement(store, opts, io);
    const loaded = await compiled(loadAgreementFile(opts.against!, opts.fields), io);
    draft = loaded.compiled;
    routing = await whatIfRouting(opts.routing, loaded.config.sla?.business_hours?.tz ?? null);
  } catch (err) {
    // one `file:line:col: message` a line, as `baton validate` prints them
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`${err.message}\n`);
    return 1;
  }
  const report: PreviewReport = await loadPreview(store, live, draft, opts.at, routing ? { routing } : {});
  if (opts.json) await write(io.stdout, `${JSON.stringify(report)}\n`);
  else await write(io.stdout, formatPreview(report));
  return 0;
}

/** Runs `baton simulate --from-store …`. */
export async function runFromStore(args: string[]): Promise<number> {
  const parsed = parseCommand('simulate', STORE_USAGE, {
    args,
    options: {
      'from-store': { type: 'boolean' },
      against: { type: 'string' },
      agreement: { type: 'string' },
      export: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed) return 1;
  const values: Record<string, string | boolean | undefined> = parsed.values;
  if (!values.help && !values.against === !values.export) {
    console.error(`baton simulate: --from-store needs --against FILE or --export FILE (one of them)\n\n${STORE_USAGE}`);
    return 1;
  }
  let at: string;
  try {
    at = formatInstant(typeof values.at === 'string' ? parseInstant(values.at) : Date.now());
  } catch {
    console.error(`baton simulate: --at '${String(values.at)}' is not an ISO 8601 time`);
    return 1;
  }
  const dir = (values.config as string | undefined) ?? (process.env.BATON_CONFIG_DIR || './mappings');
  const opts: StoreSimulateOptions = {
    against: values.against as string | undefined,
    agreement: values.agreement as string | undefined,
    export: values.export as string | undefined,
    at,
    json: values.json === true,
    fields: join(dir, 'fields.yaml'),
    routing: join(dir, 'routing.yaml'),
  };
  return runWithStore('simulate', STORE_USAGE, args, (store) =>
    simulateFromStore(store, opts, { stdout: process.stdout, stderr: process.stderr }),
  );
}
