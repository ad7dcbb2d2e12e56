/**
 * The seam between the pipeline and a CRM. Each CRM is one folder behind this interface; the
 * pipeline knows nothing else of a CRM. Records cross it as plain data in the CRM's own field
 * names; `src/mapping/` turns them into the shared vocabulary.
 */
import type { CrmName, SetupProblem } from '../src/platform/errors.ts';

export type { CrmName, SetupProblem };

/** Objects Baton reads or writes. HubSpot: contact, company, deal. Salesforce: the sObject names (a list, so stored data naming one can be checked). */
export const CRM_OBJECTS = [
  'contact',
  'company',
  'deal',
  'Lead',
  'Contact',
  'Account',
  'Opportunity',
  'OpportunityContactRole',
  'CampaignMember',
  'Task',
  'CampaignInfluence',
] as const;
export type CrmObject = (typeof CRM_OBJECTS)[number];

/** A reference to a record that changed; the pipeline reads it itself (webhook payloads are hints). */
export interface RecordRef {
  crm: CrmName;
  object: CrmObject;
  id: string;
  /** When the CRM says it changed (ISO). */
  at?: string;
}

/** A record as read from a CRM. */
export interface CrmRecord {
  crm: CrmName;
  object: CrmObject;
  id: string;
  /** The CRM's own modification time (HubSpot `hs_lastmodifieddate`/`lastmodifieddate`, Salesforce `SystemModstamp`). */
  modifiedAt: string;
  /** Field values by the CRM's field names. HubSpot contacts also carry `company.NAME` of the primary company. */
  properties: Record<string, unknown>;
  /** Related record ids, e.g. `{ contacts: [...] }` for a deal, `{ companies: [...], deals: [...] }` for a contact. */
  associations?: Partial<Record<string, string[]>>;
  /** Who made the last change, for the loop guard (HubSpot changeSource/sourceId, Salesforce LastModifiedById). */
  changedBy?: string;
  /** A HubSpot contact merge or a Salesforce merge: the ids folded into this one. */
  mergedIds?: string[];
  deleted?: boolean;
}

/** An engagement event in the spec's shape (`agreement.md` "Events"). */
export interface EngagementEvent {
  id: string;
  email: string;
  type: string;
  at: string;
  properties: Record<string, unknown>;
}

/** What a webhook or poll delivers into the inbox. `dedupKey` is unique per source. */
export interface InboxItem {
  source: 'hubspot' | 'salesforce' | 'api';
  dedupKey: string;
  receivedAt: string;
  /** A changed record to read, an engagement event, or a feedback answer. */
  body:
    | { kind: 'change'; ref: RecordRef; hint?: Record<string, unknown>; changeSource?: string; sourceId?: string }
    | { kind: 'merge'; ref: RecordRef; mergedIds: string[] }
    | { kind: 'event'; event: EngagementEvent }
    | { kind: 'records'; records: CrmRecord[] };
}

/**
 * Where a new person goes, decided by routing in the person stage before the write: the owner, and
 * a Contact on a matched Account instead of a Lead. Absent, the CRM's own assignment decides.
 */
export interface Placement {
  /** The owner Baton chose; absent leaves it to the org's assignment rule. */
  ownerId?: string;
  object?: 'Lead' | 'Contact';
  /** The Account a Contact is created on. */
  accountId?: string;
}

/** One write: an update of a known record, or a create. `idempotencyKey` makes a retry after a crash harmless. */
export interface WriteOp {
  /** Outbox key, unique per target record, e.g. `hubspot:contact:5101`. */
  key: string;
  object: CrmObject;
  /** Absent for a create. */
  id?: string;
  action: 'update' | 'create' | 'upsert';
  properties: Record<string, unknown>;
  idempotencyKey: string;
  /** For a Salesforce Lead create: the email used for the duplicate check. */
  email?: string;
  /** Properties to clear (`""`) before setting them: HubSpot refuses a backward `lifecyclestage` move otherwise. */
  clearFirst?: string[];
  /** For a create: records to associate it with, e.g. `{ contacts: [...] }` for a HubSpot deal. */
  associations?: Partial<Record<string, string[]>>;
  /** What Baton knows the record holds now (e.g. `lifecyclestage`), so the connector need not read it before writing. */
  current?: Record<string, unknown>;
  /** For a person create: where routing placed the person (the connector writes it as given). */
  placement?: Placement;
  /** How often this op was sent before (the outbox row's attempts); 0 lets a connector skip checks for work that cannot have happened yet. */
  attempts?: number;
}

