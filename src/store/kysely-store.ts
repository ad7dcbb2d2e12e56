/**
 * The `Store` over Kysely: one query code path for SQLite and PostgreSQL. Each method delegates to
 * a query module; methods that touch several rows run in one transaction.
 */
import { sql, type Kysely } from 'kysely';
import type { Ctx, DB, Db, DialectName } from './db.ts';
import type {
  AccountRef,
  AgreementVersionRow,
  ApprovalRow,
  AttributionRow,
  Crm,
  OutboxChannel,
  DealRow,
  DeadLetterRow,
  EventRow,
  FeedbackRow,
  InboxDeadLetterRow,
  InboxRow,
  Lease,
  NewPerson,
  OutboxRow,
  OutcomeRows,
  PersonRow,
  SessionRow,
  Source,
  StoredHistory,
  Store,
  TransitionRow,
  UserRow,
} from './types.ts';
import { runMigrations } from './migrations.ts';
import * as inbox from './inbox.ts';
import * as people from './people.ts';
import * as history from './history.ts';
import * as deals from './deals.ts';
import * as outbox from './outbox.ts';
import * as state from './state.ts';
import * as claims from './claims.ts';
import * as sessions from './sessions.ts';
import * as outcomes from './outcomes.ts';
import * as users from './users.ts';
import * as versions from './agreement-versions.ts';
import { historyPage } from './history-pages.ts';
import { BatonError } from '../platform/errors.ts';

export class KyselyStore implements Store {
  readonly dialect: DialectName;
  readonly #db: Db;
  readonly #schema: string | null;
  readonly #unwritable: () => string | null;
  /** Savepoints open on this transaction's store. */
  #depth = 0;

  /** `db` is the root handle (owned: `close` destroys it) or a transaction bound to this store. */
  constructor(db: Db, dialect: DialectName, schema: string | null, unwritable: () => string | null = () => null) {
    this.#db = db;
    this.dialect = dialect;
    this.#schema = schema;
    this.#unwritable = unwritable;
  }

