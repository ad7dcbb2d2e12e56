/**
 * Sends the alert rows of one channel (`slack` or `email`) from the outbox: claimed under a lease
 * (kept while sending), so two instances never send the same row; each call rate-limited by its
 * transport and retried by the one retry policy; a row done is completed with the alert on the
 * person's history in one transaction, a failed one backs off and ends in the dead letters by
 * `failed-work.ts` like a CRM write. A rep Slack does not know (`users_not_found`) is emailed
 * instead, said in the message and on the history.
 */
import type { AlertPayload, Sent, SentAlert } from '../../alerts/types.ts';
import { AlertError, BatonError, errorMessage } from '../../platform/errors.ts';
import { withRetry } from '../../platform/retry.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import { readAlertPayload } from '../../store/stored.ts';
import type { OutboxRow, Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { afterFailure } from '../failed-work.ts';
import { keepClaimed } from '../keep-claimed.ts';
import { stableHash } from '../../mapping/index.ts';

/** Alerts kept on a person's history. */
const HISTORY = 50;

type Outcome = { kind: 'sent'; sent: Sent } | { kind: 'no-slack-user' };

async function deliver(ctx: PipelineContext, via: 'slack' | 'email', p: AlertPayload): Promise<Outcome> {
  if (via === 'email') {
    const email = ctx.alerts?.email;
    if (!email)
      throw new AlertError('email', 'no email transport (BATON_SMTP_URL) in this instance', { retryable: true });
    if (!p.email)
      throw new AlertError('email', 'an email alert without an address', { code: 'alert_unknown_recipient' });
    return { kind: 'sent', sent: await email.send(p.email, p.message) };
  }
  const slack = ctx.alerts?.slack;
  if (!slack)
    throw new AlertError('slack', 'no Slack transport (SLACK_BOT_TOKEN) in this instance', { retryable: true });
  if (p.channel) return { kind: 'sent', sent: await slack.post(p.channel, p.message) };
  if (!p.email) throw new AlertError('slack', 'a Slack alert without a recipient', { code: 'alert_unknown_recipient' });
  const user = await slack.userByEmail(p.email);
  if (!user) return { kind: 'no-slack-user' };
  return { kind: 'sent', sent: await slack.direct(user, p.message) };
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
  const claimed = await ctx.store.outboxClaim(via, ctx.instanceId, batchSize, leaseMs, ctx.now().toISOString());
  if (claimed.length === 0) return 0;
  const release = keepClaimed(
    ctx,
    'outbox',
    claimed.map((r) => r.id),
    leaseMs,
  );
  try {
    for (const row of claimed) await sendOne(ctx, via, row);
  } finally {
    release();
  }
  return claimed.length;
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
    await ctx.store.outboxDead(row.id, err.message);
    ctx.log.warn('alert moved to dead letters', { via, key: row.key, error: err.message });
    return;
  }
  let outcome: Outcome;
  try {
    outcome = await withRetry(() => deliver(ctx, via, p), {
      retries: 3,
      onRetry: (err) => ctx.log.info('alert call retried', { via, error: errorMessage(err) }),
    });
  } catch (err) {
    return failed(ctx, via, row, err);
  }
  const at = ctx.now().toISOString();
  if (outcome.kind === 'no-slack-user') return fallBackToEmail(ctx, row, p);
  await ctx.store.transaction(async (tx) => {
    await tx.outboxComplete(row.id, row.hash);
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
    await ctx.store.transaction((tx) =>
      tx.outboxDead(row.id, 'no Slack user for the recipient (users_not_found) and no email channel in alerts.yaml'),
    );
    return;
  }
  const payload: AlertPayload = { ...p, fallbackFrom: 'slack', message: { ...p.message, note } };
  const key = `email:${row.key.replace(/^slack:/, '')}`;
  await ctx.store.transaction(async (tx) => {
    await tx.outboxComplete(row.id, row.hash);
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

async function failed(ctx: PipelineContext, via: 'slack' | 'email', row: OutboxRow, err: unknown): Promise<void> {
  const error = errorMessage(err);
  const e = err instanceof AlertError ? err : null;
  const outcome = afterFailure(row.attempts, ctx.now(), { final: e ? !e.retryable : false, hintMs: e?.retryAfterMs });
  if (outcome.kind === 'dead') {
    await ctx.store.transaction((tx) => tx.outboxDead(row.id, error));
    ctx.metrics.writebacks.inc({ crm: via, outcome: 'dead' });
    ctx.metrics.deadLetters.inc({ crm: via });
    ctx.log.warn('alert moved to dead letters', { via, key: row.key, error });
    return;
  }
  await ctx.store.outboxRetry(row.id, error, outcome.at.toISOString());
  ctx.metrics.writebacks.inc({ crm: via, outcome: 'retry' });
}
