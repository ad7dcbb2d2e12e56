/**
 * The agreement's change workflow through the API, on the store `BATON_TEST_STORE` names: a draft
 * approved by one owner stays a draft, by both goes live; an edit after an approval voids it; a
 * viewer and the API token cannot approve; a changed text under a live number is refused naming
 * both hashes; `effective:` holds an approved version until its time; history and diffs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agreementHash } from '../../../src/config/agreement-text.ts';
import { API_TOKEN, draftOf, serveAgreement, type AgreementServed } from './harness.ts';

let s: AgreementServed;
beforeEach(async () => {
  s = await serveAgreement();
});
afterEach(async () => {
  await s.close();
});

const draft = async (token = API_TOKEN) => (await s.call('GET', '/api/agreement/draft', token)).body;

describe('approvals bound to the draft hash', () => {
  it('one owner leaves a draft; an edit voids the approval; both owners make it live; viewer and API token get 403', async () => {
    expect(s.config.current()!.version).toBe(7);
    const v8 = draftOf(s.original);
    await s.writeAgreement(v8);
    const d = (await draft(s.tokens.dana)).draft;
    expect(d).toMatchObject({ version: 8, status: 'draft', hash: agreementHash(v8), missing: ['marketing', 'sales'] });
    expect(d.approvals).toEqual([]);
    expect(d.live).toEqual({ version: 7, hash: agreementHash(s.original) });
    expect(d.diff).toContain('-          - { score: fit, gte: 40 }');
    expect(d.diff).toContain('+          - { score: fit, gte: 45 }');
    expect(d.you).toMatchObject({ name: 'Dana Lee', side: 'marketing', can_approve: true });

    const viewer = await s.call('POST', '/api/agreement/approve', s.tokens.vic, { hash: d.hash });
    expect(viewer.status).toBe(403);
    expect(viewer.body.message).toMatch(/viewer/);
    expect((await s.call('POST', '/api/agreement/approve', API_TOKEN, { hash: d.hash })).status).toBe(403);
    expect((await draft(s.tokens.vic)).draft.you).toMatchObject({ role: 'viewer', can_approve: false });

    const one = await s.call('POST', '/api/agreement/approve', s.tokens.dana, { hash: d.hash });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ side: 'marketing', recorded: true, live: null });
    expect(one.body.draft).toMatchObject({ status: 'draft', missing: ['sales'] });
    expect(one.body.draft.approvals).toEqual([
      expect.objectContaining({ side: 'marketing', name: 'Dana Lee', email: 'dana@acme.example', via: 'api' }),
    ]);
    expect(s.config.current()!.version).toBe(7);

    // An edit after the approval: a new hash, which no approval covers.
    const edited = draftOf(s.original, 8, 50);
    await s.writeAgreement(edited);
    const after = (await draft()).draft;
    expect(after).toMatchObject({ hash: agreementHash(edited), missing: ['marketing', 'sales'], approvals: [] });
    // An approval of the text read before the edit is refused and records nothing.
    const stale = await s.call('POST', '/api/agreement/approve', s.tokens.raj, { hash: d.hash });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/the draft changed since it was read/);
    expect((await draft()).draft.approvals).toEqual([]);

    expect(
      (await s.call('POST', '/api/agreement/approve', s.tokens.raj, { hash: after.hash })).body.draft,
    ).toMatchObject({ missing: ['marketing'] });
    const both = await s.call('POST', '/api/agreement/approve', s.tokens.dana, { hash: after.hash });
    expect(both.body).toMatchObject({ side: 'marketing', live: { version: 8 }, draft: null });
    expect(s.config.current()!.version).toBe(8);
    expect(s.config.current()!.agreementConfig.stages.mql).toMatchObject({
      any: [{ all: [{ score: 'fit', gte: 50 }, expect.anything()] }, expect.anything()],
    });
    expect((await draft()).draft).toBeNull();

    const versions = (await s.call('GET', '/api/agreement/versions', API_TOKEN)).body.versions;
    expect(versions.map((v: { version: number; live: boolean }) => [v.version, v.live])).toEqual([
      [8, true],
      [7, false],
    ]);
    expect(versions[1].live_to).toBe(versions[0].live_from);
    expect(versions[0].live_to).toBeNull();
    expect(versions[0].approvals.map((a: { side: string; via: string }) => `${a.side}:${a.via}`)).toEqual([
      'marketing:api',
      'sales:api',
    ]);
    // v7 was approved by dates in the file: Baton recorded the hash it saw them under.
    expect(versions[1].approvals).toEqual([
      expect.objectContaining({ side: 'marketing', via: 'file', approved_on: '2026-11-01' }),
      expect.objectContaining({ side: 'sales', via: 'file', approved_on: '2026-11-03' }),
    ]);
    const detail = (await s.call('GET', '/api/agreement/versions/8', API_TOKEN)).body;
    expect(detail).toMatchObject({ version: 8, text: edited, hash: agreementHash(edited), previous: 7 });
    expect(detail.diff).toMatch(/^--- agreement\.yaml v7 \(sha256 [0-9a-f]{12}\)\n\+\+\+ agreement\.yaml v8/);
    expect(detail.diff).toContain('+          - { score: fit, gte: 50 }');
    expect((await s.call('GET', '/api/agreement/versions/6', API_TOKEN)).status).toBe(404);
    expect((await s.call('GET', '/api/agreement/versions/x', API_TOKEN)).status).toBe(400);
  });

  it('refuses a changed text under the live number, naming both hashes; nothing to approve', async () => {
    const edited = s.original.replace('{ score: fit, gte: 40 }', '{ score: fit, gte: 41 }');
    await s.writeAgreement(edited);
    const refused = await s.config.reload();
    expect(refused.ok).toBe(false);
    const live = agreementHash(s.original).slice(0, 12);
    const mine = agreementHash(edited).slice(0, 12);
    expect(refused.message).toMatch(
      new RegExp(
        `version 7 is a version already seen.*sha256 ${live}.*sha256 ${mine} under the same number\\. Raise version to 8`,
      ),
    );
    // The live version keeps its stored text: what stamps v7 is what v7 says.
    expect(s.config.current()!.agreementConfig.stages.mql).toMatchObject({
      any: [{ all: [{ score: 'fit', gte: 40 }, expect.anything()] }, expect.anything()],
    });
    expect((await s.store.listAgreementVersions()).map((v) => [v.version, v.hash])).toEqual([
      [7, agreementHash(s.original)],
    ]);
    expect((await draft()).draft).toMatchObject({ status: 'refused', version: 7 });
    const approve = await s.call('POST', '/api/agreement/approve', s.tokens.dana, {});
    expect(approve.status).toBe(409);
    expect(approve.body.message).toMatch(/Raise version to 8/);
  });

  it('an approved version with an effective time waits for it, then goes live', async () => {
    const v8 = draftOf(s.original).replace('\nscore:', '\neffective: 2026-12-02T09:00:00Z\n\nscore:');
    await s.writeAgreement(v8);
    await s.call('POST', '/api/agreement/approve', s.tokens.dana, {});
    const both = await s.call('POST', '/api/agreement/approve', s.tokens.raj, {});
    expect(both.body.draft).toMatchObject({ status: 'scheduled', effective: '2026-12-02T09:00:00Z', missing: [] });
    expect(both.body.draft.message).toMatch(/goes live at 2026-12-02T09:00:00\.000Z/);
    expect(s.config.current()!.version).toBe(7);
    s.clock.now = Date.parse('2026-12-02T09:00:00Z');
    await s.config.reload();
    expect(s.config.current()!.version).toBe(8);
    expect((await s.store.liveAgreementVersion())?.liveAt).toBe('2026-12-02T09:00:00.000Z');
  });

  it('every version going live passes through onLive, once', async () => {
    const seen: [number, number | null, boolean][] = [];
    s.config.onLive((e) => void seen.push([e.version, e.previous, e.firstTime]));
    await s.writeAgreement(draftOf(s.original));
    await s.call('POST', '/api/agreement/approve', s.tokens.dana, {});
    await s.call('POST', '/api/agreement/approve', s.tokens.raj, {});
    await s.config.reload();
    expect(seen).toEqual([[8, 7, true]]);
  });
});

describe('named users sign in', () => {
  const login = (token: string) =>
    fetch(`${s.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: new URLSearchParams({ token }).toString(),
    });

  it("a user's token signs in and works as a bearer; removing the user ends both; a wrong token is 401", async () => {
    const res = await login(s.tokens.raj);
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const asSession = () => fetch(`${s.url}/api/agreement/draft`, { headers: { cookie } });
    expect(await (await asSession()).json()).toEqual({ draft: null });
    await s.writeAgreement(draftOf(s.original));
    expect((await (await asSession()).json()).draft.you).toMatchObject({ name: 'Raj Patel', side: 'sales' });
    // an approval through the session is recorded as given on the dashboard
    const approve = await fetch(`${s.url}/api/agreement/approve`, {
      method: 'POST',
      headers: { cookie, origin: s.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect((await approve.json()).draft.approvals[0]).toMatchObject({ side: 'sales', via: 'dashboard' });
    expect((await s.call('GET', '/api/agreement/versions', s.tokens.raj)).status).toBe(200);

    expect(await s.store.removeUser('raj@acme.example')).toBe(true);
    expect((await asSession()).status).toBe(401);
    expect((await s.call('GET', '/api/agreement/versions', s.tokens.raj)).status).toBe(401);
    expect((await login(s.tokens.raj)).status).toBe(401);
    expect((await login('baton_u_not-a-token')).status).toBe(401);
    // the API token still signs in (machines, and the dashboard without named users)
    expect((await login(API_TOKEN)).status).toBe(303);
  });
});

it('a version stored before approvals were recorded shows the dates its stored owners carry', async () => {
  await s.store.saveAgreementVersion({
    version: 9,
    name: 'older store',
    text: 'name: older store\n',
    owners: {
      marketing: { name: 'Dana Lee', email: 'dana@acme.example', approved: '2026-10-01' },
      sales: { name: 'Raj Patel', email: 'raj@acme.example' },
    },
    hash: 'f'.repeat(64),
    liveAt: '2026-12-05T00:00:00.000Z',
  });
  const v9 = (await s.call('GET', '/api/agreement/versions/9', API_TOKEN)).body;
  expect(v9.approvals).toEqual([
    {
      side: 'marketing',
      name: 'Dana Lee',
      email: 'dana@acme.example',
      via: 'file',
      approved_on: '2026-10-01',
      at: '2026-12-05T00:00:00.000Z',
    },
  ]);
});
