/**
 * `baton backfill --from hubspot|salesforce [--since ISO]`: an initial or catch-up sync. Every
 * record goes through the same inbox path as webhooks and polls; the cursor is stored after each
 * page, so an interrupted backfill resumes where it stopped. A progress bar goes to stderr.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { BackfillPage } from '../../connectors/types.ts';
import type { PipelineContext } from '../pipeline/context.ts';
import { insertItems } from '../pipeline/inbox/ingest.ts';
import { liveConfig } from '../pipeline/live-config.ts';
import { createMetrics } from '../pipeline/metrics.ts';
import { recordItems } from '../pipeline/inbox/poller.ts';
import { createRuntime } from '../pipeline/runtime.ts';
import { problemsOf } from '../pipeline/setup-problems.ts';
import { errorMessage } from '../platform/errors.ts';
import { logger } from '../platform/logger.ts';
import { defaultDatabaseUrl, openStore } from '../store/index.ts';
import type { Crm, Store } from '../store/types.ts';
import { connectorsFromEnv } from './serve.ts';
import { parseCommand } from './flags.ts';

export const summary = 'initial or catch-up sync from one CRM, with a progress bar, resumable';

const USAGE = `usage: baton backfill --from hubspot|salesforce [--since ISO] [--queue-only] [--config DIR]

  --since       only records changed since then
  --queue-only  store the records in the inbox for a running serve, without processing them here`;

/** The cursor name of a backfill; a different `--since` is a different backfill. */
export const backfillCursor = (crm: Crm, since: string | undefined) => `backfill:${crm}:${since ?? 'all'}`;

export interface BackfillProgress {
  start(total: number): void;
  update(done: number, total?: number): void;
  stop(): void;
}

/** Feeds every backfill page into the inbox, resuming from the stored cursor; returns the records stored. */
export async function backfillInto(
  store: Store,
  pages: (cursor: string | null) => AsyncIterable<BackfillPage>,
  crm: Crm,
  since: string | undefined,
  progress?: BackfillProgress,
): Promise<{ records: number; stored: number }> {
  const name = backfillCursor(crm, since);
  const cursor = await store.getCursor(name);
  let records = 0;
  let stored = 0;
  let started = false;
  // The next page is read while this one is stored: the CRM's rate limit, not the inbox, sets the pace.
  const it = pages(cursor)[Symbol.asyncIterator]();
  const ahead = () => {
    const p = it.next();
    p.catch(() => {});
    return p;
  };
  for (let next = ahead(); ;) {
    const step = await next;
    if (step.done) break;
    const page = step.value;
    next = ahead();
    if (!started) {
      progress?.start(page.total ?? 0);
      started = true;
    }
    const items = recordItems(crm, page.records, new Date().toISOString(), 'backfill');
    // The page and the cursor after it commit together: a resumed backfill neither skips nor repeats a page.
    // Whole records, never changes: no echo to judge, so no connector is needed.
    stored += await store.transaction(async (tx) => {
      const r = await insertItems(tx, items, {});
      await tx.setCursor(name, page.cursor);
      return r.stored;
    });
    records += page.records.length;
    progress?.update(records, page.total);
  }
  // Done: the next backfill with the same --since starts over.
  await store.setCursor(name, null);
  progress?.stop();
  return { records, stored };
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand('backfill', USAGE, {
    args,
    options: {
      from: { type: 'string' },
      since: { type: 'string' },
      config: { type: 'string' },
      'queue-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!parsed) return 1;
  const values: { from?: string; since?: string; config?: string; 'queue-only'?: boolean; help?: boolean } =
    parsed.values;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const crm = values.from as Crm | undefined;
  if (crm !== 'hubspot' && crm !== 'salesforce') {
    console.error(`baton backfill: --from must be hubspot or salesforce\n\n${USAGE}`);
    return 1;
  }
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) {
    console.error(`baton backfill: --since: expected an ISO 8601 date or time, got '${values.since}'`);
    return 1;
  }
  const since = values.since === undefined ? undefined : new Date(values.since).toISOString();
  const log = logger.child({ module: 'backfill' });
  const store = await openStore(defaultDatabaseUrl(env));
  const config = liveConfig(resolve(values.config ?? env.BATON_CONFIG_DIR ?? 'mappings'), store, log);
  try {
    const loaded = await config.reload();
    if (!config.current()) {
      console.error(`baton backfill: ${loaded.message}`);
      return 1;
    }
    if (!loaded.ok) console.error(`baton backfill: ${loaded.message}`);
    const connectors = connectorsFromEnv(env, config.loaded()!, (line) => console.error(`baton backfill: ${line}`));
    const connector = connectors[crm];
    if (!connector) {
      console.error(`baton backfill: the ${crm} connector is off; set its credentials`);
      return 1;
    }
    for (const c of Object.values(connectors)) await c.start();
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${crm} backfill [{bar}] {value}/{total} records | {eta_formatted} left`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const progress: BackfillProgress = {
      start: (total) => bar.start(total, 0),
      update: (done, total) => {
        if (total !== undefined && total > bar.getTotal()) bar.setTotal(total);
        else if (done > bar.getTotal()) bar.setTotal(done);
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
    const result = await backfillInto(store, (cursor) => connector.backfill(cursor, since), crm, since, progress);
    console.error(`baton backfill: ${result.records} records read, ${result.stored} new in the inbox`);
    if (!values['queue-only']) {
      const ctx: PipelineContext = {
        store,
        connectors,
        config: () => config.current(),
        now: () => new Date(),
        instanceId: `backfill-${hostname()}-${process.pid}`,
        metrics: createMetrics('backfill'),
        log,
      };
      const runtime = createRuntime(ctx, { pollIntervalS: 0 });
      await runtime.drain(100_000);
      console.error('baton backfill: processed');
      // Writes refused for a problem that is not a record's stay in the outbox; serve sends them once it is fixed.
      for (const p of problemsOf(ctx).list(ctx.now()))
        console.error(
          `baton backfill: ${p.held} write(s) held: ${p.message}; ${p.fix}. baton serve sends them once it is fixed.`,
        );
    }
    for (const c of Object.values(connectors)) await c.stop();
    return 0;
  } catch (err) {
    console.error(`baton backfill: ${errorMessage(err)}; run it again to resume`);
    return 1;
  } finally {
    config.close();
    await store.close();
  }
}
