/**
 * Follow-up Tasks. Each carries a marker with the op's idempotency key in its Description, and
 * Baton looks for the marker before every attempt, so a Task is created once however often the
 * outbox retries. The owner is the record's owner read from Salesforce now — after the Lead's
 * creation and assignment — never the integration user; an escalation may name another OwnerId.
 */
import type { WriteOp, WriteResult } from '../types.ts';
import type { SalesforceClient } from './client.ts';
import { objectOfId } from './fields.ts';
import {
  collectionSub,
  compositeRunner,
  querySub,
  rowsOf,
  saveResultsOf,
  type CompositeRunner,
  type Subrequest,
} from './composite.ts';
import { takeFresh } from './fresh.ts';
import {
  type UpdateRecord,
  collectionResults,
  chunks,
  failureResult,
  inRounds,
  isLockError,
  mayRetry,
  resultOf,
  saveWithLockRetry,
  type SaveResult,
} from './save.ts';
import { chunkForIn, inList } from './soql.ts';
import { saveProblemOf } from './errors.ts';

/** A Task save refused for a field the org lacks or Baton may not write is a setup problem. */
const taskProblem = (errors: { statusCode: string; message: string; fields?: string[] }[]) =>
  saveProblemOf(errors, 'Task');

/** The text that marks a Task as made for one idempotency key. */
export const taskMarker = (key: string) => `[baton:${key}]`;

export class TaskWriter {
  private client: SalesforceClient;
  private attempts: number;
  constructor(client: SalesforceClient, attempts = 4) {
    this.client = client;
    this.attempts = attempts;
  }

