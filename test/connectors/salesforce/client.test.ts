import { describe, expect, it } from 'vitest';
import winston from 'winston';
import Transport from 'winston-transport';
import { CrmError } from '../../../src/platform/errors.ts';
import { BASE, connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

class Capture extends Transport {
  lines: { level: string; message: string }[] = [];
  override log(info: { level: string; message: string }, next: () => void) {
    this.lines.push({ level: info.level, message: info.message });
    next();
  }
}

describe('Salesforce session and limits', () => {
  it('gets a token by client credentials, renews it on INVALID_SESSION_ID and the call succeeds', async () => {
    const api = freshOrg({ clientId: 'cid', clientSecret: 'secret' });
    const lead = api.org.insert('Lead', { LastName: 'A', Company: 'Acme' });
    const sf = connectorFor(api, { accessToken: undefined, clientId: 'cid', clientSecret: 'secret', loginUrl: BASE });
    await sf.start();
    expect(sf.integrationUserId).toBe(api.org.integrationUserId);
    api.expireSessions();
    const [rec] = await sf.read([{ crm: 'salesforce', object: 'Lead', id: lead.Id }]);
    expect(rec.id).toBe(lead.Id);
    const tokenCalls = api.calls('/services/oauth2/token', 'POST');
    expect(tokenCalls).toHaveLength(2);
    expect(tokenCalls[0].body).toContain('grant_type=client_credentials');
    expect(api.log.filter((r) => r.path.endsWith('/query')).length).toBe(2); // the 401, then the retry
  });

  it('with a bare access token an expired session is an error, not a loop', async () => {
    const api = freshOrg();
    const sf = connectorFor(api);
    api.expireSessions();
    await expect(sf.read([{ crm: 'salesforce', object: 'Lead', id: '00Q5g0000000000001' }])).rejects.toThrow(
      /INVALID_SESSION_ID|Session expired/,
    );
  });

  it('pauses at the configured share of the daily budget, with one log line', async () => {
    const api = freshOrg({ dailyLimit: 1000, used: 396 });
    const capture = new Capture();
    const logger = winston.createLogger({ level: 'info', transports: [capture] });
    const lead = api.org.insert('Lead', { LastName: 'A', Company: 'Acme' });
    const sf = connectorFor(api, { limits: { dailyBudgetShare: 0.4, budgetPauseMs: 60_000 }, logger });
    await sf.start(); // /limits, userinfo, describes: usage climbs past 400
    expect(sf.apiUsage()?.used).toBeGreaterThanOrEqual(400);
    const err = await sf.read([{ crm: 'salesforce', object: 'Lead', id: lead.Id }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmError);
    expect(err).toMatchObject({ code: 'salesforce_budget_paused', retryAfterMs: 60_000 });
    const [w] = await sf.write([
      {
        key: 'k',
        object: 'Lead',
        id: lead.Id,
        action: 'update',
        properties: { Baton_Stage__c: 'mql' },
        idempotencyKey: 'k',
      },
    ]);
    expect(w).toMatchObject({ status: 'retry', retryAfterMs: 60_000 });
    const pauses = capture.lines.filter((l) => l.level === 'warn' && l.message.includes('daily API budget reached'));
    expect(pauses).toHaveLength(1);
    expect(pauses[0].message).toContain('40%');
    const before = api.log.length;
    await sf.read([{ crm: 'salesforce', object: 'Lead', id: lead.Id }]).catch(() => undefined);
    expect(api.log.length).toBe(before); // nothing was sent while paused
  });
});
