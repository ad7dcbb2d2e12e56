/**
 * SQLite through Node's built-in `node:sqlite` (no native add-on) as a Kysely dialect.
 *
 * Kysely's own `SqliteDriver` expects better-sqlite3 (`stmt.reader`, array parameters) and opens
 * transactions with a plain deferred `BEGIN`. This driver keeps Kysely's SQLite query compiler and
 * adapter and replaces only the connection: `BEGIN IMMEDIATE` (take the write lock up front, so a
 * transaction never fails half-way on a read→write upgrade), and an *asynchronous* wait when another
 * connection holds the lock. `busy_timeout` alone would block the event loop, which deadlocks when
 * the lock holder is another store in the same process.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { BatonError } from '../platform/errors.ts';

/** How long a statement waits for another connection's write lock before failing. */
const LOCK_WAIT_MS = 15_000;

/** Opens the database file (creating its folder) with WAL, synchronous commits, a short busy timeout and foreign keys. */
export function openSqliteDatabase(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // Short on purpose: longer waits happen asynchronously in `withLockWait`.
  db.exec('PRAGMA busy_timeout = 20');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  // FULL: a commit is fsynced before it returns, so an acknowledged delivery survives a power loss,
  // not only a crashed process (NORMAL in WAL mode). Group commit makes that one fsync per group.
  db.exec('PRAGMA synchronous = FULL');
  return db;
}

function isBusy(err: unknown): boolean {
  const code = (err as { errcode?: unknown }).errcode;
  // SQLITE_BUSY (5) and SQLITE_LOCKED (6), including their extended codes.
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

// SQLITE_READONLY (8), SQLITE_IOERR (10), SQLITE_FULL (13), SQLITE_CANTOPEN (14), with their extended codes.
const UNWRITABLE = new Set([8, 10, 13, 14]);

/**
 * Whether the database can be written, as the last write found it. A full disk or a read-only file
 * fails every write alike: `/readyz` reports it (webhooks then answer 503, nothing is acknowledged
 * that was not written) until a write succeeds again.
 */
export class SqliteWriteHealth {
  problem: string | null = null;
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  /** Runs a write; a disk or permission failure becomes a `store_unwritable` error naming the file. */
  write<T>(fn: () => T): T {
    try {
      const result = fn();
      this.problem = null;
      return result;
    } catch (err) {
      const e = err as { errcode?: unknown; errstr?: unknown; message?: string };
      if (typeof e.errcode !== 'number' || !UNWRITABLE.has(e.errcode & 0xff)) throw err;
      const why = typeof e.errstr === 'string' ? e.errstr : (e.message ?? 'write failed');
      this.problem = `the SQLite store ${this.path} cannot be written (${why}): free space on its disk or make it writable; Baton goes on by itself once it can write`;
      throw new BatonError('store_unwritable', this.problem, { cause: err, details: { path: this.path } });
    }
  }
}

function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as SQLInputValue;
}

/** Prepared statements kept per connection: Kysely compiles the same few hundred SQL texts over and over. */
const STATEMENT_CACHE = 500;

class NodeSqliteConnection implements DatabaseConnection {
  readonly db: DatabaseSync;
  readonly health: SqliteWriteHealth;
  readonly #statements = new Map<string, StatementSync>();
  constructor(db: DatabaseSync, health: SqliteWriteHealth) {
    this.db = db;
    this.health = health;
  }

  /** The prepared statement of `sql`, from the cache (least recently used dropped first). */
  #prepare(sql: string): StatementSync {
    const cached = this.#statements.get(sql);
    if (cached) {
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const stmt = this.db.prepare(sql);
    this.#statements.set(sql, stmt);
    if (this.#statements.size > STATEMENT_CACHE) this.#statements.delete(this.#statements.keys().next().value!);
    return stmt;
  }

  /** Retries `fn` while the database is locked by another connection, yielding to the event loop. */
  async withLockWait<T>(fn: () => T): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      try {
        return fn();
      } catch (err) {
        // Inside a transaction we already hold the write lock (BEGIN IMMEDIATE); retrying one
        // statement there would be wrong, so only whole autocommit statements are retried.
        if (!isBusy(err) || this.db.isTransaction || Date.now() > deadline) throw err;
      }
      await sleep(delay + Math.random() * delay);
    }
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#prepare(compiled.sql);
    const params = compiled.parameters.map(toSqlite);
    // node:sqlite has no `stmt.reader`; a statement that yields columns (SELECT, … RETURNING) is a reader.
    if (this.#isReader(compiled.sql, stmt)) {
      return this.withLockWait(() => ({ rows: stmt.all(...params) as R[] }));
    }
    const { changes, lastInsertRowid } = await this.withLockWait(() => this.health.write(() => stmt.run(...params)));
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  readonly #readers = new Map<string, boolean>();
  #isReader(sql: string, stmt: StatementSync): boolean {
    let reader = this.#readers.get(sql);
    if (reader === undefined) {
      reader = stmt.columns().length > 0;
      if (this.#readers.size > STATEMENT_CACHE) this.#readers.clear();
      this.#readers.set(sql, reader);
    }
    return reader;
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new BatonError('store_misuse', 'SQLite streams only SELECT queries');
    const stmt = this.db.prepare(compiled.sql);
    for (const row of stmt.iterate(...compiled.parameters.map(toSqlite))) yield { rows: [row as R] };
  }
}

class NodeSqliteDriver implements Driver {
  readonly #open: () => DatabaseSync;
  readonly #health: SqliteWriteHealth;
  #connection: NodeSqliteConnection | undefined;
  constructor(open: () => DatabaseSync, health: SqliteWriteHealth) {
    this.#open = open;
    this.#health = health;
  }
  async init(): Promise<void> {
    this.#connection = new NodeSqliteConnection(this.#open(), this.#health);
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    // One connection; Kysely serialises access to it (the SQLite adapter reports no multiple connections).
    return this.#connection!;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as NodeSqliteConnection;
    await conn.withLockWait(() => conn.health.write(() => conn.db.exec('BEGIN IMMEDIATE')));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite rolls a transaction back by itself on some errors (a full disk, an I/O error); a
    // ROLLBACK then would fail and hide the error that matters.
    if (!(connection as NodeSqliteConnection).db.isTransaction) return;
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    this.#connection?.db.close();
    this.#connection = undefined;
  }
}

/** Kysely's SQLite dialect with the `node:sqlite` driver above. */
export class NodeSqliteDialect extends SqliteDialect {
  readonly #path: string;
  readonly health: SqliteWriteHealth;
  constructor(path: string) {
    super({ database: () => Promise.reject(new Error('unused: NodeSqliteDialect creates its own driver')) });
    this.#path = path;
    this.health = new SqliteWriteHealth(path);
  }
  override createDriver(): Driver {
    return new NodeSqliteDriver(() => openSqliteDatabase(this.#path), this.health);
  }
}
