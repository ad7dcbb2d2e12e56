/**
 * Signed JSON changes from Flows or Apex (`POST /webhooks/salesforce`): `{ "changes": [ { "sobject",
 * "id", "at"?, "fields"? } ] }`, at most 200, signed `X-Baton-Signature: sha256=HEX(HMAC(body))`.
 * Each names a record Baton then reads itself; `fields` are only a hint.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isoInstantText, parseJsonInput, pathName, toIsoInstant } from '../../src/platform/edge-input.ts';
import { InputError } from '../../src/platform/errors.ts';
import { verifyBatonSignature } from '../../src/platform/signature.ts';
import type { InboxItem } from '../types.ts';

const changeSchema = z.strictObject({
  sobject: z.enum(['Lead', 'Contact', 'Account', 'Opportunity', 'OpportunityContactRole', 'CampaignMember']),
  id: z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/, 'expected a 15- or 18-character Salesforce id'),
  at: isoInstantText.optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

export const changesSchema = z.strictObject({ changes: z.array(changeSchema).min(1).max(200) });

export type ChangesResult =
  { ok: true; items: InboxItem[] } | { ok: false; status: 400 | 401; error: string; field?: string };

/** Verifies, validates and turns a signed change list into inbox items. */
export function receiveSignedChanges(
  req: { rawBody: string | Buffer; signature: string | undefined },
  opts: { secret: string | undefined; now?: () => Date },
): ChangesResult {
  if (!verifyBatonSignature(req.rawBody, req.signature, opts.secret))
    return { ok: false, status: 401, error: 'bad or missing X-Baton-Signature' };
  let json: unknown;
  try {
    json = parseJsonInput(req.rawBody);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { ok: false, status: 400, error: err.message, field: String(err.details.field ?? 'body') };
  }
  const parsed = changesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = pathName(issue.path) || 'body';
    return { ok: false, status: 400, error: `${field}: ${issue.message}`, field };
  }
  const receivedAt = (opts.now?.() ?? new Date()).toISOString();
  const digest = createHash('sha256').update(req.rawBody).digest('hex').slice(0, 16);
  return {
    ok: true,
    items: parsed.data.changes.map((c, i) => ({
      source: 'salesforce' as const,
      // a change without `at` is unique to its body: a resent body dedups, a new one does not
      dedupKey: `salesforce:json:${c.sobject}:${c.id}:${c.at ?? `${digest}:${i}`}`,
      receivedAt,
      body: {
        kind: 'change' as const,
        ref: { crm: 'salesforce' as const, object: c.sobject, id: c.id, ...(c.at ? { at: toIsoInstant(c.at) } : {}) },
        ...(c.fields ? { hint: c.fields } : {}),
        changeSource: 'signed_json',
      },
    })),
  };
}
