/**
 * The one `Store` interface. SQLite (embedded) and PostgreSQL (several instances) implement it with
 * one query code path; one contract test suite runs on both. All times are ISO 8601 strings (UTC).
 */
import type { PersonState } from '../agreement/types.ts';
import type { Stage } from '../config/schema.ts';

export type Source = 'hubspot' | 'salesforce' | 'api';
export type Crm = 'hubspot' | 'salesforce';
/** Where an outbox row goes: a CRM, or an alert channel (`alerts.yaml`). The column is text, so no migration. */
export type OutboxChannel = Crm | 'slack' | 'email';

export interface InboxRow {
  id: number;
  source: Source;
  dedupKey: string;
  body: unknown;
  receivedAt: string;
  attempts: number;
}

export interface PersonRow {
  id: number;
  /** Normalized email (lower-cased, trimmed); the person's key. */
  email: string;
  hubspotId: string | null;
  salesforceId: string | null;
  /** `Lead` or `Contact`. */
  salesforceObject: string | null;
  /** Merged vocabulary values (`person.*`). */
  fields: Record<string, unknown>;
  /** Per field and side: the value each CRM last told us and its modification time (sync rules). */
  fieldSources: Record<string, unknown>;
  /** The agreement engine's state, null until the person is first evaluated (read by `stored.ts` `readPersonState`). */
  state: PersonState | null;
  stage: Stage;
  scores: { fit: number; engagement: number };
  slaDue: string | null;
  slaBreached: boolean;
  ownerId: string | null;
  updatedAt: string;
  /** Optimistic concurrency: bumped on every save. */
  revision: number;
}

export type NewPerson = Pick<PersonRow, 'email'> & Partial<Omit<PersonRow, 'id' | 'email' | 'revision' | 'updatedAt'>>;

export interface TransitionRow {
  id: number;
  personId: number;
  from: Stage | null;
  to: Stage;
  at: string;
  cause: string;
  version: number;
  scores: { fit: number; engagement: number };
  passed: Stage[];
  breached: boolean;
  reason: string | null;
  /** Extra data: routing decision, reject reason, owner. */
  meta: Record<string, unknown>;
}

export interface EventRow {
  id: string;
  personId: number;
  type: string;
  at: string;
  properties: Record<string, unknown>;
  campaign: string | null;
  channel: string | null;
}

export interface FeedbackRow {
  id: number;
  personId: number;
  decision: 'accept' | 'reject';
  reason: string | null;
  at: string;
  source: string;
}

export interface DealRow {
  /** `hubspot:ID` or `salesforce:ID`. */
  key: string;
  hubspotId: string | null;
  salesforceId: string | null;
  fields: Record<string, unknown>;
  personIds: number[];
  createdAt: string | null;
  updatedAt: string;
  /** The deal's Salesforce Account / HubSpot companies (account-based attribution); none when absent. */
  accounts?: AccountRef[];
}

/** A Salesforce Account or a HubSpot company. */
export interface AccountRef {
  crm: Crm;
  id: string;
}

/** One outbox row; `P` the payload's type once read (`stored.ts`), the stored JSON until then. */
export interface OutboxRow<P = Record<string, unknown>> {
  id: number;
  crm: OutboxChannel;
  /** One row per target record: `hubspot:contact:5101`, `salesforce:Lead:00Q…`, `salesforce:Task:person-7:mql`. */
  key: string;
  personId: number | null;
  /** The stored JSON; read it with `readOutboxPayload` or `readAlertPayload` (`stored.ts`). */
  payload: P;
  hash: string;
  idempotencyKey: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  /** Bumped by every `outboxPut` of this key; pass it back to `outboxComplete` to detect a newer payload. */
  version?: number;
}

export interface DeadLetterRow {
  id: number;
  crm: OutboxChannel;
  key: string;
  payload: Record<string, unknown>;
  error: string;
  attempts: number;
  createdAt: string;
}

