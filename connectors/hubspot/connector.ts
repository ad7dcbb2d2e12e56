/**
 * The HubSpot connector: Baton's `Connector` over the official SDK, reading and writing exactly
 * what `fields.yaml` names, under one limiter per HubSpot account.
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import type { LimitsBackend } from '../../src/platform/limiter.ts';
import { logger as rootLogger, type Logger } from '../../src/platform/logger.ts';
import type {
  BackfillPage,
  Connector,
  CrmRecord,
  EngagementEvent,
  InboxItem,
  PollPage,
  RecordRef,
  WriteOp,
  WriteResult,
} from '../types.ts';
import { eventsFromContact } from './events.ts';
import { isValueEcho } from './echo.ts';
import { createHubSpotApi, type CallCounts, type HubSpotApi } from './client.ts';
import { batchRead, hydrate, propertiesFor, TYPE_OF, type HubSpotType, type RawObject } from './hydrate.ts';
import type { HubSpotLimits } from './limits.ts';
import { fetchEmailEvents, fetchFormSubmissions } from './marketing.ts';
import { ownerIdsByEmail } from './owners.ts';
import { planProperties, type PropertyPlan } from './properties.ts';
import { prepareHubSpot } from './setup.ts';
import { backfillPages, pollOnce } from './sync.ts';
import { OwnWrites } from './own-writes.ts';
import { writeOps } from './write.ts';
import { isConfiguredValue } from '../../src/mapping/config-values.ts';

export interface HubSpotConnectorOptions {
  accessToken: string;
  /** `HUBSPOT_BASE_URL`; default `https://api.hubapi.com`. */
  baseUrl?: string;
  /** `HUBSPOT_CLIENT_SECRET`, for the webhook receiver. */
  clientSecret?: string;
  fields: FieldsConfig;
  limits?: Partial<HubSpotLimits>;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  retryMinTimeoutMs?: number;
  /** Names the account's shared limiter (default: a hash of base URL + token). */
  accountKey?: string;
  /** Where the account's limits are counted (default: this process; `redisLimits` shares them across instances). */
  limitsBackend?: LimitsBackend;
  /** Where a first poll without cursor starts (epoch ms); default: the time of that poll. */
  pollStartMs?: number;
  /** Records a poll or backfill page collects before hydrating (≤ 1,000 keeps associations to one call). */
  pageSize?: number;
  /** Ids HubSpot shows as `sourceId` on Baton's own writes (the private app's id), for the loop guard. */
  ownSourceIds?: string[];
  /** Read a contact's current lifecycle stage before a write that says neither `clearFirst` nor `current.lifecyclestage` (default true). */
  detectBackwardLifecycle?: boolean;
  logger?: Logger;
}

export interface HubSpotConnector extends Connector {
  readonly crm: 'hubspot';
  readonly plan: PropertyPlan;
  /** HTTP calls made so far, by kind (read, search, associations, write, schema, marketing). */
  readonly counts: CallCounts;
  readByEmail(emails: string[]): Promise<CrmRecord[]>;
  eventsOf(record: CrmRecord): EngagementEvent[];
  isEchoChange(item: InboxItem, lastWritten: Record<string, unknown> | null | undefined): boolean;
  /** Form submissions of the given forms since `sinceMs`, as engagement events (scope `forms`). */
  formEvents(forms: { guid: string; name: string }[], sinceMs: number): Promise<EngagementEvent[]>;
  /** Email opens and clicks of one recipient since `sinceMs`, as engagement events (scope `content`). */
  emailEvents(recipient: string, sinceMs: number): Promise<EngagementEvent[]>;
  /** HubSpot owner ids by lower-cased email (`GET /crm/v3/owners`). */
  ownerIdsByEmail(): Promise<Map<string, string>>;
}

