/**
 * The pipeline runtime: owns the workers of one instance (inbox, outbox senders per CRM and alert channel, pollers,
 * SLA scheduler, daily re-evaluation, the re-score of a new agreement version), each a loop that sleeps
 * when idle. `stop` lets every loop finish the batch it holds, so claimed work is completed or
 * released, never half-done.
 */
import { errorMessage } from '../platform/errors.ts';
import type { Crm } from '../store/types.ts';
import type { PipelineContext } from './context.ts';
import { dailyReevaluation } from './person/daily.ts';
import { RESCORE_LEASE, rescoreStep } from './person/rescore.ts';
import { processInboxBatch } from './person/inbox-worker.ts';
import { recomputeOnSettingsChange } from './attribution/recompute.ts';
import { onWritten, refreshRow } from './outbox/on-written.ts';
import { sendOutboxBatch } from './outbox/outbox-sender.ts';
import { sendAlertBatch } from './outbox/alert-sender.ts';
import { pollOnce } from './inbox/poller.ts';
import { SLA_LEASE, checkSla } from './sla/sla-scheduler.ts';
import { queueSlaReminders } from './sla/sla-policy-reminders.ts';
import { sleep } from '../platform/sleep.ts';

export interface RuntimeOptions {
  /** Seconds between polls of each CRM (`BATON_POLL_INTERVAL`); 0 turns polling off. */
  pollIntervalS?: number;
  slaIntervalMs?: number;
  idleMs?: number;
  /** Check for the daily re-evaluation this often. */
  dailyCheckMs?: number;
  /**
   * How long claimed inbox and outbox work stays with this instance before another may take it
   * (after a crash). Work is idempotent, so a short lease only costs a repeated read.
   */
  leaseMs?: number;
  /** The outbox's lease; default `max(leaseMs, 15 s)`, because a write may wait for the CRM's rate limit after its claim. */
  outboxLeaseMs?: number;
  /** How long the inbox worker waits for a burst of webhooks to finish arriving before it claims a small batch; default 1 s past the oldest item, ending as soon as the inbox stops growing; 0 claims at once. */
  claimDelayMs?: number;
}

export interface Runtime {
  readonly ctx: PipelineContext;
  start(): void;
  stop(): Promise<void>;
  /** Processes the inbox, the re-score of a new version and the outbox until all are idle (tests, backfill). */
  drain(maxRounds?: number): Promise<void>;
  /** Wakes the inbox worker (a webhook just stored something). */
  notify(): void;
}

const CRMS: Crm[] = ['hubspot', 'salesforce'];
const ALERT_CHANNELS = ['slack', 'email'] as const;
/** Outbox rows per send: Salesforce packs 400 into two composite calls (duplicate check; creates with owners and Tasks), HubSpot into four batch updates. */
export const OUTBOX_BATCH = 400;

