import { describe, expect, it } from 'vitest';
import { receiveSignedChanges } from '../../../connectors/salesforce/changes.ts';
import { hmacHex } from '../../../src/platform/signature.ts';

const secret = 'webhook-secret';
const sign = (body: string) => `sha256=${hmacHex(secret, body)}`;

describe('signed Salesforce changes', () => {
  it('turns a signed change list into inbox items', () => {
    const body = JSON.stringify({
      changes: [
        { sobject: 'Lead', id: '00Q5g00000AbCdEEAV', at: '2026-11-24T10:00:00Z', fields: { Status: 'Qualified' } },
        { sobject: 'Contact', id: '0035g00000AbCdE' },
      ],
    });
    const r = receiveSignedChanges({ rawBody: body, signature: sign(body) }, { secret });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.items[0]).toMatchObject({
      source: 'salesforce',
      dedupKey: 'salesforce:json:Lead:00Q5g00000AbCdEEAV:2026-11-24T10:00:00Z',
      body: {
        kind: 'change',
        ref: { object: 'Lead', id: '00Q5g00000AbCdEEAV', at: '2026-11-24T10:00:00.000Z' },
        hint: { Status: 'Qualified' },
      },
    });
    const again = receiveSignedChanges({ rawBody: body, signature: sign(body) }, { secret });
    expect(again.ok && again.items[1].dedupKey === r.items[1].dedupKey).toBe(true);
  });

  it('answers 401 for a bad signature and 400 naming the bad field', () => {
    const body = JSON.stringify({ changes: [{ sobject: 'Lead', id: 'nope' }] });
    expect(receiveSignedChanges({ rawBody: body, signature: 'sha256=' + '0'.repeat(64) }, { secret })).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(receiveSignedChanges({ rawBody: body, signature: sign(body) }, { secret })).toMatchObject({
      ok: false,
      status: 400,
      field: 'changes.0.id',
    });
    const many = JSON.stringify({
      changes: Array.from({ length: 201 }, () => ({ sobject: 'Lead', id: '00Q5g00000AbCdEEAV' })),
    });
    expect(receiveSignedChanges({ rawBody: many, signature: sign(many) }, { secret })).toMatchObject({
      ok: false,
      status: 400,
      field: 'changes',
    });
    expect(receiveSignedChanges({ rawBody: '{', signature: sign('{') }, { secret })).toMatchObject({
      ok: false,
      status: 400,
    });
  });
});
