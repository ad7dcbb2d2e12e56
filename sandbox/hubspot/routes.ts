/**
 * The endpoints of the fake HubSpot, with the real paths, body shapes, batch limits and error
 * bodies: CRM objects (batch read/update/create, list, search), associations v4 batch read, and
 * the properties API (groups, batch read/create).
 */
import { randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../types.ts';
import {
  assocLabel,
  objectTypeOf,
  type FakeHubSpotData,
  type FakeRecord,
  type ObjectType,
  type PropertyDef,
} from './data.ts';
import { runSearch, searchProblem, type SearchRequest } from './search.ts';

export interface RouteContext {
  data: FakeHubSpotData;
  now(): number;
  scopes: Set<string> | null;
  /** Results a search can page through (HubSpot: 10,000). */
  searchCeiling: number;
  /** Called with every property change made through the API, for the echo webhooks. */
  onApiChange(type: ObjectType, id: string, changed: string[]): void;
}

export function hubspotError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): FakeResponse {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category, ...extra } };
}

const validationError = (message: string, errors: unknown[] = []) =>
  hubspotError(400, 'VALIDATION_ERROR', message, { errors });

function missingScope(scope: string): FakeResponse {
  return hubspotError(
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [
        { message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } },
      ],
      links: { 'scopes-documentation': 'https://developers.hubspot.com/scopes' },
    },
  );
}

/** The JSON body as sent (`{}` when empty, undefined when not JSON); each route narrows it. */
function parse(req: FakeRequest): unknown {
  if (!req.body) return {};
  try {
    return JSON.parse(req.body);
  } catch {
    return undefined;
  }
}

const singular: Record<ObjectType, string> = { contacts: 'CONTACT', companies: 'COMPANY', deals: 'DEAL' };

/** The public shape of a record with only the asked-for properties (plus HubSpot's defaults). */
function view(type: ObjectType, rec: FakeRecord, asked: string[] | undefined): Record<string, unknown> {
  const defaults =
    type === 'contacts'
      ? ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']
      : ['createdate', 'hs_lastmodifieddate', 'hs_object_id'];
  const names =
    asked && asked.length
      ? [
          ...new Set([
            ...asked,
            'createdate',
            'hs_object_id',
            type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate',
          ]),
        ]
      : defaults;
  const properties: Record<string, string | null> = {};
  for (const n of names) if (n in rec.properties || asked?.includes(n)) properties[n] = rec.properties[n] ?? null;
  return { id: rec.id, properties, createdAt: rec.createdAt, updatedAt: rec.updatedAt, archived: false };
}

const batchEnvelope = (now: number, results: unknown[], errors: unknown[] = []) => ({
  status: 'COMPLETE',
  results,
  ...(errors.length ? { numErrors: errors.length, errors } : {}),
  requestedAt: new Date(now).toISOString(),
  startedAt: new Date(now).toISOString(),
  completedAt: new Date(now).toISOString(),
});

/** A batch body once `inputsProblem` passed it: `inputs` is an array; the rest as HubSpot documents it. */
interface BatchBody {
  inputs: unknown[];
  idProperty?: unknown;
  properties?: string[];
}

function isBatch(body: unknown): body is BatchBody {
  return !!body && typeof body === 'object' && Array.isArray((body as { inputs?: unknown }).inputs);
}

function inputsProblem(body: unknown, max: number): FakeResponse | null {
  if (!isBatch(body)) return validationError('Invalid input JSON on line 1: inputs is required');
  if (body.inputs.length > max)
    return validationError(`Batch input is limited to ${max} inputs, got ${body.inputs.length}.`, [
      { message: `size must be between 1 and ${max}`, in: 'inputs' },
    ]);
  return null;
}

function batchRead(ctx: RouteContext, type: ObjectType, sent: unknown): FakeResponse {
  const bad = inputsProblem(sent, 100);
  if (bad) return bad;
  const body = sent as BatchBody;
  const found: unknown[] = [];
  const missing: string[] = [];
  // `idProperty` names a unique property to look records up by (email for contacts, case-insensitive)
  const idProperty =
    typeof body.idProperty === 'string' && body.idProperty !== 'hs_object_id' ? body.idProperty : undefined;
  if (idProperty && !(type === 'contacts' && idProperty === 'email'))
    return validationError(`Property ${idProperty} is not a unique identifier property for ${singular[type]}`);
  const byValue = idProperty
    ? new Map(
        [...ctx.data.records[type].values()].map((r) => [String(r.properties[idProperty] ?? '').toLowerCase(), r]),
      )
    : undefined;
  for (const { id } of body.inputs as { id: string }[]) {
    const rec = byValue ? byValue.get(String(id).toLowerCase()) : ctx.data.records[type].get(String(id));
    if (rec) found.push(view(type, rec, body.properties));
    else missing.push(String(id));
  }
  const errors = missing.length
    ? [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${singular[type]} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
        },
      ]
    : [];
  return { status: errors.length ? 207 : 200, body: batchEnvelope(ctx.now(), found, errors) };
}