/** Creates the runtime; nothing runs until `start`. */
export function createRuntime(ctx: PipelineContext, options: RuntimeOptions = {}): Runtime {
  const idleMs = options.idleMs ?? 250;
  const leaseMs = options.leaseMs ?? 60_000;
  // A write can wait for the CRM's rate limit after its rows are claimed; a lease shorter than that
  // wait would let another instance send the same rows again.
  const outboxLeaseMs = options.outboxLeaseMs ?? Math.max(leaseMs, 15_000);
  let stopping = false;
  const loops: Promise<void>[] = [];
  const wakers = new Map<() => void, string>();

  // An idle loop's sleep that `wake` (new work) or `stop` cuts short.
  const idle = async (ms: number, name: string) => {
    const ac = new AbortController();
    const wake = () => ac.abort();
    wakers.set(wake, name);
    try {
      await sleep(ms, ac.signal);
    } finally {
      wakers.delete(wake);
    }
  };

  function loop(name: string, fn: () => Promise<number>, waitMs: number) {
    loops.push(
      (async () => {
        while (!stopping) {
          let n = 0;
          try {
            n = await fn();
          } catch (err) {
            ctx.log.error('worker failed', { worker: name, error: errorMessage(err) });
          }
          if (!stopping && n === 0) await idle(waitMs, name);
        }
      })(),
    );
  }

  // A short lease (fast failover) takes smaller batches, so one is done well before the lease
  // ends even when reads wait for the CRM's rate limit; otherwise another instance redoes it.
  // A burst of webhooks is best read in one hydration (HubSpot: 10 reads and 2 association reads for
  // 1,000 contacts, against 4 calls per 100 in small claims); a short lease keeps batches small.
  const inboxLimit = leaseMs < 10_000 ? 50 : 1000;
  const inboxBatch = () => processInboxBatch(ctx, inboxLimit, leaseMs);
  // A webhook burst arrives over a few hundred ms (HubSpot: 100 events a request); claimed at its
  // first request it would be hydrated as small batches (4 reads each), so while the inbox is still
  // growing the loop waits, in steps, up to `claimDelayMs` past the oldest item's arrival.
  const claimDelayMs = options.claimDelayMs ?? 1000;
  const claimStepMs = 120;
  async function coalescedInboxBatch(): Promise<number> {
    let before = -1;
    while (!stopping && claimDelayMs > 0) {
      const s = await ctx.store.inboxStats(ctx.now().toISOString());
      if (s.pending === 0 || s.pending >= inboxLimit || s.oldestMs >= claimDelayMs || s.pending === before) break;
      before = s.pending;
      await sleep(Math.min(claimStepMs, claimDelayMs - s.oldestMs));
    }
    return inboxBatch();
  }

  const sendFor = (crm: Crm) => () =>
    sendOutboxBatch(
      ctx,
      crm,
      (row, result, tx) => onWritten(tx, row, result),
      OUTBOX_BATCH,
      outboxLeaseMs,
      (row) => refreshRow(ctx, row),
    );
  // Rows just queued are sent at once, not after the senders' idle sleep.
  ctx.queued = () => {
    for (const [w, name] of [...wakers]) if (name.startsWith('outbox:')) w();
  };

  async function gauges(): Promise<number> {
    const s = await ctx.store.inboxStats(ctx.now().toISOString());
    ctx.metrics.inboxPending.set(s.pending);
    ctx.metrics.inboxLagSeconds.set(s.oldestMs / 1000);
    return 0;
  }

  return {
    ctx,
    start() {
      loop('inbox', coalescedInboxBatch, idleMs);
      for (const crm of CRMS) if (ctx.connectors[crm]) loop(`outbox:${crm}`, sendFor(crm), idleMs * 2);
      for (const via of ALERT_CHANNELS)
        if (ctx.alerts?.[via]) loop(`outbox:${via}`, () => sendAlertBatch(ctx, via, 50, outboxLeaseMs), idleMs * 2);
      const pollMs = (options.pollIntervalS ?? 60) * 1000;
      if (pollMs > 0)
        for (const crm of CRMS)
          if (ctx.connectors[crm]) loop(`poll:${crm}`, async () => (await pollOnce(ctx, crm, pollMs * 2), 0), pollMs);
      const slaMs = options.slaIntervalMs ?? 2000;
      // A short named lease: a crashed instance's hold on the scheduler lapses within seconds.
      loop('sla', async () => (await checkSla(ctx, Math.max(3000, slaMs * 2)), 0), slaMs);
      loop('sla-reminders', async () => (await queueSlaReminders(ctx, Math.max(3000, slaMs * 2)), 0), slaMs);
      loop('daily', async () => (await dailyReevaluation(ctx), 0), options.dailyCheckMs ?? 3_600_000);
      // A new agreement version re-scores everyone, a page at a time (`person/rescore.ts`).
      loop('rescore', () => rescoreStep(ctx, Math.max(leaseMs, 10_000)), 1000);
      loop('gauges', gauges, 5000);
      // A new `attribution` section (a version gone live) recomputes the won deals' credit.
      loop('attribution', async () => (await recomputeOnSettingsChange(ctx), 0), 5000);
    },
    async stop() {
      stopping = true;
      for (const w of [...wakers.keys()]) w();
      await Promise.all(loops);
      loops.length = 0;
      for (const name of [SLA_LEASE, RESCORE_LEASE, ...CRMS.map((c) => `poll:${c}`)])
        await ctx.store.releaseLease(name, ctx.instanceId).catch(() => {});
    },
    async drain(maxRounds = 50) {
      for (let i = 0; i < maxRounds; i++) {
        let n = (await inboxBatch()) + (await rescoreStep(ctx, leaseMs));
        for (const crm of CRMS) n += await sendFor(crm)();
        for (const via of ALERT_CHANNELS) n += await sendAlertBatch(ctx, via, 50, outboxLeaseMs);
        if (n === 0) return;
      }
    },
    notify() {
      for (const [w, name] of [...wakers]) if (name === 'inbox' || name.startsWith('outbox:')) w();
    },
  };
}
