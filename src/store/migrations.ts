/**
 * Versioned migrations, applied in order and recorded in `baton_migrations`. `migrate` is
 * idempotent and safe when several instances start at once: PostgreSQL takes a session advisory
 * lock around it, SQLite runs it in one `BEGIN IMMEDIATE` transaction (one writer).
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Transaction } from 'kysely';
import type { DB, DialectName } from './db.ts';
import { autoIdType, nowIso } from './dialect.ts';
import { quoteIdent } from './postgres.ts';

type Tx = Transaction<DB>;

interface Migration {
  version: number;
  name: string;
  up(tx: Tx, dialect: DialectName): Promise<void>;
}

/** Arbitrary constant: one advisory-lock key for Baton's migrations. */
const MIGRATION_LOCK_KEY = 7_264_531_901;

async function createInitialSchema(tx: Tx, d: DialectName): Promise<void> {
  const s = tx.schema;
  const id = autoIdType(d);
  const autoId = (c: ColumnDefinitionBuilder) => (d === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey());

  await s
    .createTable('inbox')
    .addColumn('id', id, autoId)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('completed_at', 'text')
    .addUniqueConstraint('inbox_source_dedup_key', ['source', 'dedup_key'])
    .execute();
  await s.createIndex('inbox_pending').on('inbox').columns(['status', 'next_attempt_at']).execute();

  await s
    .createTable('people')
    .addColumn('id', id, autoId)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('hubspot_id', 'text')
    .addColumn('salesforce_id', 'text')
    .addColumn('salesforce_object', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('field_sources', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('fit', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('engagement', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('sla_due', 'text')
    .addColumn('sla_breached', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('owner_id', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.createIndex('people_sla_due').on('people').columns(['sla_due']).execute();

  const personRef = (c: ColumnDefinitionBuilder) => c.notNull().references('people.id').onDelete('cascade');

  await s
    .createTable('person_crm_ids')
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('crm_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'integer', personRef)
    .addPrimaryKeyConstraint('person_crm_ids_pk', ['crm', 'crm_id'])
    .execute();
  await s.createIndex('person_crm_ids_person').on('person_crm_ids').columns(['person_id']).execute();

  await s
    .createTable('transitions')
    .addColumn('id', id, autoId)
    .addColumn('person_id', 'integer', personRef)
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('fit', 'double precision', (c) => c.notNull())
    .addColumn('engagement', 'double precision', (c) => c.notNull())
    .addColumn('passed', 'text', (c) => c.notNull())
    .addColumn('breached', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('meta', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('transitions_person').on('transitions').columns(['person_id', 'at']).execute();
  await s.createIndex('transitions_at').on('transitions').columns(['at']).execute();

  await s
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'integer', personRef)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('properties', 'text', (c) => c.notNull())
    .addColumn('campaign', 'text')
    .addColumn('channel', 'text')
    .execute();
  await s.createIndex('events_person').on('events').columns(['person_id', 'at']).execute();

  await s
    .createTable('feedback')
    .addColumn('id', id, autoId)
    .addColumn('person_id', 'integer', personRef)
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('feedback_person').on('feedback').columns(['person_id', 'at']).execute();

  await s
    .createTable('deals')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hubspot_id', 'text')
    .addColumn('salesforce_id', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await s
    .createTable('deal_people')
    .addColumn('deal_key', 'text', (c) => c.notNull().references('deals.key').onDelete('cascade'))
    .addColumn('person_id', 'integer', personRef)
    .addPrimaryKeyConstraint('deal_people_pk', ['deal_key', 'person_id'])
    .execute();
  await s.createIndex('deal_people_person').on('deal_people').columns(['person_id']).execute();

  await s
    .createTable('attribution')
    .addColumn('deal_key', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('close_date', 'text', (c) => c.notNull())
    .addColumn('shares', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('attribution_pk', ['deal_key', 'model'])
    .execute();
  await s.createIndex('attribution_model_close').on('attribution').columns(['model', 'close_date']).execute();

  await s
    .createTable('outbox')
    .addColumn('id', id, autoId)
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'integer')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await s.createIndex('outbox_due').on('outbox').columns(['crm', 'next_attempt_at']).execute();

  await s
    .createTable('written_hashes')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('written_at', 'text', (c) => c.notNull())
    .execute();

  await s
    .createTable('dead_letters')
    .addColumn('id', id, autoId)
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('person_id', 'integer')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await s
    .createTable('cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text')
    .execute();
  await s
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('until', 'text', (c) => c.notNull())
    .execute();
  await s
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .createTable('kv')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await s
    .createTable('agreement_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('owners', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('live_at', 'text', (c) => c.notNull())
    .execute();
}

/** Version 2: server-side dashboard sessions (hashed ids, the token's hash, idle and absolute expiry). */
async function createSessions(tx: Tx): Promise<void> {
  await tx.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await tx.schema.createIndex('sessions_expires').on('sessions').columns(['expires_at']).execute();
}

/**
 * Accounts for account-based attribution: which Salesforce Account / HubSpot company each person
 * (`person_accounts`) and each deal (`deal_accounts`) is on.
 */
async function createAccounts(tx: Tx): Promise<void> {
  await tx.schema
    .createTable('person_accounts')
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('person_accounts_pk', ['crm', 'account_id', 'person_id'])
    .execute();
  await tx.schema.createIndex('person_accounts_person').on('person_accounts').columns(['person_id']).execute();
  await tx.schema
    .createTable('deal_accounts')
    .addColumn('deal_key', 'text', (c) => c.notNull().references('deals.key').onDelete('cascade'))
    .addColumn('crm', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deal_accounts_pk', ['deal_key', 'crm', 'account_id'])
    .execute();
  await tx.schema.createIndex('deal_accounts_account').on('deal_accounts').columns(['crm', 'account_id']).execute();
}

/**
 * Version 4: named users (a token each, kept hashed), approvals bound to an agreement text's hash,
 * when each live version was replaced, and which user a dashboard session belongs to.
 */
async function createUsersAndApprovals(tx: Tx, d: DialectName): Promise<void> {
  const id = autoIdType(d);
  await tx.schema
    .createTable('users')
    .addColumn('id', id, (c) => (d === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await tx.schema
    .createTable('agreement_approvals')
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('approved_on', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('agreement_approvals_pk', ['hash', 'side'])
    .execute();
  await tx.schema.alterTable('agreement_versions').addColumn('live_to', 'text').execute();
  await tx.schema.alterTable('sessions').addColumn('user_id', 'integer').execute();
  // Versions stored before this migration: each but the newest was replaced when the next went live.
  const rows = await tx.selectFrom('agreement_versions').select(['version', 'live_at']).orderBy('live_at').execute();
  for (let i = 0; i + 1 < rows.length; i++)
    await tx
      .updateTable('agreement_versions')
      .set({ live_to: rows[i + 1].live_at })
      .where('version', '=', rows[i].version)
      .execute();
}

/** Every data table (all but `baton_migrations`), children before parents. */
export const DATA_TABLES = [
  'person_accounts',
  'deal_accounts',
  'deal_people',
  'attribution',
  'deals',
  'person_crm_ids',
  'transitions',
  'events',
  'feedback',
  'outbox',
  'written_hashes',
  'dead_letters',
  'people',
  'inbox',
  'cursors',
  'leases',
  'counters',
  'kv',
  'agreement_versions',
  'agreement_approvals',
  'sessions',
  'users',
] as const;

/** Every migration, oldest first. Never edit a released one; append a new version. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: createInitialSchema },
  { version: 2, name: 'sessions', up: createSessions },
  { version: 3, name: 'accounts', up: createAccounts },
  { version: 4, name: 'users and approvals', up: createUsersAndApprovals },
];

async function applyPending(tx: Tx, dialect: DialectName): Promise<number[]> {
  await tx.schema
    .createTable('baton_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const rows = await tx.selectFrom('baton_migrations').select('version').execute();
  const applied = new Set(rows.map((r) => Number(r.version)));
  const done: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    await m.up(tx, dialect);
    await tx
      .insertInto('baton_migrations')
      .values({ version: m.version, name: m.name, applied_at: nowIso() })
      .execute();
    done.push(m.version);
  }
  return done;
}

/** Applies pending migrations (creating the PostgreSQL schema first); returns the versions applied. */
export async function runMigrations(db: Kysely<DB>, dialect: DialectName, schema: string | null): Promise<number[]> {
  if (dialect === 'sqlite') return db.transaction().execute((tx) => applyPending(tx, dialect));
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      if (schema) await sql.raw(`create schema if not exists ${quoteIdent(schema)}`).execute(conn);
      return await conn.transaction().execute((tx) => applyPending(tx, dialect));
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}
