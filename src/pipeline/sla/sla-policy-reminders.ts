/**
 * `sla.remind_before`: one reminder to the owner before the deadline, once per SLA clock: a
 * comment on the MQL Task (its Description, "Comments" in Salesforce), or a Task of its own when
 * `fields.yaml` writes no MQL Task; and the `reminder` alerts of `alerts.yaml`.
 * People whose reminder is due are the ones whose deadline falls within `remind_before` from now
 * (`dueSla(now + remind_before)`); a marker per clock start keeps it to one, across instances
 * (a named lease) and restarts (the marker and the outbox row are stored in one transaction).
 */
import { parseDuration } from '../../config/duration.ts';
import { stableHash } from '../../mapping/index.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import { dateIn } from '../person/desired.ts';
import { queueAlerts } from '../person/queue-alerts.ts';
import { rulesFor } from '../../alerts/desired.ts';
import type { PipelineContext } from '../context.ts';

export const REMINDER_LEASE = 'sla-reminders';

/** The reminder Task's outbox key and idempotency key for one clock. */
export function reminderKeys(personId: number, startedAt: string) {
  const id = `person-${personId}:reminder:${startedAt}`;
  return { key: `salesforce:Task:${id}`, idempotencyKey: `task:${id}` };
}

/** Queues the reminders that are due; returns how many. */
export async function queueSlaReminders(ctx: PipelineContext, leaseMs = 10_000): Promise<number> {
  const live = ctx.config();
  const remind = live?.agreementConfig.sla?.remind_before;
  const alerting = rulesFor(live?.alerts, 'reminder').length > 0;
  if (!live || remind === undefined || (!ctx.connectors.salesforce && !alerting)) return 0;
  const now = ctx.now();
  const nowIso = now.toISOString();
  if (!(await ctx.store.acquireLease(REMINDER_LEASE, ctx.instanceId, leaseMs, nowIso))) return 0;
  const tz = live.agreementConfig.sla?.business_hours?.tz ?? null;
  let queued = 0;
  try {
    const soon = await ctx.store.dueSla(new Date(now.getTime() + parseDuration(remind)).toISOString(), 1000);
    for (const p of soon) {
      const sla = p.state?.sla;
      if (!sla?.remindAt || sla.breached || sla.answeredAt || sla.stoppedAt || Date.parse(sla.remindAt) > now.getTime())
        continue;
      const task = Boolean(ctx.connectors.salesforce && p.salesforceId && p.ownerId);
      if ((!task && !alerting) || (await getKv(ctx.store, kv.slaReminded(p.id, sla.startedAt))) !== undefined) continue;
      const name = [p.fields.first_name, p.fields.last_name].filter(Boolean).join(' ') || p.email;
      const text = `Reminder: answer ${name} by ${sla.due} (the agreement's deadline).`;
      const taskOn = live.fields.writeback?.salesforce?.task?.on;
      // a comment on the MQL Task when there is one, so the rep has one Task to answer; else a Task of its own
      const payload =
        taskOn === 'mql'
          ? {
              object: 'Task',
              action: 'update',
              purpose: 'reminder',
              properties: {
                WhoId: p.salesforceId,
                $task: `task:person-${p.id}:mql:${sla.startedAt}`,
                $comment: text,
                Priority: 'High',
              },
            }
          : {
              object: 'Task',
              action: 'create',
              purpose: 'reminder',
              properties: {
                Subject: text.slice(0, 255),
                WhoId: p.salesforceId,
                OwnerId: p.ownerId,
                ActivityDate: dateIn(sla.due, tz),
                Status: 'Not Started',
                Priority: 'High',
              },
            };
      const { key, idempotencyKey } = reminderKeys(p.id, sla.startedAt);
      await ctx.store.transaction(async (tx) => {
        if (task)
          await tx.outboxPut({
            crm: 'salesforce',
            key,
            personId: p.id,
            payload,
            hash: stableHash(payload),
            idempotencyKey,
          });
        // The reminder's alerts (alerts.yaml `on: reminder`) go with it, under the same once-per-clock marker.
        if (alerting)
          await queueAlerts(ctx, tx, live, p, [{ event: 'reminder', at: sla.startedAt }], { deadline: sla.due });
        await setKv(tx, kv.slaReminded(p.id, sla.startedAt), nowIso);
      });
      queued++;
    }
  } finally {
    await ctx.store.releaseLease(REMINDER_LEASE, ctx.instanceId).catch(() => {});
  }
  return queued;
}
