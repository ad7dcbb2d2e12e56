/**
 * Write-back: batch updates (≤ 100 per call) and deal creates, one result per op in order.
 * HubSpot documents partial success (207) for batch create only; one bad value can fail a whole
 * batch update with a 400 that does not say which record, so a refused batch is bisected until the
 * bad record stands alone and only it is dead-lettered. A refusal that is not the record's (a
 * property that does not exist, a missing scope, an option Baton writes from its configuration) is
 * never bisected: the whole batch is `held`. A lifecycle stage that would move backwards
 * is cleared first, since HubSpot ignores a backward move otherwise.
 */
import { CrmError, errorMessage, setupProblemConcerns } from '../../src/platform/errors.ts';
import type { WriteOp, WriteResult } from '../types.ts';
import type { HubSpotApi } from './client.ts';
import { batchErrors, type AssociationSpecAssociationCategoryEnum, type FilterOperatorEnum } from './sdk-types.ts';
import { batchRead, chunk, TYPE_OF, type HubSpotType } from './hydrate.ts';
import { IDEMPOTENCY_PROPERTY } from './properties.ts';
import { setupProblemOf } from './errors.ts';

export const WRITE_BATCH = 100;
const MAX_VALUE = 65_536;
/** deal → contact (HubSpot-defined association type 3). */
const DEAL_TO_CONTACT = 3;
const AUTH_RETRY_MS = 60_000;

export const LIFECYCLE_ORDER = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];

/** HubSpot property values are strings; blanks clear; long text is cut to HubSpot's 65,536 characters. */
export function toHubSpotValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.length > MAX_VALUE ? s.slice(0, MAX_VALUE) : s;
}

/** True when setting `target` over `current` is a backward move HubSpot would ignore. */
export function isBackwardLifecycle(current: string | null | undefined, target: string | null | undefined): boolean {
  if (!current || !target) return false;
  const c = LIFECYCLE_ORDER.indexOf(current);
  const t = LIFECYCLE_ORDER.indexOf(target);
  return c >= 0 && t >= 0 && t < c;
}

interface Input {
  key: string;
  id: string;
  properties: Record<string, string>;
  clearFirst?: string[];
  /** The lifecycle stage Baton knows the contact holds, when it says. */
  currentStage?: string | null;
}

type Outcome = WriteResult extends infer R ? (R extends WriteResult ? Omit<R, 'key'> : never) : never;

/** Says whether HubSpot refused `value` of `property` for every record that gets it (a value from fields.yaml). */
export type ConfiguredValue = (property: string, value: string) => boolean;
const OBJECT_OF: Record<HubSpotType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

/** What a failed call of `type` means for every op in it. */
function outcomeOf(err: unknown, type?: HubSpotType, configured: ConfiguredValue = () => false): Outcome {
  const problem = type ? setupProblemOf(err, OBJECT_OF[type], configured) : null;
  if (problem) return { status: 'held', error: `${problem.message}; ${problem.fix}`, problem };
  if (err instanceof CrmError) {
    if (err.status === 401) return { status: 'retry', error: err.message, retryAfterMs: AUTH_RETRY_MS };
    if (err.retryable) return { status: 'retry', error: err.message, retryAfterMs: err.retryAfterMs };
    return { status: 'dead', error: err.message };
  }
  return { status: 'retry', error: errorMessage(err) };
}

/** A 4xx that one record can cause for the whole batch (not auth, not rate). */
const bisectable = (err: unknown) =>
  err instanceof CrmError &&
  !err.retryable &&
  err.status !== undefined &&
  err.status >= 400 &&
  err.status < 500 &&
  err.status !== 401 &&
  err.status !== 403;