  /** Tasks already made for these ops, by op key (Description is long text, so it is matched here, not in SOQL). */
  private async existing(ops: WriteOp[], descriptions?: Map<string, string>): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const whoIds = [...new Set(ops.map((o) => String(o.properties.WhoId)))];
    for (const ids of chunkForIn(whoIds)) {
      const rows = await this.client.queryAll(
        `SELECT Id, WhoId, OwnerId, Description FROM Task WHERE ${inList('WhoId', ids)}`,
        'find Tasks',
      );
      for (const op of ops) {
        const hit = rows.find(
          (r) =>
            r.WhoId === op.properties.WhoId &&
            typeof r.Description === 'string' &&
            r.Description.includes(taskMarker(op.idempotencyKey)),
        );
        if (hit) {
          found.set(op.key, String(hit.Id));
          descriptions?.set(op.key, String(hit.Description));
        }
      }
    }
    return found;
  }

  /** Tasks already made for `check` and the current owners of `whoIds`, in one composite call when they fit. */
  private async lookups(
    check: WriteOp[],
    whoIds: string[],
    run: CompositeRunner,
  ): Promise<{ done: Map<string, string>; owners: Map<string, string> }> {
    const subs: Subrequest[] = [];
    const taskParts = chunkForIn([...new Set(check.map((o) => String(o.properties.WhoId)))]);
    taskParts.forEach((ids, i) =>
      subs.push(
        querySub(
          this.client,
          `SELECT Id, WhoId, OwnerId, Description FROM Task WHERE ${inList('WhoId', ids)}`,
          `tasks${i}`,
        ),
      ),
    );
    const ownerRefs: string[] = [];
    for (const [obj, ids] of this.byObject(whoIds)) {
      for (const part of chunkForIn(ids)) {
        ownerRefs.push(`owners${ownerRefs.length}`);
        subs.push(
          querySub(this.client, `SELECT Id, OwnerId FROM ${obj} WHERE ${inList('Id', part)}`, ownerRefs.at(-1)!),
        );
      }
    }
    const done = new Map<string, string>();
    const owners = new Map<string, string>();
    if (!subs.length) return { done, owners };
    const res = await run(subs, 'find Tasks and owners');
    const rows: Record<string, unknown>[] = [];
    for (const [i] of taskParts.entries())
      rows.push(...(await rowsOf(this.client, res.get(`tasks${i}`), 'find Tasks')));
    for (const op of check) {
      const hit = rows.find(
        (r) =>
          r.WhoId === op.properties.WhoId &&
          typeof r.Description === 'string' &&
          r.Description.includes(taskMarker(op.idempotencyKey)),
      );
      if (hit) done.set(op.key, String(hit.Id));
    }
    for (const ref of ownerRefs)
      for (const r of await rowsOf(this.client, res.get(ref), 'read owners'))
        owners.set(String(r.Id), String(r.OwnerId));
    return { done, owners };
  }

  private byObject(whoIds: string[]): Map<string, string[]> {
    const byObject = new Map<string, string[]>();
    for (const id of new Set(whoIds)) {
      const obj = objectOfId(id);
      if (obj === 'Lead' || obj === 'Contact') byObject.set(obj, [...(byObject.get(obj) ?? []), id]);
    }
    return byObject;
  }

  /** Current owners of the Leads/Contacts the Tasks are for. */
  async ownersOf(whoIds: string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    const byObject = new Map<string, string[]>();
    for (const id of whoIds) {
      const obj = objectOfId(id);
      if (obj === 'Lead' || obj === 'Contact') byObject.set(obj, [...(byObject.get(obj) ?? []), id]);
    }
    for (const [obj, ids] of byObject) {
      for (const part of chunkForIn(ids)) {
        for (const r of await this.client.queryAll(
          `SELECT Id, OwnerId FROM ${obj} WHERE ${inList('Id', part)}`,
          `read ${obj} owners`,
        ))
          owners.set(String(r.Id), String(r.OwnerId));
      }
    }
    return owners;
  }

  async create(ops: WriteOp[], run: CompositeRunner = compositeRunner(this.client)): Promise<Map<string, WriteResult>> {
    const out = new Map<string, WriteResult>();
    const valid = ops.filter((op) => {
      if (typeof op.properties.WhoId !== 'string' || !op.properties.WhoId)
        out.set(op.key, { key: op.key, status: 'dead', error: 'a Task needs WhoId (the Lead or Contact it is for)' });
      return typeof op.properties.WhoId === 'string' && !!op.properties.WhoId;
    });
    const { left, error } = await inRounds(
      valid,
      async (pending, attempt) => {
        // A Lead this connector just created has no Task of ours yet, so its first Task skips the check.
        const unchecked =
          attempt === 1
            ? new Set(
                pending
                  .filter((o) => o.attempts === 0 && takeFresh(this.client, String(o.properties.WhoId)))
                  .map((o) => o.key),
              )
            : new Set<string>();
        const { done, owners } = await this.lookups(
          pending.filter((o) => !unchecked.has(o.key)),
          pending.filter((o) => !o.properties.OwnerId).map((o) => String(o.properties.WhoId)),
          run,
        );
        const toCreate: { op: WriteOp; rec: Record<string, unknown> }[] = [];
        for (const op of pending) {
          const id = done.get(op.key);
          if (id) {
            out.set(op.key, { key: op.key, status: 'ok', id, properties: { existing: true } });
            continue;
          }
          const owner = (op.properties.OwnerId as string | undefined) ?? owners.get(String(op.properties.WhoId));
          if (!owner) {
            out.set(op.key, {
              key: op.key,
              status: 'dead',
              error: `no Lead or Contact ${String(op.properties.WhoId)} to give the Task to`,
            });
            continue;
          }
          if (owner.startsWith('00G')) {
            out.set(op.key, {
              key: op.key,
              status: 'retry',
              error: `${String(op.properties.WhoId)} is still owned by a queue; a Task needs a user`,
              retryAfterMs: 15 * 60_000,
            });
            continue;
          }
          const { Description, ...rest } = op.properties;
          // the marker goes first so no length cut can drop it
          const description = `${taskMarker(op.idempotencyKey)}${typeof Description === 'string' && Description ? `\n\n${Description}` : ''}`;
          toCreate.push({ op, rec: { Status: 'Not Started', ...rest, OwnerId: owner, Description: description } });
        }
        try {
          await this.sendTasks(toCreate, out, run);
          return { again: [] };
        } catch (err) {
          if (mayRetry(err)) return { again: toCreate.map((p) => p.op), error: err };
          for (const p of toCreate) out.set(p.op.key, failureResult(p.op.key, err));
          return { again: [] };
        }
      },
      { attempts: this.attempts },
    );
    for (const op of left) out.set(op.key, failureResult(op.key, error));
    return out;
  }

  /** Creates the Tasks (one composite call of collections; records Salesforce could not lock again on their own); throws when the call fails as a whole. */
  private async sendTasks(
    toCreate: { op: WriteOp; rec: Record<string, unknown> }[],
    out: Map<string, WriteResult>,
    run: CompositeRunner,
  ): Promise<void> {
    const parts = chunks(toCreate);
    if (!parts.length) return;
    const res = await run(
      parts.map((part, i) =>
        collectionSub(
          this.client,
          'POST',
          'Task',
          part.map((p) => p.rec),
          `tasks${i}`,
        ),
      ),
      'create Tasks',
      { retry: false },
    );
    for (const [i, part] of parts.entries()) {
      let results: SaveResult[];
      try {
        results = saveResultsOf(res.get(`tasks${i}`), 'create Task');
      } catch (err) {
        for (const p of part) out.set(p.op.key, failureResult(p.op.key, err));
        continue;
      }
      const locked = part.map((_, j) => j).filter((j) => isLockError(results[j] ?? { success: false, errors: [] }));
      if (locked.length) {
        const again = await saveWithLockRetry(
          locked.map((j) => part[j].rec),
          (batch) =>
            this.client.call(
              'create Task',
              async (c) => collectionResults(await c.sobject('Task').create(batch, { allOrNone: false })),
              { retry: false },
            ),
        );
        locked.forEach((idx, j) => (results[idx] = again[j]));
      }
      part.forEach((p, j) =>
        out.set(
          p.op.key,
          resultOf(
            p.op.key,
            results[j] ?? {
              success: false,
              errors: [{ statusCode: 'NO_RESULT', message: 'Salesforce returned no result for this record' }],
            },
            { OwnerId: p.rec.OwnerId },
            taskProblem,
          ),
        ),
      );
    }
  }

  /**
   * Updates Tasks Baton made (e.g. `Status: Completed` when an SLA breach reassigns the person):
   * each op names the Task by `id`, or by `properties.WhoId` and `properties.$task` (the idempotency
   * key the Task was created with). `properties.$comment` is added to the Task's comments
   * (Description), keeping Baton's marker. A Task that is gone or never made is nothing to update: ok.
   */
  async update(ops: WriteOp[]): Promise<Map<string, WriteResult>> {
    const out = new Map<string, WriteResult>();
    const byMarker = ops.filter((op) => !op.id);
    let found: Map<string, string>;
    const descriptions = new Map<string, string>();
    try {
      found = await this.existing(
        byMarker.map((op) => ({ ...op, idempotencyKey: String(op.properties.$task ?? '') })),
        descriptions,
      );
    } catch (err) {
      for (const op of ops) out.set(op.key, failureResult(op.key, err));
      return out;
    }
    const recs: { op: WriteOp; rec: UpdateRecord }[] = [];
    for (const op of ops) {
      const id = op.id ?? found.get(op.key);
      if (!id) {
        out.set(op.key, { key: op.key, status: 'ok', properties: { missing: true } });
        continue;
      }
      const { $task: _task, WhoId: _who, $comment: comment, ...rest } = op.properties;
      const current = descriptions.get(op.key);
      if (typeof comment === 'string' && current !== undefined && current.includes(comment)) {
        out.set(op.key, { key: op.key, status: 'ok', id, properties: { existing: true } });
        continue;
      }
      if (typeof comment === 'string') rest.Description = current ? `${current}\n\n${comment}` : comment;
      recs.push({ op, rec: { Id: id, ...rest } });
    }
    for (const part of chunks(recs)) {
      try {
        const results = await saveWithLockRetry(
          part.map((p) => p.rec),
          (batch) =>
            this.client.call('update Task', async (c) =>
              collectionResults(await c.sobject('Task').update(batch, { allOrNone: false })),
            ),
        );
        part.forEach((p, i) => out.set(p.op.key, resultOf(p.op.key, results[i], {}, taskProblem)));
      } catch (err) {
        for (const p of part) out.set(p.op.key, failureResult(p.op.key, err));
      }
    }
    return out;
  }
}
