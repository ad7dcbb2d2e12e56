/**
 * Every key of the store's key-value table (`getValue`/`setValue`) in one place: how its name is
 * built and the type of the value it holds, with a reader that narrows the stored JSON to that type.
 * A stored value of another shape reads as absent, so no caller casts what it reads.
 */
import type { RotationState } from '../routing/round-robin.ts';
import type { SentAlert } from '../alerts/types.ts';
import type { Crm, Store } from './types.ts';

/** One key-value entry: its name and the reader of what it holds. */
export interface KvKey<T> {
  readonly name: string;
  readonly read: (v: unknown) => T | undefined;
}

/** What one CRM record holds as far as Baton knows: its values by CRM field name, and since when. */
export interface RecordSnapshot {
  at: string;
  props: Record<string, unknown>;
}

/** A Salesforce user's name and email (null when the id is no user, e.g. a queue). */
export interface CachedUser {
  name: string | null;
  email: string | null;
}

/** When a person's MQL Task (outbox key `key`) was created. */
export interface TaskCreated {
  key: string;
  at: string;
}

type KvStore = Pick<Store, 'getValue' | 'setValue'>;

/** The value under `key`, or `undefined` when unset (or not of the key's shape). */
export async function getKv<T>(store: KvStore, key: KvKey<T>): Promise<T | undefined> {
  return key.read(await store.getValue(key.name));
}

/** Stores `value` under `key`; `undefined` deletes it. */
export async function setKv<T>(store: KvStore, key: KvKey<T>, value: T | undefined): Promise<void> {
  await store.setValue(key.name, value);
}

// readers: plain checks, cheap enough for the hot snapshot reads
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const asObject = (v: unknown): Record<string, unknown> | undefined => (isObject(v) ? v : undefined);
const nullableString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function recordOf<T>(isValue: (x: unknown) => x is T): (v: unknown) => Record<string, T> | undefined {
  return (v) => {
    if (!isObject(v)) return undefined;
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) if (isValue(x)) out[k] = x;
    return out;
  };
}
const isString = (x: unknown): x is string => typeof x === 'string';
const isNumber = (x: unknown): x is number => typeof x === 'number';
const stringRecord = recordOf(isString);
const numberRecord = recordOf(isNumber);

function asSnapshot(v: unknown): RecordSnapshot | undefined {
  if (!isObject(v) || typeof v.at !== 'string') return undefined;
  return { at: v.at, props: asObject(v.props) ?? {} };
}

function asUser(v: unknown): CachedUser | undefined {
  return isObject(v) ? { name: nullableString(v.name), email: nullableString(v.email) } : undefined;
}

/** Salesforce Campaign costs by name, and when they were read. */
export interface CampaignCosts {
  at: string;
  costs: Record<string, number>;
}

function asCampaignCosts(v: unknown): CampaignCosts | undefined {
  return isObject(v) && typeof v.at === 'string' ? { at: v.at, costs: numberRecord(v.costs) ?? {} } : undefined;
}

function asTaskCreated(v: unknown): TaskCreated | undefined {
  return isObject(v) && typeof v.key === 'string' && typeof v.at === 'string' ? { key: v.key, at: v.at } : undefined;
}

const ALERT_VIA = new Set(['slack', 'email']);
function asSentAlerts(v: unknown): SentAlert[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter(
    (a): a is SentAlert =>
      isObject(a) &&
      typeof a.event === 'string' &&
      typeof a.to === 'string' &&
      typeof a.at === 'string' &&
      typeof a.subject === 'string' &&
      typeof a.role === 'string' &&
      ALERT_VIA.has(String(a.via)),
  );
}

/**
 * The re-score of every person under the version that went live last: which version (number and
 * text hash), the people stored at its start (`total`, and the highest id, `maxId`: the walk ends
 * there) and when it started. Its progress is kept apart, under the hash (`RescoreWalk`), so a walk
 * that saves its cursor never overwrites the job of a newer version.
 */
export interface RescoreJob {
  version: number;
  hash: string;
  total: number;
  maxId: number;
  startedAt: string;
}