/** Updates `inputs` of one type; splits refused batches to isolate the records HubSpot refuses (never for a setup problem). */
export async function updateIsolating(
  api: HubSpotApi,
  type: HubSpotType,
  inputs: Input[],
  out: Map<string, Outcome>,
  configured: ConfiguredValue = () => false,
): Promise<void> {
  if (!inputs.length) return;
  try {
    const res = await api.call('write', `batch update ${type}`, (sdk) =>
      sdk.crm.objects.batchApi.update(type, { inputs: inputs.map((i) => ({ id: i.id, properties: i.properties })) }),
    );
    const failed = new Map<string, string>();
    for (const e of batchErrors(res))
      for (const id of [...(e.context?.ids ?? []), ...(e.context?.id ?? [])]) failed.set(String(id), e.message);
    for (const i of inputs)
      out.set(
        i.key,
        failed.has(i.id)
          ? { status: 'dead', error: `HubSpot refused ${type} ${i.id}: ${failed.get(i.id)}` }
          : { status: 'ok', properties: i.properties },
      );
  } catch (err) {
    const held = outcomeOf(err, type, configured);
    if (held.status === 'held') {
      for (const i of inputs) out.set(i.key, held);
      return;
    }
    if (bisectable(err) && inputs.length > 1) {
      const mid = Math.ceil(inputs.length / 2);
      await updateIsolating(api, type, inputs.slice(0, mid), out, configured);
      await updateIsolating(api, type, inputs.slice(mid), out, configured);
      return;
    }
    const o = outcomeOf(err);
    for (const i of inputs)
      out.set(
        i.key,
        bisectable(err) ? { status: 'dead', error: `HubSpot refused ${type} ${i.id}: ${(err as Error).message}` } : o,
      );
  }
}

/**
 * Clears first what must be cleared: the op's own `clearFirst`, and (with `detect`) a
 * `lifecyclestage` that would move backwards from the contact's current stage in HubSpot.
 */
async function clearFirst(
  api: HubSpotApi,
  inputs: Input[],
  out: Map<string, Outcome>,
  detect: boolean,
  configured: ConfiguredValue,
): Promise<Input[]> {
  const clears = new Map<string, string[]>();
  for (const i of inputs) if (i.clearFirst?.length) clears.set(i.key, i.clearFirst);
  const open = inputs.filter((i) => i.properties.lifecyclestage && i.clearFirst === undefined);
  // the stage Baton knows decides without a read; only the rest are read (with `detect`)
  for (const i of open)
    if (i.currentStage !== undefined && isBackwardLifecycle(i.currentStage, i.properties.lifecyclestage))
      clears.set(i.key, ['lifecyclestage']);
  const unknown = detect ? open.filter((i) => i.currentStage === undefined) : [];
  if (unknown.length) {
    const current = await batchRead(
      api,
      'contacts',
      unknown.map((i) => i.id),
      ['lifecyclestage'],
    );
    for (const i of unknown)
      if (isBackwardLifecycle(current.get(i.id)?.properties.lifecyclestage, i.properties.lifecyclestage))
        clears.set(i.key, ['lifecyclestage']);
  }
  if (!clears.size) return inputs;
  const cleared = new Map<string, Outcome>();
  const clearing = inputs
    .filter((i) => clears.has(i.key))
    .map((i) => ({ key: i.key, id: i.id, properties: Object.fromEntries(clears.get(i.key)!.map((p) => [p, ''])) }));
  for (const part of chunk(clearing, WRITE_BATCH)) await updateIsolating(api, 'contacts', part, cleared, configured);
  for (const [key, o] of cleared) if (o.status !== 'ok') out.set(key, o);
  return inputs.filter((i) => !out.has(i.key));
}