function batchUpdate(ctx: RouteContext, type: ObjectType, sent: unknown): FakeResponse {
  const bad = inputsProblem(sent, 100);
  if (bad) return bad;
  const body = sent as BatchBody;
  const inputs = body.inputs as { id: string; properties: Record<string, unknown> }[];
  for (const input of inputs) {
    if (!ctx.data.records[type].has(String(input.id))) {
      return hubspotError(
        404,
        'OBJECT_NOT_FOUND',
        `Could not get some ${singular[type]} objects, they may be deleted or not exist. Check that ids are valid.`,
        { context: { ids: [String(input.id)] } },
      );
    }
    const problems = ctx.data.validate(type, input.properties ?? {});
    // HubSpot fails the whole batch on one bad value, without naming the record.
    if (problems.length) {
      return validationError(
        `Property values were not valid: ${JSON.stringify(problems)}`,
        problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
      );
    }
  }
  const results = inputs.map((input) => {
    const changed = ctx.data.update(type, String(input.id), input.properties ?? {});
    if (changed.length) ctx.onApiChange(type, String(input.id), changed);
    return view(type, ctx.data.records[type].get(String(input.id))!, Object.keys(input.properties ?? {}));
  });
  return { status: 200, body: batchEnvelope(ctx.now(), results) };
}

function batchCreate(ctx: RouteContext, type: ObjectType, sent: unknown): FakeResponse {
  const bad = inputsProblem(sent, 100);
  if (bad) return bad;
  const body = sent as BatchBody;
  const inputs = body.inputs as {
    properties: Record<string, unknown>;
    associations?: { to: { id: string }; types: { associationTypeId: number }[] }[];
  }[];
  for (const input of inputs) {
    const problems = ctx.data.validate(type, input.properties ?? {});
    if (problems.length)
      return validationError(
        `Property values were not valid: ${JSON.stringify(problems)}`,
        problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
      );
  }
  const results = inputs.map((input) => {
    const rec = ctx.data.create(type, input.properties ?? {});
    for (const a of input.associations ?? []) {
      const to = a.types?.[0]?.associationTypeId === 3 || type === 'deals' ? 'contacts' : 'companies';
      ctx.data.associate(type, rec.id, to, String(a.to.id));
    }
    return view(type, rec, Object.keys(input.properties ?? {}));
  });
  return { status: 201, body: batchEnvelope(ctx.now(), results) };
}

function list(ctx: RouteContext, type: ObjectType, url: URL): FakeResponse {
  const limit = Number(url.searchParams.get('limit') ?? 10);
  if (limit > 100) return validationError('limit must be at most 100');
  const props = url.searchParams.get('properties')?.split(',').filter(Boolean);
  const all = [...ctx.data.records[type].values()].sort((a, b) => Number(a.id) - Number(b.id));
  const after = url.searchParams.get('after');
  const start = after ? all.findIndex((r) => Number(r.id) > Number(after)) : 0;
  const page = start < 0 ? [] : all.slice(start, start + limit);
  const next = start >= 0 && start + limit < all.length ? page[page.length - 1].id : null;
  return {
    status: 200,
    body: {
      results: page.map((r) => view(type, r, props)),
      ...(next ? { paging: { next: { after: next, link: '' } } } : {}),
    },
  };
}

function search(ctx: RouteContext, type: ObjectType, body: SearchRequest | undefined): FakeResponse {
  if (!body) return validationError('Invalid input JSON on line 1');
  const problem = searchProblem(body, ctx.searchCeiling);
  if (problem) return validationError(problem);
  try {
    const { total, page, after } = runSearch(ctx.data.records[type].values(), body, ctx.searchCeiling);
    return {
      status: 200,
      body: {
        total,
        results: page.map((r) => view(type, r, body.properties)),
        ...(after ? { paging: { next: { after, link: '' } } } : {}),
      },
    };
  } catch (err) {
    return validationError(String((err as Error).message));
  }
}

function associationsRead(ctx: RouteContext, from: ObjectType, to: ObjectType, sent: unknown): FakeResponse {
  const bad = inputsProblem(sent, 1000);
  if (bad) return bad;
  const body = sent as BatchBody;
  const results: unknown[] = [];
  const errors: unknown[] = [];
  const PAGE = 500;
  for (const input of body.inputs as { id: string; after?: string }[]) {
    const all = ctx.data.associations(from, String(input.id), to);
    if (!all.length) {
      errors.push({
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
        message: `No ${to} is associated with ${from} ${input.id}.`,
        context: { fromObjectId: [String(input.id)] },
      });
      continue;
    }
    const start = Number(input.after ?? 0);
    const slice = all.slice(start, start + PAGE);
    results.push({
      from: { id: String(input.id) },
      to: slice.map((a) => ({
        toObjectId: Number(a.toId),
        associationTypes: a.typeIds.map((typeId) => ({
          category: 'HUBSPOT_DEFINED',
          typeId,
          label: assocLabel(typeId),
        })),
      })),
      ...(start + PAGE < all.length ? { paging: { next: { after: String(start + PAGE), link: null } } } : {}),
    });
  }
  return { status: errors.length ? 207 : 200, body: batchEnvelope(ctx.now(), results, errors) };
}