/** How far the walk of one re-score got: the last person id done, how many, and when it finished (null while it runs). */
export interface RescoreWalk {
  afterId: number;
  done: number;
  finishedAt: string | null;
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
function asRescoreJob(v: unknown): RescoreJob | undefined {
  if (!isObject(v)) return undefined;
  const { version, hash, total, maxId, startedAt } = v;
  if (![version, total, maxId].every(isCount) || typeof hash !== 'string' || typeof startedAt !== 'string')
    return undefined;
  return { version, hash, total, maxId, startedAt } as RescoreJob;
}

function asRescoreWalk(v: unknown): RescoreWalk | undefined {
  if (!isObject(v) || !isCount(v.afterId) || !isCount(v.done)) return undefined;
  if (v.finishedAt !== null && typeof v.finishedAt !== 'string') return undefined;
  return { afterId: v.afterId, done: v.done, finishedAt: v.finishedAt };
}

const key = <T>(name: string, read: (v: unknown) => T | undefined): KvKey<T> => ({ name, read });

/** The registry: one function per key (or key family), named by what it holds. */
export const kv = {
  /** What a CRM record holds as far as Baton knows (reads and own writes). */
  snapshot: (crm: Crm, object: string, id: string) => key(`snapshot:${crm}:${object}:${id}`, asSnapshot),
  /** When the daily re-evaluation last finished (ISO time). */
  dailyLastRun: () => key('daily-reevaluation:last', asString),
  /** The deal row key a HubSpot deal Baton created for an Opportunity is linked to. */
  dealLink: (hubspotId: string) => key(`deal-link:hubspot:${hubspotId}`, asString),
  /** The rendered `writeback.hubspot.deal` values of a deal (the attribution summary). */
  dealWriteback: (dealKey: string) => key(`deal-writeback:${dealKey}`, asObject),
  /** Salesforce Campaign names by Campaign id, as far as Baton has read them. */
  campaignNames: () => key('campaign-names:salesforce', stringRecord),
  /** Salesforce Campaign ids by name (read by attribution; nothing in Baton writes it yet). */
  campaignIds: () => key('campaigns:salesforce', stringRecord),
  /** Salesforce `Campaign.ActualCost` by Campaign name (ROI), and when it was read. */
  campaignCosts: () => key('campaign-costs:salesforce', asCampaignCosts),
  /** A Salesforce user's name and email by id. */
  salesforceUser: (id: string) => key(`salesforce:user:${id}`, asUser),
  /** HubSpot owner ids by lower-cased email. */
  hubspotOwners: () => key('hubspot:owners', stringRecord),
  /** A routing rule's round-robin credits. */
  rotation: (rule: string): KvKey<RotationState> => key(`routing:rotation:${rule}`, numberRecord),
  /** How many people each user was assigned on a day (caps). */
  assignedOn: (day: string) => key(`routing:assigned:${day}`, numberRecord),
  /** When the SLA reminder of a person's clock (started at `startedAt`) was sent. */
  slaReminded: (personId: number, startedAt: string) => key(`sla:reminded:${personId}:${startedAt}`, asString),
  /** The re-score of every person under the version that went live last (`pipeline/person/rescore.ts`). */
  rescore: () => key('agreement:rescore', asRescoreJob),
  /** How far the walk of the re-score of the agreement text with this hash got. */
  rescoreWalk: (hash: string) => key(`agreement:rescore:${hash}`, asRescoreWalk),
  /** When a person's MQL Task was created (the end of Baton's own delay). */
  taskCreated: (personId: number) => key(`sla:task-created:${personId}`, asTaskCreated),
  /** A person's Salesforce owner as the escalation lookup last found it. */
  owner: (personId: number) => key(`owner:${personId}`, asString),
  /** The alerts sent about a person (newest last, the latest 50), for its history and `GET /api/people/:key`. */
  alertsSent: (personId: number) => key(`alerts:sent:${personId}`, asSentAlerts),
  /**
   * When the first unfinished attempt of a Slack alert (outbox key) started: set before the call,
   * removed when the row completes. Found on a later attempt, Slack may have the message already.
   */
  alertAttempt: (outboxKey: string) => key(`alerts:attempt:${outboxKey}`, asString),
  /** A Salesforce owner's manager (the owner itself when none). */
  manager: (ownerId: string) => key(`manager:${ownerId}`, asString),
} as const;
