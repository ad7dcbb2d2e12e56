/**
 * The JSON the store keeps for the pipeline, each kind with its type and its one reader: a person's
 * agreement state (`people.state`), the payload of a CRM write (`outbox.payload` of `hubspot` and
 * `salesforce` rows) and of an alert (`slack`, `email` rows). A stored value of another shape is a
 * `stored_invalid` error naming the row and the field, never a value of the wrong type: a person's
 * work fails with it (and dead-letters like any failed work), an outbox row is dead-lettered with it.
 * Plain checks, no schema library: the person state is read on every person update.
 */
import { CRM_OBJECTS, type CrmObject, type Placement, type WriteOp } from '../../connectors/types.ts';
import type { PersonState, SlaState } from '../agreement/types.ts';
import { ALERT_EVENTS, ALERT_RECIPIENTS } from '../config/alerts-schema.ts';
import { STAGES } from '../config/schema.ts';
import type { AlertMessage, AlertPayload } from '../alerts/types.ts';
import { BatonError } from '../platform/errors.ts';
import type { OutboxRow } from './types.ts';

/** The payload stored in an outbox row of a CRM: everything needed to build the `WriteOp`. */
export interface OutboxPayload {
  object: CrmObject;
  id?: string;
  action: WriteOp['action'];
  properties: Record<string, unknown>;
  email?: string;
  /** What the record holds now as far as Baton knows (e.g. `lifecyclestage`), so the connector need not read it first. */
  current?: Record<string, unknown>;
  /** Properties to clear before setting them (HubSpot lifecycle stage moving backward). */
  clearFirst?: string[];
  /** Records a create is associated with (HubSpot deal → `contacts`). */
  associations?: Partial<Record<string, string[]>>;
  /** What the write is for, e.g. `person`, `task`, `escalation`, `deal`, `influence`. */
  purpose?: string;
  /** A person create's placement: the routing decided in the person stage (owner, Lead or Contact on an Account). */
  placement?: Placement;
}

/** An outbox row of a CRM with its payload read. */
export type WriteRow = OutboxRow<OutboxPayload>;

/** The row of a CRM write with its payload read (`stored_invalid` when unreadable). */
export function readWriteRow(row: OutboxRow): WriteRow {
  return { ...row, payload: readOutboxPayload(row) };
}

/** Where a stored value came from, for the error: `person 7: state` or `outbox row 12 (hubspot:contact:5101): payload`. */
type Where = string;