/** An inbox item given up after repeated failures (`failed-work.ts`), kept with the reason until replayed or dropped. */
export interface InboxDeadLetterRow {
  id: number;
  source: Source;
  dedupKey: string;
  error: string;
  attempts: number;
  /** When it was given up. */
  createdAt: string;
}

/** A dashboard session: hashes only, never the session id or the token themselves. */
export interface SessionRow {
  idHash: string;
  /** Hash of the API token the session was made with: a new token ends it. */
  tokenHash: string;
  createdAt: string;
  /** Last use (idle timeout). */
  seenAt: string;
  /** Absolute end. */
  expiresAt: string;
  /** The named user signed in; absent or null for a session of the API token. */
  userId?: number | null;
}

/** What a named user may do: approve the agreement for marketing or sales, or only read. */
export type UserRole = 'marketing' | 'sales' | 'viewer';

export interface UserRow {
  id: number;
  name: string;
  email: string;
  role: UserRole;
  createdAt: string;
}

/** An owner's side of the agreement. */
export type OwnerSide = 'marketing' | 'sales';

/** How an approval was given: on the dashboard, through the API with a user's token, with the CLI, or as a date in the file. */
export type ApprovalVia = 'dashboard' | 'api' | 'cli' | 'file';

/** One side's approval of one agreement text, bound to the text's sha256. */
export interface ApprovalRow {
  hash: string;
  side: OwnerSide;
  version: number;
  name: string;
  email: string;
  userId: number | null;
  via: ApprovalVia;
  /** The date written in the file (`owners.SIDE.approved`), for `via: file`. */
  approvedOn: string | null;
  /** When Baton recorded it (for a file date: when Baton first saw it under this hash). */
  at: string;
}

export interface AgreementVersionRow {
  version: number;
  name: string;
  text: string;
  owners: Record<string, unknown>;
  hash: string;
  /** When it went live. */
  liveAt: string;
  /** When the next version replaced it; null while it is live. */
  liveTo?: string | null;
}

export interface AttributionRow {
  dealKey: string;
  model: string;
  amountCents: number;
  closeDate: string;
  /** Per-touch shares: `[{ eventId, campaign, channel, cents }]`. */
  shares: { eventId: string; campaign: string | null; channel: string | null; cents: number }[];
  computedAt: string;
}

/** What the outcome report reads, in a few scans (`Store.outcomeRows`). */
export interface OutcomeRows {
  /** `fieldsText`: the fields as stored JSON, parsed only for the people the report reads them of. */
  people: (Pick<PersonRow, 'id' | 'email' | 'stage' | 'scores' | 'updatedAt'> & { fieldsText: string })[];
  /** Stage changes (no breach marks), by person, then time. */
  transitions: Pick<TransitionRow, 'personId' | 'to' | 'passed' | 'at' | 'cause' | 'version' | 'scores'>[];
  feedback: Pick<FeedbackRow, 'personId' | 'decision' | 'reason' | 'at'>[];
  /** One row per deal and linked person. */
  deals: { key: string; personId: number; fields: Record<string, unknown>; createdAt: string | null }[];
  /** The events of people handed over (an `mql` transition), properties as stored JSON. */
  events: (Pick<EventRow, 'personId' | 'type'> & { propertiesText: string })[];
}

/** One stored person as a replay of its history reads it (`Store.historyPage`). */
export interface StoredHistory {
  id: number;
  email: string;
  /** The stage it is in now. */
  stage: Stage;
  ownerId: string | null;
  /** Merged vocabulary values (`person.*`). */
  fields: Record<string, unknown>;
  /** Baton's notes on the person (`field_sources.$meta`): `converted`, the stored `routing` decision. */
  meta: Record<string, unknown>;
  /** The latest deal's fields, or null. */
  deal: Record<string, unknown> | null;
  /** Oldest first. */
  events: { id: string; type: string; at: string; properties: Record<string, unknown> }[];
  /** Sales' answers, oldest first. */
  feedback: { decision: 'accept' | 'reject'; reason: string | null; at: string }[];
  /** When it actually entered `mql` (stored transitions, also where it was passed), oldest first. */
  mqlAt: string[];
}

