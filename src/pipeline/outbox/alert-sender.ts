/**
 * Sends the alert rows of one channel (`slack` or `email`) from the outbox: claimed under a lease
 * (kept while sending), so two instances never send the same row; each call rate-limited by its
 * transport and retried by the one retry policy; a row done is completed with the alert on the
 * person's history in one transaction, a failed one backs off and ends in the dead letters by
 * `failed-work.ts` like a CRM write. A rep Slack does not know (`users_not_found`) is emailed
 * instead, said in the message and on the history.
 *
 * Slack takes no idempotency key, so a Slack row's attempt is marked (`kv.alertAttempt`) before
 * the call and the mark removed with the row's completion: an attempt that finds a mark, or follows
 * one whose answer was lost, may follow a message Slack accepted unheard (a kill, a timeout), and
 * asks the transport to look for the alert's key in the conversation before posting again.
 */
import type { AlertPayload, AlertRef, Sent, SentAlert } from '../../alerts/types.ts';
import { AlertError, BatonError, errorMessage } from '../../platform/errors.ts';
import { withRetry } from '../../platform/retry.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import { readAlertPayload } from '../../store/stored.ts';
import type { OutboxRow, Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { stableHash } from '../../mapping/index.ts';
import { settleFailure, withClaimedBatch } from './claimed-batch.ts';

/** Alerts kept on a person's history. */
const HISTORY = 50;

type Outcome = { kind: 'sent'; sent: Sent } | { kind: 'no-slack-user' };

async function deliver(ctx: PipelineContext, via: 'slack' | 'email', p: AlertPayload, ref: AlertRef): Promise<Outcome> {
  if (via === 'email') {
    const email = ctx.alerts?.email;
    if (!email)
      throw new AlertError('email', 'no email transport (BATON_SMTP_URL) in this instance', { retryable: true });
    if (!p.email)
      throw new AlertError('email', 'an email alert without an address', { code: 'alert_unknown_recipient' });
    return { kind: 'sent', sent: await email.send(p.email, p.message, ref) };
  }
  const slack = ctx.alerts?.slack;
  if (!slack)
    throw new AlertError('slack', 'no Slack transport (SLACK_BOT_TOKEN) in this instance', { retryable: true });
  if (p.channel) return { kind: 'sent', sent: await slack.post(p.channel, p.message, ref) };
  if (!p.email) throw new AlertError('slack', 'a Slack alert without a recipient', { code: 'alert_unknown_recipient' });
  const user = await slack.userByEmail(p.email);
  if (!user) return { kind: 'no-slack-user' };
  return { kind: 'sent', sent: await slack.direct(user, p.message, ref) };
}

async function remember(tx: Store, personId: number | null, alert: SentAlert): Promise<void> {
  if (personId === null) return;
  const list = (await getKv(tx, kv.alertsSent(personId))) ?? [];
  await setKv(tx, kv.alertsSent(personId), [...list, alert].slice(-HISTORY));
}

/** Claims and sends one batch of `via`'s alerts; returns how many rows were attempted. */
export async function sendAlertBatch(
  ctx: PipelineContext,
  via: 'slack' | 'email',
  batchSize = 50,
  leaseMs = 60_000,
): Promise<number> {
  if (!ctx.alerts?.[via]) return 0;
  return withClaimedBatch(ctx, via, batchSize, leaseMs, async (claimed) => {
    for (const row of claimed) await sendOne(ctx, via, row);
  });
}

async function sendOne(ctx: PipelineContext, via: 'slack' | 'email', row: OutboxRow): Promise<void> {
  // Sent already (a newer payload of the same event queued while it was in flight): once is enough.
  if ((await ctx.store.lastWrittenHash(row.key)) !== null) {
    await ctx.store.outboxComplete(row.id, row.hash);
    return;
  }
  let p: AlertPayload;
  try {
    p = readAlertPayload(row);
  } catch (err) {
    // An unreadable stored payload is never sent: a dead letter with the reason.
    if (!(err instanceof BatonError) || err.code !== 'stored_invalid') throw err;
    await settleFailure(ctx, via, row, { error: err.message, final: true }, 'alert');
    return;
  }
  const mark = kv.alertAttempt(row.key);
  // An earlier claim's attempt that never completed may have reached Slack: look before posting.
  const earlier = via === 'slack' ? await getKv(ctx.store, mark) : undefined;
  const started = earlier ?? ctx.now().toISOString();
  if (via === 'slack' && !earlier) await setKv(ctx.store, mark, started);
  let uncertain = earlier !== undefined;
  let outcome: Outcome;
  try {
    outcome = await withRetry(
      async () => {
        const ref: AlertRef = { key: row.idempotencyKey, ...(uncertain ? { lookSince: started } : {}) };
        try {
          return await deliver(ctx, via, p, ref);
        } catch (err) {
          // Refused (a 429, an `ok: false`): not posted. Anything else may have been.
          if (!(err instanceof AlertError && err.refused)) uncertain = true;
          throw err;
        }
      },
      { retries: 3, onRetry: (err) => ctx.log.info('alert call retried', { via, error: errorMessage(err) }) },
    );
  } catch (err) {
    return failed(ctx, via, row, err, via === 'slack' && !uncertain);
  }
  const at = ctx.now().toISOString();
  if (outcome.kind === 'no-slack-user') return fallBackToEmail(ctx, row, p);
  if (outcome.sent.found)
    ctx.log.info('alert found in Slack from an earlier attempt; not posted again', { key: row.key, event: p.event });
  await ctx.store.transaction(async (tx) => {
    await tx.outboxComplete(row.id, row.hash);
    if (via === 'slack') await setKv(tx, mark, undefined);
    await remember(tx, row.personId, {
      event: p.event,
      via,
      role: p.role,
      to: outcome.sent.to,
      at,
      subject: p.message.subject,
      ...(p.fallbackFrom ? { fallback: p.message.note ?? 'Slack knew no user for this email' } : {}),
    });
  });
  ctx.metrics.writebacks.inc({ crm: via, outcome: 'ok' });
}

/** Slack has no user for the email: the same alert goes by email, queued with this row's completion. */
async function fallBackToEmail(ctx: PipelineContext, row: OutboxRow, p: AlertPayload): Promise<void> {
  const note = 'Sent by email: Slack has no user with this email address (users_not_found).';
  ctx.log.warn('alert recipient not found in Slack; sent by email instead', { key: row.key, event: p.event });
  if (!ctx.alerts?.email && !ctx.config()?.alerts?.channels.email) {
    await ctx.store.transaction(async (tx) => {
      await tx.outboxDead(
        row.id,
        'no Slack user for the recipient (users_not_found) and no email channel in alerts.yaml',
      );
      await setKv(tx, kv.alertAttempt(row.key), undefined);
    });
    return;
  }
  const payload: AlertPayload = { ...p, fallbackFrom: 'slack', message: { ...p.message, note } };
  const key = `email:${row.key.replace(/^slack:/, '')}`;
  await ctx.store.transaction(async (tx) => {
    await tx.outboxComplete(row.id, row.hash);
    await setKv(tx, kv.alertAttempt(row.key), undefined);
    if ((await tx.lastWrittenHash(key)) === null) {
      await tx.outboxPut({
        crm: 'email',
        key,
        personId: row.personId,
        payload,
        hash: stableHash(payload),
        idempotencyKey: `${row.idempotencyKey}:email`,
      });
    }
  });
  ctx.queued?.();
}

/** A failed row backs off or is dead-lettered; `refusedOnly`: Slack refused every attempt, so nothing can be there and the mark goes. */
async function failed(
  ctx: PipelineContext,
  via: 'slack' | 'email',
  row: OutboxRow,
  err: unknown,
  refusedOnly: boolean,
): Promise<void> {
  const e = err instanceof AlertError ? err : null;
  await ctx.store.transaction(async (tx) => {
    const c = { ...ctx, store: tx };
    await settleFailure(
      c,
      via,
      row,
      { error: errorMessage(err), final: e ? !e.retryable : false, hintMs: e?.retryAfterMs },
      'alert',
    );
    if (refusedOnly) await setKv(tx, kv.alertAttempt(row.key), undefined);
  });
}