/** Collects what is wrong with a value, by path. */
class Problems {
  readonly list: string[] = [];
  add(path: string, expected: string, got: unknown): false {
    this.list.push(`${path}: expected ${expected}, got ${describe(got)}`);
    return false;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return typeof v;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function oneOf<T extends string>(list: readonly T[]): (v: unknown) => v is T {
  const set = new Set<unknown>(list);
  return (v): v is T => set.has(v);
}
const isStage = oneOf(STAGES);
const isCrmObject = oneOf(CRM_OBJECTS);
const isAction = oneOf<WriteOp['action']>(['update', 'create', 'upsert']);
const isAlertEvent = oneOf(ALERT_EVENTS);
const isRecipient = oneOf(ALERT_RECIPIENTS);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** `o[key]` is absent or a string. */
function optString(o: Record<string, unknown>, key: string, path: string, why: Problems): boolean {
  const v = o[key];
  return v === undefined || typeof v === 'string' || why.add(`${path}.${key}`, 'a string', v);
}

function optObject(o: Record<string, unknown>, key: string, path: string, why: Problems): boolean {
  const v = o[key];
  return v === undefined || isObject(v) || why.add(`${path}.${key}`, 'an object', v);
}

function isSlaState(v: unknown, path: string, why: Problems): v is SlaState {
  if (!isObject(v)) return why.add(path, 'an object', v);
  const strings = ['startedAt', 'due'].every(
    (k) => typeof v[k] === 'string' || why.add(`${path}.${k}`, 'a time', v[k]),
  );
  const optional = ['answeredAt', 'remindAt', 'stoppedAt'].every((k) => optString(v, k, path, why));
  const breached = typeof v.breached === 'boolean' || why.add(`${path}.breached`, 'true or false', v.breached);
  const tier = v.tier === undefined || typeof v.tier === 'number' || why.add(`${path}.tier`, 'a number', v.tier);
  return strings && optional && breached && tier;
}

function isPersonState(
  v: Record<string, unknown>,
  path: string,
  why: Problems,
): v is Record<string, unknown> & PersonState {
  const stage = isStage(v.stage) || why.add(`${path}.stage`, `one of ${STAGES.join(', ')}`, v.stage);
  const entered = isObject(v.entered)
    ? Object.entries(v.entered).every(
        ([k, t]) =>
          (isStage(k) || why.add(`${path}.entered`, 'stages as keys', k)) &&
          (typeof t === 'string' || why.add(`${path}.entered.${k}`, 'a time', t)),
      )
    : why.add(`${path}.entered`, 'an object', v.entered);
  const strings = ['holdUntil', 'resetAt', 'disqualifiedBy', 'rejectReason', 'reason', 'movedAt'].every((k) =>
    optString(v, k, path, why),
  );
  const sla = v.sla === undefined || isSlaState(v.sla, `${path}.sla`, why);
  return stage && entered && strings && sla;
}

function invalid(where: Where, why: Problems): BatonError {
  return new BatonError('stored_invalid', `${where} is not readable: ${why.list.join('; ')}`, {
    details: { problems: why.list },
  });
}

/**
 * A person's stored agreement state, or null for one never evaluated (stored as `{}` or null).
 * Throws `stored_invalid` naming the person and the field when it is of another shape.
 */
export function readPersonState(v: unknown, personId: number): PersonState | null {
  if (v === null || v === undefined) return null;
  const why = new Problems();
  const path = 'state';
  if (!isObject(v)) why.add(path, 'an object', v);
  else if (Object.keys(v).length === 0) return null;
  else if (isPersonState(v, path, why)) return v;
  throw invalid(`person ${personId}: stored ${path}`, why);
}

/** The row an outbox payload is read from, for the error. */
interface PayloadRow {
  id: number;
  key: string;
  payload: unknown;
}

function isPlacement(v: unknown, path: string, why: Problems): v is Placement {
  if (!isObject(v)) return why.add(path, 'an object', v);
  const object =
    v.object === undefined ||
    v.object === 'Lead' ||
    v.object === 'Contact' ||
    why.add(`${path}.object`, 'Lead or Contact', v.object);
  return object && optString(v, 'ownerId', path, why) && optString(v, 'accountId', path, why);
}

function isOutboxPayload(v: Record<string, unknown>, why: Problems): v is Record<string, unknown> & OutboxPayload {
  const path = 'payload';
  const object = isCrmObject(v.object) || why.add(`${path}.object`, 'a CRM object', v.object);
  const action = isAction(v.action) || why.add(`${path}.action`, 'update, create or upsert', v.action);
  const properties = isObject(v.properties) || why.add(`${path}.properties`, 'an object', v.properties);
  const strings = ['id', 'email', 'purpose'].every((k) => optString(v, k, path, why));
  const current = optObject(v, 'current', path, why);
  const clearFirst =
    v.clearFirst === undefined ||
    isStringArray(v.clearFirst) ||
    why.add(`${path}.clearFirst`, 'a list of names', v.clearFirst);
  const associations =
    v.associations === undefined ||
    (isObject(v.associations) &&
      Object.values(v.associations).every((ids) => ids === undefined || isStringArray(ids))) ||
    why.add(`${path}.associations`, 'lists of ids by object', v.associations);
  const placement = v.placement === undefined || isPlacement(v.placement, `${path}.placement`, why);
  return object && action && properties && strings && current && clearFirst && associations && placement;
}

/** The payload of a CRM's outbox row; throws `stored_invalid` naming the row and the field when it is of another shape. */
export function readOutboxPayload(row: PayloadRow): OutboxPayload {
  const why = new Problems();
  const v = row.payload;
  if (!isObject(v)) why.add('payload', 'an object', v);
  else if (isOutboxPayload(v, why)) return v;
  throw invalid(`outbox row ${row.id} (${row.key})`, why);
}

function isAlertMessage(v: unknown, path: string, why: Problems): v is AlertMessage {
  if (!isObject(v)) return why.add(path, 'an object', v);
  const subject = typeof v.subject === 'string' || why.add(`${path}.subject`, 'a string', v.subject);
  const lines = ['body', 'why'].every((k) => isStringArray(v[k]) || why.add(`${path}.${k}`, 'a list of lines', v[k]));
  const deadline =
    v.deadline === null || typeof v.deadline === 'string' || why.add(`${path}.deadline`, 'a time or null', v.deadline);
  const links =
    (Array.isArray(v.links) &&
      v.links.every((l) => isObject(l) && typeof l.label === 'string' && typeof l.url === 'string')) ||
    why.add(`${path}.links`, 'a list of { label, url }', v.links);
  return subject && lines && deadline && links && optString(v, 'note', path, why);
}

function isAlertPayload(v: Record<string, unknown>, why: Problems): v is Record<string, unknown> & AlertPayload {
  const path = 'payload';
  const purpose = v.purpose === 'alert' || why.add(`${path}.purpose`, '"alert"', v.purpose);
  const event = isAlertEvent(v.event) || why.add(`${path}.event`, `one of ${ALERT_EVENTS.join(', ')}`, v.event);
  const role = isRecipient(v.role) || why.add(`${path}.role`, `one of ${ALERT_RECIPIENTS.join(', ')}`, v.role);
  const strings = ['email', 'channel'].every((k) => optString(v, k, path, why));
  const fallback =
    v.fallbackFrom === undefined ||
    v.fallbackFrom === 'slack' ||
    why.add(`${path}.fallbackFrom`, '"slack"', v.fallbackFrom);
  const message = isAlertMessage(v.message, `${path}.message`, why);
  return purpose && event && role && strings && fallback && message;
}

/** The payload of an alert's outbox row (`slack`, `email`); throws `stored_invalid` naming the row and the field when it is of another shape. */
export function readAlertPayload(row: PayloadRow): AlertPayload {
  const why = new Problems();
  const v = row.payload;
  if (!isObject(v)) why.add('payload', 'an object', v);
  else if (isAlertPayload(v, why)) return v;
  throw invalid(`outbox row ${row.id} (${row.key})`, why);
}
