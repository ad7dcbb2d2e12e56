/**
 * The inbox worker: claims pending items under a lease, hydrates them, applies each person's
 * records and events, and completes the items — or schedules them again with backoff when a
 * CRM read or an update failed. Nothing acknowledged is dropped silently: an item that keeps
 * failing becomes an inbox dead letter with its reason, by the one rule of `failed-work.ts` (the
 * outbox's too), and `baton dlq` replays it into the inbox or drops it.
 */
import type { CrmRecord, EngagementEvent } from '../../../connectors/types.ts';
import { normalizeEmail } from '../../mapping/index.ts';
import { errorMessage } from '../../platform/errors.ts';
import type { InboxRow, PersonRow, Store } from '../../store/types.ts';
import { requireConfig, type PipelineContext } from '../context.ts';
import { applyDealRecord, DEAL_OBJECTS } from './deal-record.ts';
import { hydrate } from '../inbox/hydrate.ts';
import { inTransactions } from '../batches.ts';
import { keepClaimed } from '../keep-claimed.ts';
import { updatePerson, type Locate } from './person-update.ts';
import { PERSON_OBJECTS, personForEmail, personForRecord } from './resolve.ts';
import { onDealChanged } from '../attribution/attribution-job.ts';
import { queueHubSpotDealUpdate } from '../deals/hubspot-deal.ts';
import { campaignTouch, learnCampaignNames, opportunityRefs } from './related.ts';
import { learnOwners } from '../routing/routing-owners.ts';
import { afterFailure } from '../failed-work.ts';
import { waitingOnFailure } from '../unavailable.ts';

export const INBOX_LEASE_MS = 60_000;

/** Claims and processes one batch; returns the number of items claimed. */
export async function processInboxBatch(ctx: PipelineContext, limit = 200, leaseMs = INBOX_LEASE_MS): Promise<number> {
  if (!ctx.config()) return 0;
  const rows = await ctx.store.inboxClaim(ctx.instanceId, limit, leaseMs, ctx.now().toISOString());
  if (rows.length === 0) return 0;
  // Renewed while the batch is worked on: a slow batch (one waiting for a CRM's rate limit) is
  // never taken over and done again by another instance; a dead instance's lease still lapses.
  const release = keepClaimed(
    ctx,
    'inbox',
    rows.map((r) => r.id),
    leaseMs,
  );
  try {
    return await processClaimed(ctx, rows);
  } finally {
    release();
  }
}

async function processClaimed(ctx: PipelineContext, rows: InboxRow[]): Promise<number> {
  const work = await hydrate(ctx, rows);
  // Owners of the Salesforce people read, by name and email, before their changes are applied.
  await learnOwners(
    ctx,
    work.records
      .filter((r) => r.record.crm === 'salesforce' && PERSON_OBJECTS.has(r.record.object))
      .map((r) => r.record.properties.OwnerId),
  );
  const failures: Failures = new Map();
  for (const f of work.failed) for (const id of f.rows) failures.set(id, { error: f.error, cause: f.cause });

  const run = async (rowIds: number[], fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      ctx.log.warn('inbox item failed', { rows: rowIds, error: errorMessage(err) });
      for (const id of rowIds) failures.set(id, { error: errorMessage(err), cause: err });
    }
  };

  const ordered = [...work.records].sort((a, b) => Date.parse(a.record.modifiedAt) - Date.parse(b.record.modifiedAt));
  const fail = (batch: { rows: number[] }[], err: unknown) => {
    ctx.log.warn('inbox batch failed', { rows: batch.flatMap((b) => b.rows), error: errorMessage(err) });
    for (const { rows: ids } of batch) for (const id of ids) failures.set(id, { error: errorMessage(err), cause: err });
  };
  // People first, so a deal arriving with its contacts finds them.
  const people = ordered.filter((r) => PERSON_OBJECTS.has(r.record.object));
  await inTransactions(ctx, people, (tx, { record, rows: ids }) => run(ids, () => applyPersonRecord(tx, record)), fail);
  for (const { record, rows: ids } of ordered.filter((r) => DEAL_OBJECTS.has(r.record.object)))
    await run(ids, () => applyDeal(ctx, record));
  const follow = opportunityRefs(ordered.map((r) => r.record));
  if (follow.length && ctx.connectors.salesforce) {
    const ids = ordered
      .filter((r) => r.record.object === 'OpportunityContactRole' || r.record.object === 'Lead')
      .flatMap((r) => r.rows);
    await run(ids, async () => {
      for (const opp of await ctx.connectors.salesforce!.read(follow)) await applyDeal(ctx, opp);
    });
  }
  const members = ordered.filter((r) => r.record.object === 'CampaignMember');
  if (members.length)
    await learnCampaignNames(
      ctx,
      members.map((m) => m.record),
    );
  for (const { record, rows: ids } of members) {
    await run(ids, async () => {
      const touch = await campaignTouch(ctx.store, record);
      if (touch) work.events.push({ event: touch, rows: ids });
    });
  }

  const byEmail = new Map<string, { events: EngagementEvent[]; rows: number[] }>();
  for (const { event, rows: ids } of work.events) {
    const email = normalizeEmail(event.email);
    if (!email) continue;
    const entry = byEmail.get(email) ?? { events: [], rows: [] };
    entry.events.push(event);
    entry.rows.push(...ids);
    byEmail.set(email, entry);
  }
  // The batch's people read at once, outside the transaction: each update starts from its row
  // instead of reading it again. A row changed since fails the save's revision check, and the retry
  // reads it afresh, as any stale update does.
  const known = new Map((await ctx.store.findPeopleByEmails([...byEmail.keys()])).map((p) => [p.email, p]));
  const contacts = await unknownContacts(
    ctx,
    [...byEmail.keys()].filter((e) => !known.has(e)),
  );
  await inTransactions(
    ctx,
    [...byEmail],
    (txCtx, [email, { events, rows: ids }]) => {
      const contact = contacts.get(email);
      return run(ids, () =>
        contact
          ? updatePerson(txCtx, (tx, live) => personForRecord(tx, live.fields, contact), {
              records: [contact],
              events: [...eventsOf(txCtx, contact), ...events],
            })
          : updatePerson(
              txCtx,
              firstRead(known, email, (tx) => personForEmail(tx, email)),
              { events },
            ),
      );
    },
    (batch, err) =>
      fail(
        batch.map(([, e]) => e),
        err,
      ),
  );

  await settle(ctx.store, rows, failures, ctx);
  for (const row of rows) if (!failures.has(row.id)) ctx.metrics.eventsProcessed.inc({ source: row.source });
  return rows.length;
}