/** A claimed item carries the lease that protects it. */
export interface Lease {
  owner: string;
  until: string;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations; idempotent, and safe when several instances start at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Why the store cannot be written now (SQLite: its disk is full or the file read-only), or null. */
  unwritable?(): Promise<string | null>;
  /**
   * Runs `fn` in one transaction; everything inside commits or nothing does. Inside, use `tx`
   * (not this store); nested `transaction` calls join the outer one.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

  // inbox
  /** Inserts if new; `duplicate: true` (and nothing changed) when (source, dedupKey) was already stored. */
  inboxInsert(item: {
    source: Source;
    dedupKey: string;
    body: unknown;
    receivedAt: string;
  }): Promise<{ id: number; duplicate: boolean }>;
  /**
   * Claims up to `limit` due pending items (unleased, or lease expired), oldest first, leased to
   * `owner` until `now + leaseMs`. Two concurrent claimers never get the same item.
   */
  inboxClaim(owner: string, limit: number, leaseMs: number, now: string): Promise<InboxRow[]>;
  /** Marks items done (kept, so a late duplicate is still recognised). */
  inboxComplete(ids: number[]): Promise<void>;
  /**
   * Extends the lease of claimed rows (`inbox` or `outbox`) that `owner` still holds to
   * `now + leaseMs`, so slow work is not taken over while it runs; returns how many it still held.
   */
  renewClaims(table: 'inbox' | 'outbox', ids: number[], owner: string, leaseMs: number, now: string): Promise<number>;
  /** Counts the attempt, records the error, releases the lease; due again at `retryAt`. */
  inboxFail(id: number, error: string, retryAt: string): Promise<void>;
  /** Puts the item off without counting an attempt (it waits on an unavailable CRM); lease released, due at `retryAt`. */
  inboxDefer(id: number, reason: string, retryAt: string): Promise<void>;
  /** Gives the item up: an inbox dead letter with `error` (the failed attempt counted, lease released). */
  inboxDead(id: number, error: string): Promise<void>;
  /** Inbox dead letters, oldest first. */
  inboxDeadLetters(): Promise<InboxDeadLetterRow[]>;
  /** Puts an inbox dead letter back in the inbox (due at `now`, attempts reset); false when no such dead letter. */
  retryInboxDeadLetter(id: number, now: string): Promise<boolean>;
  /** Drops an inbox dead letter (kept as done, so a redelivery is still a duplicate); false when no such dead letter. */
  dropInboxDeadLetter(id: number): Promise<boolean>;
  /** Deletes done items completed before `doneBefore` (retention); returns how many. */
  inboxPrune(doneBefore: string): Promise<number>;
  /** Age of the oldest pending item in ms (inbox lag), and the pending count. */
  inboxStats(now: string): Promise<{ pending: number; oldestMs: number }>;

  // people
  getPerson(id: number): Promise<PersonRow | null>;
  findPersonByEmail(email: string): Promise<PersonRow | null>;
  /** The people of these (normalised) emails that exist, in one read a few hundred at a time, not one query per email. */
  findPeopleByEmails(emails: string[]): Promise<PersonRow[]>;
  findPersonByCrmId(crm: Crm, id: string): Promise<PersonRow | null>;
  /** Creates a person; returns it. */
  createPerson(p: NewPerson): Promise<PersonRow>;
  /**
   * Saves when `revision` still matches; false when someone else saved first. On success
   * `p.revision` is bumped in place; `updatedAt` is written as given.
   */
  savePerson(p: PersonRow): Promise<boolean>;
  /** Records that a CRM id (also a merged one) belongs to a person. */
  linkCrmId(personId: number, crm: Crm, id: string): Promise<void>;
  /**
   * Folds `fromId`'s history (events, transitions, feedback, CRM ids as aliases, deal links) into
   * `intoId`, bumps `intoId`'s revision and deletes `fromId`, in one transaction.
   */
  mergePeople(intoId: number, fromId: number): Promise<void>;
  listPeople(opts: { afterId?: number; limit: number }): Promise<PersonRow[]>;
  /** How many people are stored and the highest id (0 when none): the extent of a walk over every person. */
  peopleExtent(): Promise<{ count: number; maxId: number }>;
  /** People whose SLA is due at or before `at` and not yet breached. */
  dueSla(at: string, limit: number): Promise<PersonRow[]>;