export type WriteResult =
  /** `record`: the record as the CRM holds it right after the write, when the connector read it back (a created Lead). */
  | { key: string; status: 'ok'; id?: string; properties?: Record<string, unknown>; record?: CrmRecord }
  | { key: string; status: 'retry'; error: string; retryAfterMs?: number }
  | { key: string; status: 'dead'; error: string }
  /** Refused for a problem that is not the record's (a missing field, scope, or a value refused for every record): held and re-checked, never dead. */
  | { key: string; status: 'held'; error: string; problem: SetupProblem };

export interface PollPage {
  records: CrmRecord[];
  /** Opaque cursor to store; the next poll starts from it. */
  cursor: string | null;
  /** More pages are waiting now. */
  more: boolean;
}

export interface BackfillPage {
  records: CrmRecord[];
  cursor: string;
  /** How many records the whole backfill holds, when the CRM says. */
  total?: number;
}

/** The interface the pipeline uses; each CRM implements it once. */
export interface Connector {
  readonly crm: CrmName;
  /** Checks the CRM's schema and prepares what Baton writes (properties, describes); reports problems. */
  start(): Promise<string[]>;
  /** Reads records in batches, with exactly the fields Baton needs. */
  read(refs: RecordRef[]): Promise<CrmRecord[]>;
  /** One incremental page since `cursor`. */
  poll(cursor: string | null): Promise<PollPage>;
  /** All records, page by page, resumable from `cursor`. */
  backfill(cursor: string | null, since?: string): AsyncIterable<BackfillPage>;
  /** Engagement events a record read from this CRM describes (HubSpot: a contact's analytics properties); ids are stable across re-reads. */
  eventsOf?(record: CrmRecord): EngagementEvent[];
  /** True when a change item is only Baton's own write coming back (`lastWritten`: what Baton knows the record holds), so it needs no read. */
  isEchoChange?(item: InboxItem, lastWritten: Record<string, unknown> | null | undefined): boolean;
  /** True when a record Baton knows to hold `known` already holds every one of `values` (none given: false), compared as this CRM stores values. */
  holdsValues?(values: Record<string, unknown>, known: Record<string, unknown> | null | undefined): boolean;
  /** The records holding these emails (people only), read in batches; emails the CRM does not hold are absent. */
  readByEmail?(emails: string[]): Promise<CrmRecord[]>;
  /** Salesforce: the ids of the org's Campaigns with these names (one query per call); names it lacks are absent. */
  campaignIdsByName?(names: string[]): Promise<Map<string, string>>;
  /** Salesforce: users by id (name, email), for owners Baton did not choose itself. */
  usersById?(ids: string[]): Promise<Map<string, { id: string; name: string | null; email: string | null }>>;
  /** Salesforce: Campaign names by id, so a CampaignMember's touch is credited under its Campaign's name. */
  campaignNamesByIds?(ids: string[]): Promise<Map<string, string>>;
  /** Salesforce: every Campaign's `ActualCost` by Campaign name (those without one absent), for ROI. */
  campaignCosts?(): Promise<Map<string, number>>;
  /** Writes in batches under the CRM's limits; one result per op, in order. */
  write(ops: WriteOp[]): Promise<WriteResult[]>;
  /** Why calls to this CRM are paused right now (it stopped answering: the circuit is open), or null. */
  unavailable?(): string | null;
  /** Releases limiters and sockets. */
  stop(): Promise<void>;
}
