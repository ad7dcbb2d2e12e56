/**
 * An in-memory HubSpot account behind HubSpot's real endpoint paths, for connector tests (through
 * msw) and the demo (through node:http). It keeps HubSpot's limits — batch sizes, search paging and
 * ceiling, a rolling ten-second window and the search window with real 429 bodies — and logs every
 * request so tests can count calls and check every rolling window.
 */
import type { FakeApi, FakeRequest, FakeResponse } from '../types.ts';
import { FakeHubSpotData, modifiedProperty, type ObjectType } from './data.ts';
import { FakeMarketing } from './marketing.ts';
import { RollingWindow, rateLimitHeaders, secondly429, tenSecondly429, type RollingLimit } from './rate-limit.ts';
import { tokenInfo } from './oauth.ts';
import { hubspotError, route, type RouteContext } from './routes.ts';
import { signedWebhook, type HubSpotWebhookEvent } from './webhook.ts';
import { sleep } from '../../src/platform/sleep.ts';

export { ALL_SCOPES } from './oauth.ts';
export { signV3, signedWebhook, type HubSpotWebhookEvent } from './webhook.ts';
export { ASSOC_TYPES, LIFECYCLE_ORDER, type ObjectType, type FakeRecord } from './data.ts';
export type { FakeOwner, FakeFormSubmission, FakeEmailEvent } from './marketing.ts';

export interface FakeHubSpotOptions {
  /** The account's rolling window; HubSpot's default for private apps is 100 per 10 s. */
  rateLimit?: RollingLimit;
  /** The search endpoints' own window; HubSpot's is 5 per second per account. */
  searchLimit?: RollingLimit;
  /** Delay before each answer, in ms. */
  latencyMs?: number;
  /** Accepted bearer token; any non-empty token when unset. */
  accessToken?: string;
  /** Granted scopes (reported by token introspection and enforced by the CRM routes); every scope when unset. */
  scopes?: string[];
  portalId?: number;
  /** The app that receives webhooks. */
  appId?: number;
  /** The app id that writes through the API (shown as `sourceId` on echoes). */
  writerAppId?: number;
  now?: () => number;
  /** Results a search can page through; HubSpot's is 10,000 (lower it to test the ceiling quickly). */
  searchCeiling?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Arrival time, epoch ms. */
  at: number;
  status: number;
  search: boolean;
  /** Inputs in a batch body, when there were any. */
  inputs?: number;
}

export interface InjectedFailure {
  status: number;
  count: number;
  body?: unknown;
  headers?: Record<string, string>;
  match?: (req: FakeRequest) => boolean;
}

export interface FakeHubSpot extends FakeApi {
  readonly data: FakeHubSpotData;
  readonly marketing: FakeMarketing;
  readonly log: LoggedRequest[];
  readonly portalId: number;
  readonly appId: number;
  readonly writerAppId: number;
  /** Adds a contact, company or deal; `at` (ms) stamps its modification time. */
  seed(type: ObjectType, properties: Record<string, unknown>, opts?: { id?: string; at?: number }): string;
  associate(from: ObjectType, fromId: string, to: ObjectType, toId: string, opts?: { primary?: boolean }): void;
  /** A marketer edits a record in HubSpot; returns the webhook events HubSpot would send. */
  changeAsMarketer(
    type: ObjectType,
    id: string,
    properties: Record<string, unknown>,
    opts?: { userId?: number; at?: number },
  ): HubSpotWebhookEvent[];
  /** A marketer creates a record (a form fill, an import); returns its id and the creation event. */
  createAsMarketer(
    type: ObjectType,
    properties: Record<string, unknown>,
    opts?: { at?: number },
  ): { id: string; events: HubSpotWebhookEvent[] };
  /** A marketer deletes a record; returns the deletion event. */
  deleteAsMarketer(type: ObjectType, id: string): HubSpotWebhookEvent[];
  /** Two contacts merged in the UI; returns the merge event. */
  mergeContacts(primaryId: string, mergedId: string): HubSpotWebhookEvent[];
  /** Events for the changes Baton made through the API (HubSpot echoes them); drains the queue. */
  takeApiEchoes(): HubSpotWebhookEvent[];
  /** The account's admin grants the app more scopes (no effect when every scope is granted). */
  grantScopes(scopes: string[]): void;
  /** Makes the next matching requests fail, e.g. a burst of 429s from another integration. */
  inject(failure: InjectedFailure): void;
  signedWebhook(
    events: HubSpotWebhookEvent[],
    secret: string,
    url: string,
    timestamp?: number,
  ): { body: string; headers: Record<string, string> };
  /** Logged requests whose path matches. */
  calls(pattern: RegExp, method?: string): LoggedRequest[];
  /** Changes the token's scopes at run time (null: every scope), as an admin editing the app would. */
  setScopes(scopes: string[] | null): void;
}