  // history
  appendTransitions(rows: Omit<TransitionRow, 'id'>[]): Promise<void>;
  listTransitions(personId: number): Promise<TransitionRow[]>;
  /** Transitions with `from <= at < to` (null = open), newest first, for the funnel and the dashboard. */
  transitionsBetween(from: string | null, to: string | null, limit?: number): Promise<TransitionRow[]>;
  /** Inserts events that are new by id; returns the ids that were new. */
  insertEvents(rows: EventRow[]): Promise<string[]>;
  listEvents(personId: number): Promise<EventRow[]>;
  insertFeedback(row: Omit<FeedbackRow, 'id'>): Promise<FeedbackRow>;
  listFeedback(personId: number): Promise<FeedbackRow[]>;

  // deals and attribution
  upsertDeal(row: DealRow): Promise<void>;
  getDeal(key: string): Promise<DealRow | null>;
  dealsForPerson(personId: number): Promise<DealRow[]>;
  /** Deals created in `from <= createdAt < to` (null = open; a deal without a creation time only when both are open), by key. */
  dealsCreated(from: string | null, to: string | null): Promise<DealRow[]>;
  /** Replaces the accounts (Salesforce Accounts or HubSpot companies) `personId` is on in `crm`. */
  setPersonAccounts(personId: number, crm: Crm, accountIds: readonly string[]): Promise<void>;
  /** The ids of the people on any of these accounts, ascending. */
  peopleOnAccounts(accounts: readonly AccountRef[]): Promise<number[]>;
  /** The accounts a person is on, in both CRMs. */
  accountsOfPerson(personId: number): Promise<AccountRef[]>;
  /** The deals on any of these accounts, by key. */
  dealsOnAccounts(accounts: readonly AccountRef[]): Promise<DealRow[]>;
  /** Replaces every model's result for one deal. */
  replaceAttribution(dealKey: string, rows: AttributionRow[]): Promise<void>;
  /** One model's results for deals with `from <= closeDate < to` (null = open). */
  attributionFor(model: string, from: string | null, to: string | null): Promise<AttributionRow[]>;

  // reports
  /** Every person, stage change, feedback, deal link and event, as the outcome report folds them. */
  outcomeRows(): Promise<OutcomeRows>;
  /** The paged history reader: people with `id > afterId` in id order, at most `limit`, each with its replay's inputs. */
  historyPage(afterId: number, limit: number): Promise<StoredHistory[]>;

  // outbox
  /**
   * Upserts the desired state of one record; a newer payload replaces a pending one (coalescing) and
   * bumps `version`. Due at `notBefore`, else immediately (an existing row keeps its back-off; one
   * never attempted, held by an earlier `notBefore`, becomes due at once).
   */
  outboxPut(row: {
    crm: OutboxChannel;
    key: string;
    personId: number | null;
    /** Any JSON object; the pipeline writes an `OutboxPayload` or `AlertPayload` (`stored.ts`). */
    payload: object;
    hash: string;
    idempotencyKey: string;
    notBefore?: string;
  }): Promise<void>;
  /** Like `inboxClaim`, for one CRM's due rows; two concurrent claimers never get the same row. */
  outboxClaim(crm: OutboxChannel, owner: string, limit: number, leaseMs: number, now: string): Promise<OutboxRow[]>;
  /**
   * Done: remembers `hash` as last written for the row's key and removes the row, unless a newer
   * payload arrived meanwhile (other hash, or other `version` when given); then it stays pending, unleased.
   */
  outboxComplete(id: number, hash: string, version?: number): Promise<void>;
  /** `outboxComplete` for a whole written batch, in one transaction of a few statements. */
  outboxCompleteMany(written: { id: number; hash: string; version?: number }[]): Promise<void>;
  /** Counts the attempt, records the error, releases the lease; due again at `nextAttemptAt`. */
  outboxRetry(id: number, error: string, nextAttemptAt: string): Promise<void>;
  /** Holds rows (a problem that is not the record's): records the error, releases the lease, due again at `until`; no attempt is counted. */
  outboxHold(ids: number[], error: string, until: string): Promise<void>;
  /** Moves the row to the dead letters with `error`. */
  outboxDead(id: number, error: string): Promise<void>;
  outboxPending(crm?: OutboxChannel): Promise<number>;
  /** The pending rows of these keys (a write in flight included), e.g. to know what Baton is writing to a record right now. */
  outboxByKeys(keys: string[]): Promise<OutboxRow[]>;
  /** Hash of what was last written to `key`, for skipping no-op writes. */
  lastWrittenHash(key: string): Promise<string | null>;