  async unwritable(): Promise<string | null> {
    if (this.#unwritable() === null) return null;
    // Flagged by a failed write: write the header back unchanged to see whether space has returned.
    try {
      const { rows } = await sql<{ user_version: number }>`PRAGMA user_version`.execute(this.#db);
      await sql.raw(`PRAGMA user_version = ${Math.trunc(Number(rows[0]?.user_version ?? 0))}`).execute(this.#db);
    } catch {
      // still failing: the flag stands, with its message
    }
    return this.#unwritable();
  }

  get #ctx(): Ctx {
    return { db: this.#db, dialect: this.dialect };
  }

  /** The Kysely handle, for code that needs a query the Store does not offer (read-only reports). */
  get db(): Db {
    return this.#db;
  }

  async migrate(): Promise<void> {
    if (this.#db.isTransaction) throw new BatonError('store_misuse', 'migrate() cannot run inside a store transaction');
    await runMigrations(this.#db as Kysely<DB>, this.dialect, this.#schema);
  }

  async close(): Promise<void> {
    if (this.#db.isTransaction) return;
    await (this.#db as Kysely<DB>).destroy();
  }

  /**
   * Runs `fn` with a Store bound to one transaction: everything inside commits or nothing does.
   * A nested call runs under a savepoint of the outer transaction: if it throws, only its own
   * changes are undone and the outer one can go on (a batch of people in one transaction, one of
   * them failing). Inside `fn`, use `tx`, not the outer store (on SQLite the outer store waits for
   * the transaction's single connection).
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (!this.#db.isTransaction)
      return (this.#db as Kysely<DB>)
        .transaction()
        .execute((trx) => fn(new KyselyStore(trx, this.dialect, this.#schema)));
    // Named by depth: savepoints nest as a stack, and a few fixed names keep SQLite's statement cache useful.
    const name = `baton_sp${++this.#depth}`;
    try {
      await sql.raw(`savepoint ${name}`).execute(this.#db);
      try {
        const result = await fn(this);
        await sql.raw(`release savepoint ${name}`).execute(this.#db);
        return result;
      } catch (err) {
        await sql.raw(`rollback to savepoint ${name}`).execute(this.#db);
        await sql.raw(`release savepoint ${name}`).execute(this.#db);
        throw err;
      }
    } finally {
      this.#depth--;
    }
  }

  /**
   * One store method's statements, all or none: its own transaction, or, inside an open one, part
   * of it (a failure propagates and is undone by the caller's transaction or savepoint; a savepoint
   * per method would double the statements of a batch).
   */
  #atomic<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this.#ctx);
    return this.transaction((tx) => fn((tx as KyselyStore).#ctx));
  }

  // inbox
  inboxInsert(item: {
    source: Source;
    dedupKey: string;
    body: unknown;
    receivedAt: string;
  }): Promise<{ id: number; duplicate: boolean }> {
    return inbox.inboxInsert(this.#ctx, item);
  }
  renewClaims(table: 'inbox' | 'outbox', ids: number[], owner: string, leaseMs: number, now: string): Promise<number> {
    return claims.renewClaims(this.#ctx, table, ids, owner, leaseMs, now);
  }
  inboxClaim(owner: string, limit: number, leaseMs: number, now: string): Promise<InboxRow[]> {
    return inbox.inboxClaim(this.#ctx, owner, limit, leaseMs, now);
  }
  inboxComplete(ids: number[]): Promise<void> {
    return inbox.inboxComplete(this.#ctx, ids);
  }
  inboxFail(id: number, error: string, retryAt: string): Promise<void> {
    return inbox.inboxFail(this.#ctx, id, error, retryAt);
  }
  inboxDefer(id: number, reason: string, retryAt: string): Promise<void> {
    return inbox.inboxDefer(this.#ctx, id, reason, retryAt);
  }
  inboxDead(id: number, error: string): Promise<void> {
    return inbox.inboxDead(this.#ctx, id, error);
  }
  inboxDeadLetters(): Promise<InboxDeadLetterRow[]> {
    return inbox.inboxDeadLetters(this.#ctx);
  }
  retryInboxDeadLetter(id: number, now: string): Promise<boolean> {
    return inbox.retryInboxDeadLetter(this.#ctx, id, now);
  }
  dropInboxDeadLetter(id: number): Promise<boolean> {
    return inbox.dropInboxDeadLetter(this.#ctx, id);
  }
  inboxPrune(doneBefore: string): Promise<number> {
    return inbox.inboxPrune(this.#ctx, doneBefore);
  }
  inboxStats(now: string): Promise<{ pending: number; oldestMs: number }> {
    return inbox.inboxStats(this.#ctx, now);
  }

  // people
  getPerson(id: number): Promise<PersonRow | null> {
    return people.getPerson(this.#ctx, id);
  }
  findPersonByEmail(email: string): Promise<PersonRow | null> {
    return people.findPersonByEmail(this.#ctx, email);
  }
  findPeopleByEmails(emails: string[]): Promise<PersonRow[]> {
    return people.findPeopleByEmails(this.#ctx, emails);
  }
  findPersonByCrmId(crm: Crm, id: string): Promise<PersonRow | null> {
    return people.findPersonByCrmId(this.#ctx, crm, id);
  }
  createPerson(p: NewPerson): Promise<PersonRow> {
    return this.#atomic((ctx) => people.createPerson(ctx, p));
  }
  savePerson(p: PersonRow): Promise<boolean> {
    return this.#atomic((ctx) => people.savePerson(ctx, p));
  }
  linkCrmId(personId: number, crm: Crm, id: string): Promise<void> {
    return people.linkCrmId(this.#ctx, personId, crm, id);
  }
  mergePeople(intoId: number, fromId: number): Promise<void> {
    return this.#atomic((ctx) => people.mergePeople(ctx, intoId, fromId));
  }
  listPeople(opts: { afterId?: number; limit: number }): Promise<PersonRow[]> {
    return people.listPeople(this.#ctx, opts);
  }
  peopleExtent(): Promise<{ count: number; maxId: number }> {
    return people.peopleExtent(this.#ctx);
  }
  dueSla(at: string, limit: number): Promise<PersonRow[]> {
    return people.dueSla(this.#ctx, at, limit);
  }

  // history
  appendTransitions(rows: Omit<TransitionRow, 'id'>[]): Promise<void> {
    return this.#atomic((ctx) => history.appendTransitions(ctx, rows));
  }
  listTransitions(personId: number): Promise<TransitionRow[]> {
    return history.listTransitions(this.#ctx, personId);
  }
  transitionsBetween(from: string | null, to: string | null, limit?: number): Promise<TransitionRow[]> {
    return history.transitionsBetween(this.#ctx, from, to, limit);
  }
  insertEvents(rows: EventRow[]): Promise<string[]> {
    return this.#atomic((ctx) => history.insertEvents(ctx, rows));
  }
  listEvents(personId: number): Promise<EventRow[]> {
    return history.listEvents(this.#ctx, personId);
  }
  insertFeedback(row: Omit<FeedbackRow, 'id'>): Promise<FeedbackRow> {
    return history.insertFeedback(this.#ctx, row);
  }
  listFeedback(personId: number): Promise<FeedbackRow[]> {
    return history.listFeedback(this.#ctx, personId);
  }

  // deals and attribution
  upsertDeal(row: DealRow): Promise<void> {
    return this.#atomic((ctx) => deals.upsertDeal(ctx, row));
  }
  getDeal(key: string): Promise<DealRow | null> {
    return deals.getDeal(this.#ctx, key);
  }
  dealsForPerson(personId: number): Promise<DealRow[]> {
    return deals.dealsForPerson(this.#ctx, personId);
  }
  dealsCreated(from: string | null, to: string | null): Promise<DealRow[]> {
    return deals.dealsCreated(this.#ctx, from, to);
  }
  setPersonAccounts(personId: number, crm: Crm, accountIds: readonly string[]): Promise<void> {
    return this.#atomic((ctx) => deals.setPersonAccounts(ctx, personId, crm, accountIds));
  }
  peopleOnAccounts(accounts: readonly AccountRef[]): Promise<number[]> {
    return deals.peopleOnAccounts(this.#ctx, accounts);
  }
  accountsOfPerson(personId: number): Promise<AccountRef[]> {
    return deals.accountsOfPerson(this.#ctx, personId);
  }
  dealsOnAccounts(accounts: readonly AccountRef[]): Promise<DealRow[]> {
    return deals.dealsOnAccounts(this.#ctx, accounts);
  }
  replaceAttribution(dealKey: string, rows: AttributionRow[]): Promise<void> {
    return this.#atomic((ctx) => deals.replaceAttribution(ctx, dealKey, rows));
  }
  attributionFor(model: string, from: string | null, to: string | null): Promise<AttributionRow[]> {
    return deals.attributionFor(this.#ctx, model, from, to);
  }

  // reports
  outcomeRows(): Promise<OutcomeRows> {
    return outcomes.outcomeRows(this.#ctx);
  }

  historyPage(afterId: number, limit: number): Promise<StoredHistory[]> {
    return historyPage(this.#ctx, afterId, limit);
  }

  // outbox
  outboxPut(row: outbox.OutboxPut): Promise<void> {
    return outbox.outboxPut(this.#ctx, row);
  }
  outboxClaim(crm: OutboxChannel, owner: string, limit: number, leaseMs: number, now: string): Promise<OutboxRow[]> {
    return outbox.outboxClaim(this.#ctx, crm, owner, limit, leaseMs, now);
  }
  outboxComplete(id: number, hash: string, version?: number): Promise<void> {
    return this.#atomic((ctx) => outbox.outboxComplete(ctx, id, hash, version));
  }
  outboxCompleteMany(written: outbox.Written[]): Promise<void> {
    return this.#atomic((ctx) => outbox.outboxCompleteMany(ctx, written));
  }
  outboxRetry(id: number, error: string, nextAttemptAt: string): Promise<void> {
    return outbox.outboxRetry(this.#ctx, id, error, nextAttemptAt);
  }
  outboxHold(ids: number[], error: string, until: string): Promise<void> {
    return outbox.outboxHold(this.#ctx, ids, error, until);
  }
  outboxDead(id: number, error: string): Promise<void> {
    return this.#atomic((ctx) => outbox.outboxDead(ctx, id, error));
  }
  outboxPending(crm?: OutboxChannel): Promise<number> {
    return outbox.outboxPending(this.#ctx, crm);
  }
  outboxByKeys(keys: string[]): Promise<OutboxRow[]> {
    return keys.length ? outbox.outboxByKeys(this.#ctx, keys) : Promise.resolve([]);
  }
  lastWrittenHash(key: string): Promise<string | null> {
    return outbox.lastWrittenHash(this.#ctx, key);
  }

  // dead letters
  listDeadLetters(): Promise<DeadLetterRow[]> {
    return outbox.listDeadLetters(this.#ctx);
  }
  retryDeadLetter(id: number, now: string): Promise<boolean> {
    return this.#atomic((ctx) => outbox.retryDeadLetter(ctx, id, now));
  }
  dropDeadLetter(id: number): Promise<boolean> {
    return outbox.dropDeadLetter(this.#ctx, id);
  }

  // cursors, named leases, key-value state
  getCursor(name: string): Promise<string | null> {
    return state.getCursor(this.#ctx, name);
  }
  setCursor(name: string, value: string | null): Promise<void> {
    return state.setCursor(this.#ctx, name, value);
  }
  acquireLease(name: string, owner: string, ttlMs: number, now: string): Promise<boolean> {
    return state.acquireLease(this.#ctx, name, owner, ttlMs, now);
  }
  releaseLease(name: string, owner: string): Promise<void> {
    return state.releaseLease(this.#ctx, name, owner);
  }
  liveLeases(prefix: string, now: string): Promise<(Lease & { name: string })[]> {
    return state.liveLeases(this.#ctx, prefix, now);
  }
  increment(name: string, by?: number): Promise<number> {
    return state.increment(this.#ctx, name, by);
  }
  getValue(name: string): Promise<unknown> {
    return state.getValue(this.#ctx, name);
  }
  setValue(name: string, value: unknown): Promise<void> {
    return state.setValue(this.#ctx, name, value);
  }

  // sessions
  createSession(row: SessionRow): Promise<void> {
    return sessions.createSession(this.#ctx, row);
  }
  getSession(idHash: string): Promise<SessionRow | null> {
    return sessions.getSession(this.#ctx, idHash);
  }
  touchSession(idHash: string, seenAt: string): Promise<void> {
    return sessions.touchSession(this.#ctx, idHash, seenAt);
  }
  deleteSession(idHash: string): Promise<boolean> {
    return sessions.deleteSession(this.#ctx, idHash);
  }
  pruneSessions(opts: { now: string; idleBefore: string; tokenHash: string }): Promise<number> {
    return sessions.pruneSessions(this.#ctx, opts);
  }

  // named users
  createUser(row: Omit<UserRow, 'id'> & { tokenHash: string }): Promise<UserRow> {
    return users.createUser(this.#ctx, row);
  }
  listUsers(): Promise<UserRow[]> {
    return users.listUsers(this.#ctx);
  }
  userByTokenHash(tokenHash: string): Promise<UserRow | null> {
    return users.userByTokenHash(this.#ctx, tokenHash);
  }
  removeUser(email: string): Promise<boolean> {
    return this.#atomic((ctx) => users.removeUser(ctx, email));
  }

  // agreement versions and approvals
  saveAgreementVersion(row: AgreementVersionRow): Promise<boolean> {
    return this.#atomic((ctx) => versions.saveAgreementVersion(ctx, row));
  }
  liveAgreementVersion(): Promise<AgreementVersionRow | null> {
    return versions.liveAgreementVersion(this.#ctx);
  }
  listAgreementVersions(): Promise<AgreementVersionRow[]> {
    return versions.listAgreementVersions(this.#ctx);
  }
  recordApproval(row: ApprovalRow): Promise<boolean> {
    return versions.recordApproval(this.#ctx, row);
  }
  approvalsOf(hash: string): Promise<ApprovalRow[]> {
    return versions.approvalsOf(this.#ctx, hash);
  }
}