/** Creates the HubSpot connector. */
export function createHubSpotConnector(options: HubSpotConnectorOptions): HubSpotConnector {
  const log = options.logger ?? rootLogger.child({ module: 'hubspot' });
  const api: HubSpotApi = createHubSpotApi({
    accessToken: options.accessToken,
    baseUrl: options.baseUrl,
    limits: options.limits,
    retries: options.retries,
    retryMinTimeoutMs: options.retryMinTimeoutMs,
    accountKey: options.accountKey,
    limitsBackend: options.limitsBackend,
    logger: log,
  });
  const plan = planProperties(options.fields);
  const idempotentCreates = !!options.fields.deal?.create_in_hubspot;
  const own = new OwnWrites(options.ownSourceIds);

  const mappedReads = {
    contact: Object.values(options.fields.person.fields)
      .map((f) => f.hubspot)
      .filter((n): n is string => !!n && !n.startsWith('company.')),
    company: Object.values(options.fields.person.fields)
      .map((f) => f.hubspot)
      .filter((n): n is string => !!n && n.startsWith('company.'))
      .map((n) => n.slice('company.'.length)),
    deal: Object.values(options.fields.deal?.fields ?? {})
      .map((f) => f.hubspot)
      .filter((n): n is string => !!n),
  };

  const configured = (property: string, value: string) => isConfiguredValue(options.fields, 'hubspot', property, value);
  // baton_* properties a write found missing: set up again before the next write that names them
  // (the re-check's probe), so a scope granted later lets Baton create them itself.
  const unmade = new Set<string>();

  async function write(ops: WriteOp[]): Promise<WriteResult[]> {
    if (unmade.size && ops.some((op) => Object.keys(op.properties).some((k) => unmade.has(k)))) {
      unmade.clear();
      // the setup problem was said once already; what this attempt finds is detail
      const problems = await prepareHubSpot(api, plan, mappedReads).catch((err: Error) => [err.message]);
      for (const p of problems) log.debug(p);
    }
    const results = await writeOps(api, ops, {
      idempotentCreates,
      detectBackwardLifecycle: options.detectBackwardLifecycle ?? true,
      configured,
    });
    results.forEach((r, i) => {
      const op = ops[i];
      if (r.status === 'ok' && op.id)
        own.wrote(op.object, op.id, {
          ...(op.clearFirst ? Object.fromEntries(op.clearFirst.map((p) => [p, ''])) : {}),
          ...op.properties,
        });
      if (r.status === 'held' && r.problem.kind === 'missing_field')
        for (const f of r.problem.fields ?? []) if (f.startsWith('baton_')) unmade.add(f);
    });
    return results;
  }

  async function read(refs: RecordRef[]): Promise<CrmRecord[]> {
    const byType = new Map<HubSpotType, string[]>();
    for (const ref of refs) {
      const type = TYPE_OF[ref.object];
      if (!type) continue;
      byType.set(type, [...(byType.get(type) ?? []), ref.id]);
    }
    const out: CrmRecord[] = [];
    for (const [type, ids] of byType) {
      const unique = [...new Set(ids)];
      const found = await batchRead(api, type, unique, propertiesFor(plan, type));
      const raws: RawObject[] = unique.map((id) => found.get(id)).filter((r): r is RawObject => !!r);
      out.push(...(await hydrate(api, plan, type, raws)));
      const object = refs.find((r) => TYPE_OF[r.object] === type)!.object;
      for (const id of unique)
        if (!found.has(id))
          out.push({ crm: 'hubspot', object, id, modifiedAt: new Date().toISOString(), properties: {}, deleted: true });
    }
    log.debug('hubspot read', { refs: refs.length, records: out.length, counts: { ...api.counts } });
    return out;
  }

  /** Contacts by email: batch reads with `idProperty: email` (no search, so no search limit), hydrated as `read` does. */
  async function readByEmail(emails: string[]): Promise<CrmRecord[]> {
    const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
    if (!wanted.length) return [];
    const found = await batchRead(api, 'contacts', wanted, propertiesFor(plan, 'contacts'), 'email');
    return hydrate(api, plan, 'contacts', [...found.values()]);
  }

  return {
    crm: 'hubspot',
    plan,
    counts: api.counts,
    start: () => prepareHubSpot(api, plan, mappedReads),
    read,
    readByEmail,
    eventsOf: (record: CrmRecord) => (record.crm === 'hubspot' ? eventsFromContact(record) : []),
    isEchoChange: (item: InboxItem, lastWritten: Record<string, unknown> | null | undefined) =>
      own.isEcho(item, lastWritten),
    holdsValues: (values: Record<string, unknown>, known: Record<string, unknown> | null | undefined) =>
      isValueEcho(values, known),
    poll: (cursor): Promise<PollPage> =>
      pollOnce(api, plan, cursor, options.pollStartMs ?? Date.now(), options.pageSize),
    backfill: (cursor, since): AsyncIterable<BackfillPage> => backfillPages(api, plan, cursor, since, options.pageSize),
    write,
    formEvents: (forms, sinceMs) => fetchFormSubmissions(api, forms, sinceMs),
    emailEvents: (recipient, sinceMs) => fetchEmailEvents(api, recipient, sinceMs),
    ownerIdsByEmail: () => ownerIdsByEmail(api),
    unavailable: () => api.guard.openReason(),
    stop: () => api.close(),
  };
}
