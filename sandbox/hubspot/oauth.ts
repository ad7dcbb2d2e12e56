/**
 * HubSpot's token introspection, as the fake account answers it: `POST
 * /oauth/v2/private-apps/get/access-token-info` for static (`pat-…`) tokens of private and
 * developer-platform apps, `GET /oauth/v1/access-tokens/{token}` for OAuth access tokens. Both
 * report the scopes the account granted.
 */
import type { FakeRequest, FakeResponse } from '../types.ts';

/** Every scope the fake knows; granted when the account is built without `scopes`. */
export const ALL_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'crm.objects.owners.read',
  'forms',
  'content',
  'oauth',
];

export interface TokenInfoContext {
  /** The accepted token, or null when any token is accepted. */
  accessToken: string | null;
  scopes: Set<string> | null;
  portalId: number;
  appId: number;
}

const notFound = (message: string): FakeResponse => ({
  status: 404,
  body: { status: 'error', message, category: 'OBJECT_NOT_FOUND', correlationId: 'token-info' },
});

/** Answers the introspection endpoints, or null for any other path. */
export function tokenInfo(ctx: TokenInfoContext, req: FakeRequest): FakeResponse | null {
  const path = req.url.pathname;
  const scopes = [...(ctx.scopes ?? ALL_SCOPES)];
  const known = (t: string | undefined) => !!t && (!ctx.accessToken || t === ctx.accessToken);
  if (path === '/oauth/v2/private-apps/get/access-token-info' && req.method === 'POST') {
    let key: string | undefined;
    try {
      key = (JSON.parse(req.body || '{}') as { tokenKey?: string }).tokenKey;
    } catch {
      key = undefined;
    }
    if (!known(key) || !key!.startsWith('pat-'))
      return {
        status: 400,
        body: {
          status: 'error',
          message: 'Invalid token key',
          category: 'VALIDATION_ERROR',
          correlationId: 'token-info',
        },
      };
    return { status: 200, body: { userId: 4242, hubId: ctx.portalId, appId: ctx.appId, scopes } };
  }
  const m = /^\/oauth\/v1\/access-tokens\/([^/]+)$/.exec(path);
  if (m && req.method === 'GET') {
    const token = decodeURIComponent(m[1]);
    if (!known(token) || token.startsWith('pat-')) return notFound('Token not found');
    return {
      status: 200,
      body: {
        token,
        user: 'admin@portal.example',
        hub_domain: 'portal.example',
        scopes,
        hub_id: ctx.portalId,
        app_id: ctx.appId,
        expires_in: 1800,
        user_id: 4242,
        token_type: 'access',
      },
    };
  }
  return null;
}