  // dead letters
  listDeadLetters(): Promise<DeadLetterRow[]>;
  /**
   * Puts a dead letter back into the outbox (due at `now`, attempts reset, same idempotency key);
   * a newer pending payload for the same key wins. False when no such id.
   */
  retryDeadLetter(id: number, now: string): Promise<boolean>;
  dropDeadLetter(id: number): Promise<boolean>;

  // cursors, named leases, key-value state
  getCursor(name: string): Promise<string | null>;
  /** `null` forgets the cursor. */
  setCursor(name: string, value: string | null): Promise<void>;
  /** Takes or renews a named lease (poller, SLA timer); false when another owner holds it unexpired. */
  acquireLease(name: string, owner: string, ttlMs: number, now: string): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;
  /** Named leases whose name starts with `prefix` and that are unexpired at `now` (e.g. live instances' heartbeats), by name. */
  liveLeases(prefix: string, now: string): Promise<(Lease & { name: string })[]>;
  /** Atomically adds `by` to a counter and returns the new value (round robin, caps). */
  increment(name: string, by?: number): Promise<number>;
  /** A stored JSON value; `undefined` when unset. */
  getValue(name: string): Promise<unknown>;
  /** Stores a JSON value; `undefined` deletes it. */
  setValue(name: string, value: unknown): Promise<void>;

  // sessions
  createSession(row: SessionRow): Promise<void>;
  getSession(idHash: string): Promise<SessionRow | null>;
  /** Records a use of the session at `seenAt`. */
  touchSession(idHash: string, seenAt: string): Promise<void>;
  /** Ends one session (logout); true when it existed. */
  deleteSession(idHash: string): Promise<boolean>;
  /** Ends every session past its absolute end or unused since `idleBefore` at `now`, or made with another token than `tokenHash`; returns how many. */
  pruneSessions(opts: { now: string; idleBefore: string; tokenHash: string }): Promise<number>;

  // named users
  /** Adds a user; the email must be new (`BatonError` \`conflict\` otherwise). */
  createUser(row: Omit<UserRow, 'id'> & { tokenHash: string }): Promise<UserRow>;
  listUsers(): Promise<UserRow[]>;
  userByTokenHash(tokenHash: string): Promise<UserRow | null>;
  /** Removes the user of `email` and ends their sessions; false when there is none. */
  removeUser(email: string): Promise<boolean>;

  // agreement versions and approvals
  /**
   * Stores a version that goes live at `liveAt` and marks the one it replaces (`liveTo`); a no-op
   * returning false when that version (number or hash) is already stored.
   */
  saveAgreementVersion(row: AgreementVersionRow): Promise<boolean>;
  liveAgreementVersion(): Promise<AgreementVersionRow | null>;
  /** Every stored version, oldest first. */
  listAgreementVersions(): Promise<AgreementVersionRow[]>;
  /** Records one side's approval of a text; false (nothing changed) when that side already approved that hash. */
  recordApproval(row: ApprovalRow): Promise<boolean>;
  /** The approvals of one text, by side. */
  approvalsOf(hash: string): Promise<ApprovalRow[]>;
}
