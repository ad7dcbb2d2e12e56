/**
 * The tables as Kysely sees them. JSON columns are text and times are ISO 8601 text in both
 * dialects, so values round-trip and sort the same; booleans are 0/1 integers.
 */
import type { Generated, Kysely, Transaction } from 'kysely';

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface InboxTable {
  id: Generated<number>;
  source: string;
  dedup_key: string;
  body: string;
  received_at: string;
  /** `pending`, `done` or `dead` (given up: an inbox dead letter); done and dead rows stay so a late duplicate is still recognised. */
  status: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  next_attempt_at: string;
  last_error: string | null;
  completed_at: string | null;
}

export interface PeopleTable {
  id: Generated<number>;
  email: string;
  hubspot_id: string | null;
  salesforce_id: string | null;
  salesforce_object: string | null;
  fields: string;
  field_sources: string;
  state: string;
  stage: string;
  fit: number;
  engagement: number;
  sla_due: string | null;
  sla_breached: number;
  owner_id: string | null;
  updated_at: string;
  revision: number;
}

export interface PersonCrmIdsTable {
  crm: string;
  crm_id: string;
  person_id: number;
}

export interface TransitionsTable {
  id: Generated<number>;
  person_id: number;
  from_stage: string | null;
  to_stage: string;
  at: string;
  cause: string;
  version: number;
  fit: number;
  engagement: number;
  passed: string;
  breached: number;
  reason: string | null;
  meta: string;
}

export interface EventsTable {
  id: string;
  person_id: number;
  type: string;
  at: string;
  properties: string;
  campaign: string | null;
  channel: string | null;
}

export interface FeedbackTable {
  id: Generated<number>;
  person_id: number;
  decision: string;
  reason: string | null;
  at: string;
  source: string;
}

export interface DealsTable {
  key: string;
  hubspot_id: string | null;
  salesforce_id: string | null;
  fields: string;
  created_at: string | null;
  updated_at: string;
}

export interface DealAccountsTable {
  deal_key: string;
  crm: string;
  account_id: string;
}

export interface PersonAccountsTable {
  crm: string;
  account_id: string;
  person_id: number;
}

export interface DealPeopleTable {
  deal_key: string;
  person_id: number;
}

export interface AttributionTable {
  deal_key: string;
  model: string;
  amount_cents: number;
  close_date: string;
  shares: string;
  computed_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  crm: string;
  key: string;
  person_id: number | null;
  payload: string;
  hash: string;
  idempotency_key: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  /** Bumped by every put, so completing an older claim cannot delete a newer payload. */
  version: number;
  created_at: string;
}

export interface WrittenHashesTable {
  key: string;
  hash: string;
  written_at: string;
}

export interface DeadLettersTable {
  id: Generated<number>;
  crm: string;
  key: string;
  person_id: number | null;
  payload: string;
  hash: string;
  idempotency_key: string;
  error: string;
  attempts: number;
  created_at: string;
}

export interface NamedTable<V> {
  name: string;
  value: V;
}

export interface LeasesTable {
  name: string;
  owner: string;
  until: string;
}

export interface AgreementVersionsTable {
  version: number;
  name: string;
  text: string;
  owners: string;
  hash: string;
  /** When it went live (its live-from). */
  live_at: string;
  /** When the next version replaced it; null while live (migration 4). */
  live_to: string | null;
}

/** Named users of the dashboard and the CLI (migration 4): only the token's hash is kept. */
export interface UsersTable {
  id: Generated<number>;
  name: string;
  email: string;
  role: string;
  token_hash: string;
  created_at: string;
}

/** One owner's approval of one agreement text (migration 4), keyed by the text's hash and the side. */
export interface AgreementApprovalsTable {
  hash: string;
  side: string;
  version: number;
  name: string;
  email: string;
  user_id: number | null;
  via: string;
  approved_on: string | null;
  at: string;
}

/** Dashboard sessions: only hashes of the session id and of the token it was made with are stored. */
export interface SessionsTable {
  id_hash: string;
  token_hash: string;
  created_at: string;
  seen_at: string;
  expires_at: string;
  /** The named user who signed in (migration 4); null for a session of the API token. */
  user_id: number | null;
}

export interface DB {
  baton_migrations: MigrationsTable;
  inbox: InboxTable;
  people: PeopleTable;
  person_crm_ids: PersonCrmIdsTable;
  transitions: TransitionsTable;
  events: EventsTable;
  feedback: FeedbackTable;
  deals: DealsTable;
  deal_people: DealPeopleTable;
  person_accounts: PersonAccountsTable;
  deal_accounts: DealAccountsTable;
  attribution: AttributionTable;
  outbox: OutboxTable;
  written_hashes: WrittenHashesTable;
  dead_letters: DeadLettersTable;
  cursors: NamedTable<string | null>;
  leases: LeasesTable;
  counters: NamedTable<number>;
  kv: NamedTable<string>;
  agreement_versions: AgreementVersionsTable;
  sessions: SessionsTable;
  users: UsersTable;
  agreement_approvals: AgreementApprovalsTable;
}

/** A database handle or an open transaction; every query function takes either. */
export type Db = Kysely<DB> | Transaction<DB>;

export type DialectName = 'sqlite' | 'postgres';

/** What every query module receives: the handle and the dialect (for the few differences). */
export interface Ctx {
  db: Db;
  dialect: DialectName;
}