/** Creates records (deals for `create_in_hubspot`); an idempotency key already in HubSpot is reported ok with its id. */
async function createAll(
  api: HubSpotApi,
  type: HubSpotType,
  ops: WriteOp[],
  out: Map<string, Outcome>,
  idempotent: boolean,
  configured: ConfiguredValue,
): Promise<void> {
  let todo = ops;
  if (idempotent) {
    const existing = new Map<string, string>();
    for (const part of chunk(ops, 100)) {
      const res = await api.call('search', `search ${type} by idempotency key`, (sdk) =>
        sdk.crm.objects.searchApi.doSearch(type, {
          filterGroups: [
            {
              filters: [
                {
                  propertyName: IDEMPOTENCY_PROPERTY,
                  operator: 'IN' as FilterOperatorEnum,
                  values: part.map((o) => o.idempotencyKey),
                },
              ],
            },
          ],
          properties: [IDEMPOTENCY_PROPERTY],
          limit: 100,
        }),
      );
      for (const r of res.results)
        if (r.properties[IDEMPOTENCY_PROPERTY]) existing.set(r.properties[IDEMPOTENCY_PROPERTY]!, String(r.id));
    }
    for (const op of ops)
      if (existing.has(op.idempotencyKey)) out.set(op.key, { status: 'ok', id: existing.get(op.idempotencyKey) });
    todo = ops.filter((o) => !existing.has(o.idempotencyKey));
  }
  for (const part of chunk(todo, WRITE_BATCH)) {
    const inputs = part.map((op) => ({
      properties: {
        ...Object.fromEntries(Object.entries(op.properties).map(([k, v]) => [k, toHubSpotValue(v)])),
        ...(idempotent ? { [IDEMPOTENCY_PROPERTY]: op.idempotencyKey } : {}),
      },
      objectWriteTraceId: op.idempotencyKey,
      associations:
        type === 'deals'
          ? (op.associations?.contacts ?? []).map((id) => ({
              to: { id },
              types: [
                {
                  associationCategory: 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum,
                  associationTypeId: DEAL_TO_CONTACT,
                },
              ],
            }))
          : [],
    }));
    try {
      const res = await api.call('write', `batch create ${type}`, (sdk) =>
        sdk.crm.objects.batchApi.create(type, { inputs }),
      );
      const byKey = new Map<string | null | undefined, string>();
      for (const r of res.results ?? [])
        byKey.set(r.objectWriteTraceId ?? r.properties?.[IDEMPOTENCY_PROPERTY], String(r.id));
      part.forEach((op, i) => {
        const id =
          byKey.get(op.idempotencyKey) ?? (res.results?.length === part.length ? String(res.results[i].id) : undefined);
        out.set(
          op.key,
          id
            ? { status: 'ok', id }
            : {
                status: 'dead',
                error: `HubSpot did not create ${type} for ${op.key}: ${batchErrors(res)[0]?.message ?? 'no result'}`,
              },
        );
      });
    } catch (err) {
      const o = outcomeOf(err, type, configured);
      for (const op of part) out.set(op.key, o);
    }
  }
}

/** Writes `ops`; one result per op, in order. `idempotentCreates` when the idempotency property exists; `detectBackwardLifecycle` reads the current stage when an op does not say `clearFirst`. */
export async function writeOps(
  api: HubSpotApi,
  ops: WriteOp[],
  opts: { idempotentCreates: boolean; detectBackwardLifecycle: boolean; configured?: ConfiguredValue },
): Promise<WriteResult[]> {
  const configured = opts.configured ?? (() => false);
  const out = new Map<string, Outcome>();
  const byType = new Map<HubSpotType, { updates: Input[]; creates: WriteOp[] }>();
  for (const op of ops) {
    const type = TYPE_OF[op.object];
    if (!type) {
      out.set(op.key, { status: 'dead', error: `HubSpot has no object ${op.object} (${op.key})` });
      continue;
    }
    const slot = byType.get(type) ?? { updates: [], creates: [] };
    byType.set(type, slot);
    if (op.id && op.action !== 'create')
      slot.updates.push({
        key: op.key,
        id: op.id,
        properties: Object.fromEntries(Object.entries(op.properties).map(([k, v]) => [k, toHubSpotValue(v)])),
        clearFirst: op.clearFirst,
        ...(op.current && Object.hasOwn(op.current, 'lifecyclestage')
          ? { currentStage: (op.current.lifecyclestage as string | null) ?? null }
          : {}),
      });
    else slot.creates.push(op);
  }
  for (const [type, { updates, creates }] of byType) {
    let ready = updates;
    if (type === 'contacts') {
      try {
        ready = await clearFirst(api, updates, out, opts.detectBackwardLifecycle, configured);
      } catch (err) {
        const o = outcomeOf(err, type, configured);
        for (const i of updates) out.set(i.key, o);
        ready = [];
      }
    }
    // A batch held for a setup problem holds the later batches it concerns too, without a call.
    const held: Extract<Outcome, { status: 'held' }>[] = [];
    for (const part of chunk(ready, WRITE_BATCH)) {
      const send = part.filter((i) => {
        const h = held.find((o) => setupProblemConcerns(o.problem, OBJECT_OF[type], i.properties));
        if (h) out.set(i.key, h);
        return !h;
      });
      await updateIsolating(api, type, send, out, configured);
      for (const i of send) {
        const o = out.get(i.key);
        if (o?.status === 'held' && !held.includes(o)) held.push(o);
      }
    }
    if (creates.length)
      await createAll(api, type, creates, out, opts.idempotentCreates && type === 'deals', configured);
  }
  return ops.map(
    (op) => ({ key: op.key, ...(out.get(op.key) ?? { status: 'retry', error: 'not attempted' }) }) as WriteResult,
  );
}