async function applyPersonRecord(ctx: PipelineContext, record: CrmRecord): Promise<void> {
  if (record.deleted) return;
  // A contact's analytics properties (a form just submitted, the last email click) are events;
  // applied with the record in one change, so the person is written once, at its final stage.
  const events = eventsOf(ctx, record);
  await updatePerson(ctx, (tx, live) => personForRecord(tx, live.fields, record), {
    records: [record],
    ...(events.length ? { events } : {}),
  });
}

/** The engagement events a record describes, as its CRM's connector reads them (HubSpot: a contact's analytics properties). */
function eventsOf(ctx: PipelineContext, record: CrmRecord): EngagementEvent[] {
  return ctx.connectors[record.crm]?.eventsOf?.(record) ?? [];
}

/**
 * A locate that, on its first call, gives the row read before the transaction, or creates the
 * person that was absent then (one created meanwhile fails as `person_exists`, and the retry finds
 * it); a retry reads afresh.
 */
function firstRead(known: Map<string, PersonRow>, email: string, read: Locate): Locate {
  let first = true;
  return (tx, live) => {
    if (!first) return read(tx, live);
    first = false;
    const row = known.get(email);
    return row ? Promise.resolve(row) : tx.createPerson({ email });
  };
}

/** HubSpot contacts of `unknown`, emails Baton has never seen, read in one batch, so a new person starts with its fields. */
async function unknownContacts(ctx: PipelineContext, unknown: string[]): Promise<Map<string, CrmRecord>> {
  const hs = ctx.connectors.hubspot;
  const out = new Map<string, CrmRecord>();
  if (!hs?.readByEmail) return out;
  if (unknown.length === 0) return out;
  try {
    for (const r of await hs.readByEmail(unknown)) {
      const email = normalizeEmail(r.properties.email);
      if (email) out.set(email, r);
    }
  } catch (err) {
    ctx.log.warn('HubSpot contacts by email could not be read; the people start from their events', {
      error: errorMessage(err),
    });
  }
  return out;
}

async function applyDeal(ctx: PipelineContext, record: CrmRecord): Promise<void> {
  if (record.deleted) return;
  const live = requireConfig(ctx);
  const change = await ctx.store.transaction((tx) => applyDealRecord(tx, live.fields, record));
  if (change.changed.length === 0) {
    // A HubSpot deal edited against its sync rules (an Opportunity's amount changed in HubSpot) is set back.
    if (record.crm === 'hubspot') await queueHubSpotDealUpdate(ctx, change.deal);
    return;
  }
  for (const personId of change.deal.personIds) {
    await updatePerson(ctx, (tx) => tx.getPerson(personId), { evaluateAt: record.modifiedAt });
  }
  await onDealChanged(ctx, change);
}

/** Why each failed row failed: the message stored, and the error (to tell an unavailable CRM from the row's own failure). */
type Failures = Map<number, { error: string; cause: unknown }>;

async function settle(store: Store, rows: InboxRow[], failures: Failures, ctx: PipelineContext): Promise<void> {
  const done = rows.filter((r) => !failures.has(r.id)).map((r) => r.id);
  for (const row of rows) {
    const failure = failures.get(row.id);
    if (failure === undefined) continue;
    const { error } = failure;
    // Waiting on a CRM whose circuit is open is not the item's failure: put off, no attempt counted.
    const waiting = waitingOnFailure(ctx, failure.cause);
    if (waiting) {
      await store.inboxDefer(row.id, `waiting for ${waiting.crm}: ${error}`, waiting.until.toISOString());
      continue;
    }
    const outcome = afterFailure(row.attempts, ctx.now());
    if (outcome.kind === 'dead') {
      await store.inboxDead(row.id, error);
      ctx.log.error('inbox item moved to dead letters after repeated failures', {
        row: row.id,
        source: row.source,
        attempts: outcome.attempts,
        error,
      });
      continue;
    }
    await store.inboxFail(row.id, error, outcome.at.toISOString());
  }
  if (done.length) await store.inboxComplete(done);
}
