/**
 * Writing people: updates of Leads and Contacts (every one with `Sforce-Auto-Assign: FALSE`, so
 * the org's assignment rule never moves an owner on Baton's account), and Lead creates for
 * HubSpot-only people after checking Leads and Contacts for the same emails — never a duplicate.
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import type { WriteOp, WriteResult } from '../types.ts';
import type { SalesforceClient } from './client.ts';
import {
  collectionSub,
  compositeRunner,
  querySub,
  rowsOf,
  saveResultsOf,
  type CompositeRunner,
  type Subrequest,
} from './composite.ts';
import { selectFields } from './fields.ts';
import { markFresh } from './fresh.ts';
import { toCrmRecord } from './records.ts';
import {
  type UpdateRecord,
  collectionResults,
  chunks,
  failureResult,
  fitToSchema,
  inRounds,
  isLockError,
  mayRetry,
  resultOf,
  saveWithLockRetry,
  type SaveError,
  type SaveResult,
} from './save.ts';
import { saveProblemOf } from './errors.ts';
import { isConfiguredValue } from '../../src/mapping/config-values.ts';
import { chunkForIn, inList } from './soql.ts';
import { findExisting, normEmail, readBackOwners } from './existing.ts';

const NO_ASSIGN = { 'Sforce-Auto-Assign': 'FALSE' };

export class PeopleWriter {
  private client: SalesforceClient;
  private cfg: FieldsConfig;
  private assignment: 'org' | 'baton';
  private attempts: number;
  constructor(client: SalesforceClient, cfg: FieldsConfig, assignment: 'org' | 'baton', attempts = 4) {
    this.client = client;
    this.cfg = cfg;
    this.assignment = assignment;
    this.attempts = attempts;
  }

  /** Save errors that are not the record's: a missing or read-only field, a picklist value fields.yaml names. */
  private problemOf(object: string): (errors: SaveError[]) => ReturnType<typeof saveProblemOf> {
    return (errors) =>
      saveProblemOf(errors, object, (field, value) => isConfiguredValue(this.cfg, 'salesforce', field, value));
  }

  /** Fields a write to `object` leaves out when its describe lacks them: on a Contact, the Lead-only ones (Company, Status). */
  private async leaveOut(object: string): Promise<(field: string) => boolean> {
    if (object !== 'Contact') return () => false;
    const lead = await this.client.describe('Lead').catch(() => null);
    return (field) => !!lead?.has(field);
  }

  /** Baton's own writeback fields: sent even when the describe says read-only, so a missing edit permission is named. */
  private own = (field: string): boolean => Object.hasOwn(this.cfg.writeback?.salesforce?.person ?? {}, field);

  private async sendUpdates(object: string, records: UpdateRecord[]): Promise<SaveResult[]> {
    return saveWithLockRetry(records, (batch) =>
      this.client.call(`update ${object}`, async (c) =>
        collectionResults(await c.sobject(object).update(batch, { allOrNone: false, headers: NO_ASSIGN })),
      ),
    );
  }

  /** Updates by id, per object, ≤ 200 a call. A converted Lead is written as its Contact. */
  async update(ops: WriteOp[]): Promise<Map<string, WriteResult>> {
    const out = new Map<string, WriteResult>();
    const byObject = new Map<string, WriteOp[]>();
    for (const op of ops) byObject.set(op.object, [...(byObject.get(op.object) ?? []), op]);
    for (const [object, list] of byObject) {
      const describe = await this.client.describe(object).catch(() => null);
      const leaveOut = await this.leaveOut(object);
      const converted: WriteOp[] = [];
      // one record per id: a collection may not name the same id twice; later values win
      const byId = new Map<string, { ops: WriteOp[]; props: Record<string, unknown> }>();
      for (const op of list) {
        const e = byId.get(String(op.id)) ?? { ops: [], props: {} };
        e.ops.push(op);
        Object.assign(e.props, op.properties);
        byId.set(String(op.id), e);
      }
      for (const part of chunks([...byId.entries()])) {
        try {
          const results = await this.sendUpdates(
            object,
            part.map(([id, e]) => ({ Id: id, ...fitToSchema(e.props, describe, 'update', leaveOut, this.own) })),
          );
          part.forEach(([, e], i) => {
            const r = results[i];
            for (const op of e.ops) {
              if (object === 'Lead' && r.errors?.some((x) => x.statusCode === 'CANNOT_UPDATE_CONVERTED_LEAD'))
                converted.push(op);
              else out.set(op.key, resultOf(op.key, r, { object }, this.problemOf(object)));
            }
          });
        } catch (err) {
          for (const [, e] of part)
            for (const op of e.ops) out.set(op.key, failureResult(op.key, err, this.problemOf(object)));
        }
      }
      if (converted.length) for (const [k, v] of await this.updateConverted(converted)) out.set(k, v);
    }
    return out;
  }

  private async updateConverted(ops: WriteOp[]): Promise<Map<string, WriteResult>> {
    const out = new Map<string, WriteResult>();
    const contactOf = new Map<string, string>();
    try {
      for (const ids of chunkForIn(ops.map((o) => String(o.id)))) {
        const rows = await this.client.queryAll(
          `SELECT Id, ConvertedContactId FROM Lead WHERE ${inList('Id', ids)}`,
          'read converted leads',
        );
        for (const r of rows) if (r.ConvertedContactId) contactOf.set(String(r.Id), String(r.ConvertedContactId));
      }
    } catch (err) {
      for (const op of ops) out.set(op.key, failureResult(op.key, err));
      return out;
    }
    const asContacts = ops.flatMap((op) => {
      const contactId = contactOf.get(String(op.id));
      if (!contactId) {
        out.set(op.key, {
          key: op.key,
          status: 'dead',
          error: `Lead ${op.id} is converted but has no ConvertedContactId`,
        });
        return [];
      }
      return [{ ...op, object: 'Contact' as const, id: contactId }];
    });
    const results = await this.update(asContacts);
    for (const op of asContacts) {
      const r = results.get(op.key);
      if (r)
        out.set(
          op.key,
          r.status === 'ok'
            ? {
                ...r,
                properties: {
                  ...(r.properties ?? {}),
                  object: 'Contact',
                  convertedLeadId: ops.find((o) => o.key === op.key)?.id,
                },
              }
            : r,
        );
    }
    return out;
  }

  /** Required Lead fields filled from `fields.yaml` defaults when blank. */
  private withDefaults(props: Record<string, unknown>): Record<string, unknown> {
    const out = { ...props };
    const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
    for (const def of Object.values(this.cfg.person.fields)) {
      if (def.salesforce && def.default !== undefined && blank(out[def.salesforce])) out[def.salesforce] = def.default;
    }
    for (const f of ['LastName', 'Company']) if (blank(out[f])) out[f] = '[not provided]';
    return out;
  }

  /** Creates Leads for people Salesforce does not hold yet; an existing Lead or Contact is returned instead. */
  async createLeads(
    ops: WriteOp[],
    run: CompositeRunner = compositeRunner(this.client),
  ): Promise<Map<string, WriteResult>> {
    const out = new Map<string, WriteResult>();
    const withEmail = ops.filter((op) => {
      const email = op.email ?? (op.properties.Email as string | undefined);
      if (!email)
        out.set(op.key, {
          key: op.key,
          status: 'dead',
          error: 'a Lead create needs the email for the duplicate check',
        });
      return !!email;
    });
    const emailOf = (op: WriteOp) => normEmail(op.email ?? String(op.properties.Email));
    const describe = await this.client.describe('Lead').catch(() => null);
    const { left, error } = await inRounds(
      withEmail,
      async (pending) => {
        // re-checked in every round: a create that failed in transit may have happened after all
        const existing = await findExisting(this.client, [...new Set(pending.map(emailOf))], run);
        const toCreate: WriteOp[] = [];
        const firstOfEmail = new Map<string, WriteOp>();
        const sameAs = new Map<string, string>();
        for (const op of pending) {
          const hit = existing.get(emailOf(op));
          if (hit)
            out.set(op.key, {
              key: op.key,
              status: 'ok',
              id: hit.id,
              properties: { object: hit.object, existing: true, ...(hit.ownerId ? { OwnerId: hit.ownerId } : {}) },
            });
          else if (firstOfEmail.has(emailOf(op))) sameAs.set(op.key, (firstOfEmail.get(emailOf(op)) as WriteOp).key);
          else {
            firstOfEmail.set(emailOf(op), op);
            toCreate.push(op);
          }
        }
        const again: WriteOp[] = [];
        let failure: unknown;
        try {
          for (const [k, v] of await this.sendCreates(toCreate, describe, run)) out.set(k, v);
        } catch (err) {
          if (mayRetry(err)) {
            again.push(...toCreate);
            failure = err;
          } else for (const op of toCreate) out.set(op.key, failureResult(op.key, err));
        }
        for (const [k, first] of sameAs) {
          const r = out.get(first);
          if (r) out.set(k, { ...r, key: k });
          else again.push(pending.find((o) => o.key === k) as WriteOp);
        }
        return { again, error: failure };
      },
      { attempts: this.attempts },
    );
    for (const op of left) out.set(op.key, failureResult(op.key, error));
    await readBackOwners(this.client, out);
    return out;
  }

  /**
   * Sends the creates as sObject Collections subrequests of composite calls, each followed by a
   * query of the new records' owners by email (subrequests run in order, so the org's assignment
   * rule has run). Records Salesforce could not lock are sent again on their own. A composite call
   * that fails throws: the caller re-checks duplicates before trying again.
   */
  private async sendCreates(
    ops: WriteOp[],
    describe: Awaited<ReturnType<SalesforceClient['describe']>>,
    run: CompositeRunner,
  ): Promise<Map<string, WriteResult>> {
    const out = new Map<string, WriteResult>();
    if (!ops.length) return out;
    const subs: Subrequest[] = [];
    const sent: {
      ref: string;
      object: 'Lead' | 'Contact';
      headers: Record<string, string>;
      ops: WriteOp[];
      recs: Record<string, unknown>[];
    }[] = [];
    const owners: { ref: string; object: string }[] = [];
    for (const group of this.groupCreates(ops)) {
      const objDescribe =
        group.object === 'Lead' ? describe : await this.client.describe(group.object).catch(() => null);
      const leaveOut = await this.leaveOut(group.object);
      for (const part of chunks(group.ops)) {
        const ref = `create${sent.length}`;
        const recs = part.map((op) => this.record(op, objDescribe, leaveOut));
        sent.push({ ref, object: group.object, headers: group.headers, ops: part, recs });
        subs.push(collectionSub(this.client, 'POST', group.object, recs, ref, group.headers));
      }
      // The whole record, as a read would give it: the owner the assignment rule chose and the
      // values Salesforce filled in (a Lead's default Status) reach HubSpot with the handoff's
      // first write, and the Outbound Message of the create changes nothing.
      const fields = selectFields(group.object, this.cfg, objDescribe ? (f) => objDescribe.has(f) : undefined).join(
        ', ',
      );
      for (const emails of chunkForIn([
        ...new Set(group.ops.map((op) => normEmail(op.email ?? String(op.properties.Email)))),
      ])) {
        const ref = `created${owners.length}`;
        owners.push({ ref, object: group.object });
        subs.push(querySub(this.client, `SELECT ${fields} FROM ${group.object} WHERE ${inList('Email', emails)}`, ref));
      }
    }
    const res = await run(subs, 'create people', { retry: false });
    const createdRow = new Map<string, Record<string, unknown>>();
    for (const o of owners) {
      try {
        for (const row of await rowsOf(this.client, res.get(o.ref), `read new ${o.object} records`))
          createdRow.set(String(row.Id), { ...row, object: o.object });
      } catch (err) {
        this.client.log.warn('salesforce: could not read back new records', { error: (err as Error).message });
      }
    }
    for (const s of sent) {
      let results: SaveResult[];
      try {
        results = saveResultsOf(res.get(s.ref), `create ${s.object}`);
      } catch (err) {
        for (const op of s.ops) out.set(op.key, failureResult(op.key, err, this.problemOf(s.object)));
        continue;
      }
      const locked = s.ops.map((_, i) => i).filter((i) => isLockError(results[i] ?? { success: false, errors: [] }));
      if (locked.length) {
        const again = await saveWithLockRetry(
          locked.map((i) => s.recs[i]),
          (batch) =>
            this.client.call(
              `create ${s.object}`,
              async (c) =>
                collectionResults(await c.sobject(s.object).create(batch, { allOrNone: false, headers: s.headers })),
              { retry: false },
            ),
        );
        locked.forEach((idx, j) => (results[idx] = again[j]));
      }
      s.ops.forEach((op, i) => {
        const r = results[i] ?? {
          success: false,
          errors: [{ statusCode: 'NO_RESULT', message: 'Salesforce returned no result for this record' }],
        };
        const row = r.success && r.id ? createdRow.get(r.id) : undefined;
        if (r.success && r.id) markFresh(this.client, r.id);
        const result = resultOf(
          op.key,
          r,
          { object: s.object, created: true, ...(typeof row?.OwnerId === 'string' ? { OwnerId: row.OwnerId } : {}) },
          this.problemOf(s.object),
        );
        if (row && result.status === 'ok') {
          const { object: _object, ...values } = row;
          result.record = toCrmRecord(s.object, values);
        }
        out.set(op.key, result);
      });
    }
    return out;
  }

  /**
   * Creates by object and assignment header: a Lead whose owner Baton chose goes with
   * `Sforce-Auto-Assign: FALSE` so the org's rule does not override it; one without, as configured.
   */
  private groupCreates(ops: WriteOp[]) {
    const groups = new Map<string, { object: 'Lead' | 'Contact'; headers: Record<string, string>; ops: WriteOp[] }>();
    for (const op of ops) {
      const p = op.placement;
      const object = p?.object ?? 'Lead';
      const auto = object === 'Lead' && !p?.ownerId && this.assignment === 'org' ? 'TRUE' : 'FALSE';
      const g = groups.get(`${object}:${auto}`) ?? { object, headers: { 'Sforce-Auto-Assign': auto }, ops: [] };
      g.ops.push(op);
      groups.set(`${object}:${auto}`, g);
    }
    return [...groups.values()];
  }

  /** The record to create: the Lead's values (as far as the object has them), the routed owner and Account. */
  private record(
    op: WriteOp,
    describe: Awaited<ReturnType<SalesforceClient['describe']>>,
    leaveOut: (field: string) => boolean,
  ): Record<string, unknown> {
    const props = this.withDefaults({ ...op.properties, Email: op.email ?? op.properties.Email });
    const p = op.placement;
    if (p?.ownerId) props.OwnerId = p.ownerId;
    if (p?.object === 'Contact' && p.accountId) props.AccountId = p.accountId;
    return fitToSchema(props, describe, 'create', leaveOut, this.own);
  }
}
