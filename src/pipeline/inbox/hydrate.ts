/**
 * Turns claimed inbox rows into work: change references are coalesced per CRM (one read per
 * record however many webhooks named it) and hydrated through `connector.read` in batches;
 * polled records and events pass through as they are.
 */
import type { CrmRecord, EngagementEvent, InboxItem, RecordRef } from '../../../connectors/types.ts';
import { errorMessage } from '../../platform/errors.ts';
import { heldChanges } from '../snapshots.ts';
import type { Crm, InboxRow } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';

/** Refs per `connector.read`: the connector batches inside it (HubSpot reads associations 1,000 ids a call). */
export const READ_BATCH = 1000;

export interface Work {
  /** Records with the inbox rows that named them. */
  records: { record: CrmRecord; rows: number[] }[];
  events: { event: EngagementEvent; rows: number[] }[];
  /** Rows that could not be hydrated now, with the reason and the error (retried later). */
  failed: { rows: number[]; error: string; cause: unknown }[];
  /** Rows with nothing left to do. */
  done: number[];
}

/** Reads every referenced record of the claimed rows. */
export async function hydrate(ctx: PipelineContext, rows: InboxRow[]): Promise<Work> {
  const work: Work = { records: [], events: [], failed: [], done: [] };
  const refs = new Map<string, { ref: RecordRef; rows: number[]; mergedIds: string[] }>();
  // Baton's own writes echoed back (every changed value is what the record holds, or is being written): no read.
  const held = await heldChanges(ctx.store, rows, ctx.connectors);
  for (const row of rows) {
    if (held.has(row)) {
      work.done.push(row.id);
      continue;
    }
    const body = row.body as InboxItem['body'];
    if (body?.kind === 'event') work.events.push({ event: body.event, rows: [row.id] });
    else if (body?.kind === 'records') for (const record of body.records) work.records.push({ record, rows: [row.id] });
    else if (body?.kind === 'change' || body?.kind === 'merge') {
      const key = `${body.ref.crm}:${body.ref.object}:${body.ref.id}`;
      const entry = refs.get(key) ?? { ref: body.ref, rows: [], mergedIds: [] };
      entry.rows.push(row.id);
      if (body.kind === 'merge') entry.mergedIds.push(...body.mergedIds);
      refs.set(key, entry);
    } else work.done.push(row.id);
  }
  type Entry = typeof refs extends Map<string, infer V> ? V : never;
  const byCrm = new Map<Crm, Entry[]>();
  for (const entry of refs.values()) {
    const list = byCrm.get(entry.ref.crm) ?? [];
    list.push(entry);
    byCrm.set(entry.ref.crm, list);
  }
  for (const [crm, entries] of byCrm) {
    const connector = ctx.connectors[crm];
    if (!connector) {
      ctx.log.warn('change for a connector that is off; dropped', { crm, count: entries.length });
      work.done.push(...entries.flatMap((e) => e.rows));
      continue;
    }
    for (let i = 0; i < entries.length; i += READ_BATCH) {
      const batch = entries.slice(i, i + READ_BATCH);
      try {
        const records = await connector.read(batch.map((e) => e.ref));
        ctx.metrics.apiCalls.inc({ crm, outcome: 'ok' });
        const found = new Map(records.map((r) => [`${r.object}:${r.id}`, r]));
        for (const e of batch) {
          const record = found.get(`${e.ref.object}:${e.ref.id}`);
          if (!record) {
            work.done.push(...e.rows);
            continue;
          }
          const mergedIds = [...new Set([...(record.mergedIds ?? []), ...e.mergedIds])];
          work.records.push({ record: mergedIds.length ? { ...record, mergedIds } : record, rows: e.rows });
        }
      } catch (err) {
        ctx.metrics.apiCalls.inc({ crm, outcome: 'error' });
        work.failed.push({ rows: batch.flatMap((e) => e.rows), error: errorMessage(err), cause: err });
      }
    }
  }
  return work;
}