function needScope(ctx: RouteContext, scope: string): FakeResponse | null {
  return ctx.scopes && !ctx.scopes.has(scope) ? missingScope(scope) : null;
}

/** What the properties endpoints take (unchecked, like HubSpot's own parse: a missing body fails). */
interface PropertiesBody {
  name: string;
  label: string;
  displayOrder?: number;
  inputs: unknown[];
}

function properties(ctx: RouteContext, req: FakeRequest, type: ObjectType, rest: string[]): FakeResponse | null {
  const body = parse(req) as PropertiesBody;
  const scopeName = `crm.schemas.${type}`;
  if (rest[0] === 'groups') {
    if (req.method === 'GET' && rest[1]) {
      return ctx.data.groups[type].has(rest[1])
        ? { status: 200, body: { name: rest[1], label: rest[1], displayOrder: -1, archived: false } }
        : hubspotError(404, 'OBJECT_NOT_FOUND', `Unable to find property group ${rest[1]}`);
    }
    if (req.method === 'POST' && !rest[1]) {
      const denied = needScope(ctx, `${scopeName}.write`);
      if (denied) return denied;
      if (ctx.data.groups[type].has(body.name))
        return hubspotError(409, 'OBJECT_ALREADY_EXISTS', `A property group named '${body.name}' already exists.`);
      ctx.data.groups[type].add(body.name);
      return {
        status: 201,
        body: { name: body.name, label: body.label, displayOrder: body.displayOrder ?? -1, archived: false },
      };
    }
    return null;
  }
  if (rest[0] === 'batch' && rest[1] === 'read' && req.method === 'POST') {
    const denied = needScope(ctx, `${scopeName}.read`);
    if (denied) return denied;
    const found = (body.inputs as { name: string }[])
      .map((i) => ctx.data.properties[type].get(i.name))
      .filter((p): p is PropertyDef => !!p);
    return { status: 200, body: batchEnvelope(ctx.now(), found) };
  }
  if (rest[0] === 'batch' && rest[1] === 'create' && req.method === 'POST') {
    const denied = needScope(ctx, `${scopeName}.write`);
    if (denied) return denied;
    const created: PropertyDef[] = [];
    for (const p of body.inputs as PropertyDef[]) {
      if (!ctx.data.groups[type].has(p.groupName))
        return validationError(`Property group ${p.groupName} does not exist`);
      if (ctx.data.properties[type].has(p.name)) continue;
      const def = { ...p, hubspotDefined: false };
      ctx.data.properties[type].set(p.name, def);
      created.push(def);
    }
    return { status: 201, body: batchEnvelope(ctx.now(), created) };
  }
  if (req.method === 'GET' && rest.length === 0)
    return { status: 200, body: { results: [...ctx.data.properties[type].values()] } };
  return null;
}

/** Routes one request; null when the path is not emulated. */
export function route(ctx: RouteContext, req: FakeRequest): FakeResponse | null {
  const parts = req.url.pathname.split('/').filter(Boolean);
  if (parts[0] === 'crm' && parts[1] === 'v3' && parts[2] === 'objects') {
    const type = objectTypeOf(parts[3] ?? '');
    if (!type) return hubspotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${parts[3]}`);
    const denied = needScope(
      ctx,
      `crm.objects.${type}.${req.method === 'GET' || parts[4] === 'search' || parts[5] === 'read' ? 'read' : 'write'}`,
    );
    if (denied) return denied;
    const body = parse(req);
    if (req.method === 'GET' && parts.length === 4) return list(ctx, type, req.url);
    if (req.method !== 'POST') return null;
    if (parts[4] === 'search') return search(ctx, type, body as SearchRequest | undefined);
    if (parts[4] === 'batch' && parts[5] === 'read') return batchRead(ctx, type, body);
    if (parts[4] === 'batch' && parts[5] === 'update') return batchUpdate(ctx, type, body);
    if (parts[4] === 'batch' && parts[5] === 'create') return batchCreate(ctx, type, body);
    return null;
  }
  if (
    parts[0] === 'crm' &&
    parts[1] === 'v4' &&
    parts[2] === 'associations' &&
    parts[5] === 'batch' &&
    parts[6] === 'read'
  ) {
    const from = objectTypeOf(parts[3]);
    const to = objectTypeOf(parts[4]);
    if (!from || !to) return validationError(`Unknown object type in ${req.url.pathname}`);
    return associationsRead(ctx, from, to, parse(req));
  }
  if (parts[0] === 'crm' && parts[1] === 'v3' && parts[2] === 'properties') {
    const type = objectTypeOf(parts[3] ?? '');
    if (!type) return validationError(`Unable to infer object type from: ${parts[3]}`);
    return properties(ctx, req, type, parts.slice(4));
  }
  return null;
}
