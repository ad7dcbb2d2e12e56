/**
 * What a successful write teaches Baton: the values now on the record (so they are not written
 * again and their echo changes nothing), and for a created Lead the id it got, which links the
 * person to it and makes the MQL Task possible.
 */
import type { WriteResult } from '../../../connectors/types.ts';
import type { PipelineContext } from '../context.ts';
import type { OutboxPayload, WriteRow } from '../../store/stored.ts';
import { onHubSpotDealCreated } from '../attribution/attribution-job.ts';
import { queueWrites, writesFor } from '../person/queue-writes.ts';
import { recordTaskCreated } from '../sla/sla-policy-funnel.ts';
import { StaleError } from '../../platform/errors.ts';
import { retryOnStale } from '../../platform/stale.ts';
import { updatePerson } from '../person/person-update.ts';
import { getSnapshot } from '../snapshots.ts';
import { kv, setKv } from '../../store/keys.ts';
import { requireConfig } from '../context.ts';

/** Handles one `ok` write result. */
export async function onWritten(
  ctx: PipelineContext,
  row: WriteRow,
  result: Extract<WriteResult, { status: 'ok' }>,
): Promise<void> {
  const p = row.payload;
  // The MQL Task exists: Baton's own part of the time to answer ends here.
  if (p.purpose === 'task' && row.personId)
    await recordTaskCreated(ctx.store, row.personId, row.key, ctx.now().toISOString());
  const id = p.id ?? result.id;
  if (p.purpose === 'deal-create' && result.id) await onHubSpotDealCreated(ctx, row.key, result.id);
  // What the record holds now: its echo changes nothing and the value is not written again.
  if (!id || !['person', 'deal', 'deal-create'].includes(p.purpose ?? '')) return;
  // Alert rows (Slack, email) are sent by the alert sender and teach nothing about a CRM record.
  if (row.crm !== 'hubspot' && row.crm !== 'salesforce') return;
  const { object: foundObject, existing, ...told } = (result.properties ?? {}) as Record<string, unknown>;
  const object = (typeof foundObject === 'string' ? foundObject : p.object) as OutboxPayload['object'];
  // A create that found the record already there (the duplicate check) wrote nothing of ours.
  const written = existing === true ? told : { ...p.properties, ...told };
  // Keep the snapshot's time: it is the CRM's clock, and our write has no CRM time of its own.
  const prev = await getSnapshot(ctx.store, row.crm, object, id);
  await setKv(ctx.store, kv.snapshot(row.crm, object, id), {
    at: prev?.at ?? new Date(0).toISOString(),
    props: { ...(prev?.props ?? {}), ...written },
  });
  if (p.purpose !== 'person' || p.action !== 'create' || !row.personId || !result.id) return;
  const personId = row.personId;
  if (result.record && row.crm === 'salesforce') {
    // The new record as read back: folding it in links the person (id, owner) and takes the values
    // the CRM filled in, so the person's next write-back is complete and the create's echo is old news.
    await updatePerson(ctx, (tx) => tx.getPerson(personId), { records: [result.record] });
    return;
  }
  try {
    await retryOnStale(() =>
      ctx.store.transaction(async (tx) => {
        const person = await tx.getPerson(personId);
        if (!person) return;
        if (row.crm === 'salesforce' && !person.salesforceId) {
          person.salesforceId = result.id!;
          person.salesforceObject = object;
          if (typeof result.properties?.OwnerId === 'string') person.ownerId = result.properties.OwnerId;
        } else if (row.crm === 'hubspot' && !person.hubspotId) person.hubspotId = result.id!;
        else return;
        person.updatedAt = ctx.now().toISOString();
        if (!(await tx.savePerson(person))) throw new StaleError();
        await queueWrites(ctx, tx, requireConfig(ctx), person);
      }),
    );
  } catch (err) {
    // Still stale after every try: the link is left unlearned, quietly, as it always was here.
    if (!(err instanceof StaleError)) throw err;
  }
}

/** The fresh desired payload of a person's record row (see `Refresh`); other rows are sent as they are. */
export async function refreshRow(ctx: PipelineContext, row: WriteRow): Promise<OutboxPayload | null | undefined> {
  const p = row.payload;
  const live = ctx.config();
  if (p.purpose !== 'person' || !row.personId || !live) return undefined;
  const person = await ctx.store.getPerson(row.personId);
  if (!person) return null;
  const fresh = (await writesFor(ctx, ctx.store, live, person)).find((w) => w.key === row.key);
  return fresh ? fresh.payload : null;
}