const singularOf: Record<ObjectType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

/** Creates an empty fake HubSpot account. */
export function createFakeHubSpot(options: FakeHubSpotOptions = {}): FakeHubSpot {
  const now = options.now ?? Date.now;
  const data = new FakeHubSpotData(now);
  const marketing = new FakeMarketing();
  const account = new RollingWindow(options.rateLimit ?? { limit: 100, windowMs: 10_000 });
  const searchWindow = new RollingWindow(options.searchLimit ?? { limit: 5, windowMs: 1_000 });
  const log: LoggedRequest[] = [];
  const failures: InjectedFailure[] = [];
  const echoes: HubSpotWebhookEvent[] = [];
  const portalId = options.portalId ?? 62515;
  const appId = options.appId ?? 1_160_452;
  const writerAppId = options.writerAppId ?? 2_718_281;
  const scopes = options.scopes ? new Set(options.scopes) : null;
  let eventSeq = 1000;
  const subscriptionFor = (type: string) =>
    ({
      'contact.propertyChange': 11,
      'contact.creation': 12,
      'contact.merge': 13,
      'contact.deletion': 14,
      'deal.propertyChange': 21,
      'deal.creation': 22,
      'deal.deletion': 24,
      'company.propertyChange': 31,
      'company.creation': 32,
    })[type] ?? 99;

  const event = (
    type: ObjectType,
    id: string,
    kind: string,
    at: number,
    extra: Partial<HubSpotWebhookEvent>,
  ): HubSpotWebhookEvent => ({
    eventId: eventSeq++,
    subscriptionId: subscriptionFor(`${singularOf[type]}.${kind}`),
    portalId,
    appId,
    occurredAt: at,
    subscriptionType: `${singularOf[type]}.${kind}`,
    attemptNumber: 0,
    objectId: Number(id),
    ...extra,
  });

  const propertyEvents = (
    type: ObjectType,
    id: string,
    changed: string[],
    source: { changeSource: string; sourceId: string },
  ): HubSpotWebhookEvent[] => {
    const rec = data.records[type].get(id)!;
    const at = Date.parse(rec.properties[modifiedProperty(type)] ?? rec.updatedAt);
    return changed.map((name) =>
      event(type, id, 'propertyChange', at, {
        propertyName: name,
        propertyValue: rec.properties[name] ?? '',
        ...source,
      }),
    );
  };

  const ctx: RouteContext = {
    data,
    now,
    scopes,
    searchCeiling: options.searchCeiling ?? 10_000,
    onApiChange: (type: ObjectType, id: string, changed: string[]) => {
      echoes.push(...propertyEvents(type, id, changed, { changeSource: 'INTEGRATION', sourceId: String(writerAppId) }));
    },
  };

  async function handle(req: FakeRequest): Promise<FakeResponse | null> {
    const path = req.url.pathname;
    const known = /^\/(crm|form-integrations|email|oauth)\//.test(path);
    if (!known) return null;
    if (options.latencyMs) await sleep(options.latencyMs);
    const at = now();
    const isSearch = /\/search$/.test(path);
    const entry: LoggedRequest = { method: req.method, path, at, status: 0, search: isSearch };
    try {
      const inputs = req.body ? (JSON.parse(req.body) as { inputs?: unknown[] }).inputs : undefined;
      if (Array.isArray(inputs)) entry.inputs = inputs.length;
    } catch {
      // a body that does not parse is answered by the route
    }
    log.push(entry);
    const res = answer(req, at, isSearch);
    entry.status = res.status;
    return res;
  }

  function answer(req: FakeRequest, at: number, isSearch: boolean): FakeResponse {
    // Introspection takes the token in the request itself, not as a bearer.
    const introspected = tokenInfo(
      { accessToken: options.accessToken ?? null, scopes: ctx.scopes, portalId, appId: writerAppId },
      req,
    );
    if (introspected) return introspected;
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token || (options.accessToken && token !== options.accessToken)) {
      return hubspotError(
        401,
        'INVALID_AUTHENTICATION',
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
      );
    }
    // Every request counts in the ten-second window; searches also in their own.
    if (isSearch && !searchWindow.take(at)) return secondly429();
    if (!account.take(at)) return tenSecondly429(account, at);
    const failure = failures.find((f) => f.count > 0 && (!f.match || f.match(req)));
    if (failure) {
      failure.count--;
      if (failure.status === 429 && !failure.body) return tenSecondly429(account, at);
      return {
        status: failure.status,
        headers: failure.headers,
        body: failure.body ?? {
          status: 'error',
          message: 'injected failure',
          correlationId: 'injected',
          category: 'INTERNAL_ERROR',
        },
      };
    }
    const res =
      route(ctx, req) ??
      marketing.route(req) ??
      hubspotError(404, 'OBJECT_NOT_FOUND', `not emulated: ${req.method} ${req.url.pathname}`);
    return isSearch ? res : { ...res, headers: { ...rateLimitHeaders(account, at), ...(res.headers ?? {}) } };
  }

  return {
    handle,
    data,
    marketing,
    log,
    portalId,
    appId,
    writerAppId,
    seed: (type, properties, opts) => data.create(type, properties, opts).id,
    associate: (from, fromId, to, toId, opts) => data.associate(from, fromId, to, toId, opts),
    changeAsMarketer(type, id, properties, opts = {}) {
      const changed = data.update(type, id, properties, opts.at ?? now());
      return propertyEvents(type, id, changed, { changeSource: 'CRM_UI', sourceId: `userId:${opts.userId ?? 4_242}` });
    },
    createAsMarketer(type, properties, opts = {}) {
      const rec = data.create(type, properties, { at: opts.at });
      return {
        id: rec.id,
        events: [
          event(type, rec.id, 'creation', Date.parse(rec.createdAt), {
            changeFlag: 'CREATED',
            changeSource: 'CRM_UI',
            sourceId: 'userId:4242',
          }),
        ],
      };
    },
    deleteAsMarketer(type, id) {
      data.records[type].delete(id);
      return [
        event(type, id, 'deletion', now(), { changeFlag: 'DELETED', changeSource: 'CRM_UI', sourceId: 'userId:4242' }),
      ];
    },
    mergeContacts(primaryId, mergedId) {
      const merged = data.records.contacts.get(mergedId);
      data.records.contacts.delete(mergedId);
      const primary = data.records.contacts.get(primaryId)!;
      if (merged)
        data.update(
          'contacts',
          primaryId,
          Object.fromEntries(Object.entries(merged.properties).filter(([k, v]) => v && !primary.properties[k])),
        );
      return [
        event('contacts', primaryId, 'merge', now(), {
          primaryObjectId: Number(primaryId),
          mergedObjectIds: [Number(mergedId)],
          newObjectId: Number(primaryId),
          changeSource: 'CRM_UI',
          sourceId: 'userId:4242',
        }),
      ];
    },
    takeApiEchoes: () => echoes.splice(0, echoes.length),
    inject: (failure) => failures.push({ ...failure }),
    grantScopes: (more) => {
      for (const s of more) ctx.scopes?.add(s);
    },
    signedWebhook: (events, secret, url, timestamp) => signedWebhook(events, secret, url, timestamp),
    calls: (pattern, method) => log.filter((l) => pattern.test(l.path) && (!method || l.method === method)),
    setScopes(list) {
      ctx.scopes = list ? new Set(list) : null;
    },
  };
}
