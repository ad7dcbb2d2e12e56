/** Reading records: incremental polls by (SystemModstamp, Id) and batched reads by id. */
import type { FieldsConfig } from '../../src/config/schema.ts';
import type { CrmRecord, PollPage, RecordRef } from '../types.ts';
import type { SalesforceClient } from './client.ts';
import { objectOfId, POLLED_OBJECTS, selectFields, type PolledObject } from './fields.ts';
import { attachContactRoles, toCrmRecord } from './records.ts';
import { afterCursor, chunkForIn, inList, soqlDateTime } from './soql.ts';
import { BatonError } from '../../src/platform/errors.ts';

interface PollCursor {
  v: 1;
  pos: Partial<Record<PolledObject, { ts: string; id: string }>>;
}

/** Parses a stored poll cursor; a foreign or broken one is an error, not a silent restart. */
export function parsePollCursor(cursor: string | null): PollCursor {
  if (!cursor) return { v: 1, pos: {} };
  try {
    const c = JSON.parse(cursor) as PollCursor;
    if (c.v === 1 && c.pos && typeof c.pos === 'object') return c;
  } catch {
    // fall through
  }
  throw new BatonError('bad_cursor', `not a Salesforce poll cursor: ${cursor.slice(0, 80)}`);
}

export class SalesforceReader {
  private client: SalesforceClient;
  private cfg: FieldsConfig;
  private pageSize: number;
  private lagMs: number;
  private now: () => Date;
  constructor(
    client: SalesforceClient,
    cfg: FieldsConfig,
    pageSize = 2000,
    lagMs = 10_000,
    now: () => Date = () => new Date(),
  ) {
    this.client = client;
    this.cfg = cfg;
    this.pageSize = pageSize;
    this.lagMs = lagMs;
    this.now = now;
  }

  /** The SELECT list for `object`, trimmed to fields the org has once describes are loaded. */
  async fieldsOf(object: PolledObject): Promise<string[]> {
    const d = await this.client.describe(object).catch(() => null);
    return selectFields(object, this.cfg, d ? (f) => d.has(f) : undefined);
  }

  private async withRoles(object: PolledObject, recs: CrmRecord[]): Promise<CrmRecord[]> {
    if (object !== 'Opportunity' || !recs.length) return recs;
    const roles: Record<string, unknown>[] = [];
    for (const ids of chunkForIn(recs.map((r) => r.id))) {
      roles.push(
        ...(await this.client.queryAll(
          `SELECT Id, OpportunityId, ContactId, Role, IsPrimary FROM OpportunityContactRole WHERE ${inList('OpportunityId', ids)}`,
          'read contact roles',
        )),
      );
    }
    attachContactRoles(recs, roles);
    return recs;
  }

  /** One incremental page over every polled object since `cursor`. */
  async poll(cursor: string | null): Promise<PollPage> {
    const c = parsePollCursor(cursor);
    const records: CrmRecord[] = [];
    let more = false;
    for (const object of POLLED_OBJECTS) {
      // SystemModstamp has whole seconds and is stamped before commit: a record can still appear
      // in the last seconds with a smaller Id than the cursor's, so polls stop short of now
      const where = [
        afterCursor(c.pos[object]),
        this.lagMs > 0
          ? `SystemModstamp < ${soqlDateTime(new Date(this.now().getTime() - this.lagMs).toISOString())}`
          : '',
      ]
        .filter(Boolean)
        .join(' AND ');
      const soql = `SELECT ${(await this.fieldsOf(object)).join(', ')} FROM ${object}${where ? ` WHERE ${where}` : ''} ORDER BY SystemModstamp, Id LIMIT ${this.pageSize}`;
      const rows = await this.client.queryAll(soql, `poll ${object}`);
      if (!rows.length) continue;
      if (rows.length >= this.pageSize) more = true;
      const last = rows[rows.length - 1];
      c.pos[object] = { ts: String(last.SystemModstamp), id: String(last.Id) };
      records.push(
        ...(await this.withRoles(
          object,
          rows.map((r) => toCrmRecord(object, r)),
        )),
      );
    }
    return { records, cursor: JSON.stringify(c), more };
  }

  /** Reads `refs` in batches (`WHERE Id IN (...)`, chunked under the query length limit); missing ids are left out. */
  async read(refs: RecordRef[]): Promise<CrmRecord[]> {
    const byObject = new Map<PolledObject, string[]>();
    for (const r of refs) {
      const object = (POLLED_OBJECTS as readonly string[]).includes(r.object)
        ? (r.object as PolledObject)
        : (objectOfId(r.id) as PolledObject | undefined);
      if (!object || !(POLLED_OBJECTS as readonly string[]).includes(object)) continue;
      const list = byObject.get(object) ?? [];
      if (!list.includes(r.id)) list.push(r.id);
      byObject.set(object, list);
    }
    const out: CrmRecord[] = [];
    for (const [object, ids] of byObject) {
      const fields = (await this.fieldsOf(object)).join(', ');
      for (const chunk of chunkForIn(ids)) {
        const rows = await this.client.queryAll(
          `SELECT ${fields} FROM ${object} WHERE ${inList('Id', chunk)}`,
          `read ${object}`,
        );
        out.push(
          ...(await this.withRoles(
            object,
            rows.map((r) => toCrmRecord(object, r)),
          )),
        );
      }
    }
    return out;
  }
}
