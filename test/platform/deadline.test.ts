import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotApi } from '../../connectors/hubspot/client.ts';
import { createCallGuard } from '../../src/platform/deadline.ts';
import { CrmError } from '../../src/platform/errors.ts';

const never = () => new Promise<never>(() => {});

async function failure(p: Promise<unknown>): Promise<CrmError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CrmError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('the deadline and circuit of a CRM', () => {
  it('abandons a call past its deadline as a retryable timeout', async () => {
    const guard = createCallGuard('hubspot', { timeoutMs: 30 });
    const err = await failure(guard.run('batch read', never));
    expect(err).toMatchObject({ code: 'crm_timeout', retryable: true, crm: 'hubspot' });
    expect(err.message).toMatch(/batch read: no answer within 30 ms/);
    expect(guard.openReason()).toBeNull();
  });

  it("counts the HTTP stack's own timeouts (a connect timeout) toward the circuit, not as answers", async () => {
    const guard = createCallGuard('salesforce', { timeoutMs: 1000, openAfter: 2 });
    const connectTimeout = () =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
        }),
      );
    for (let i = 0; i < 2; i++) await expect(guard.run('query', connectTimeout)).rejects.toThrow('fetch failed');
    expect(guard.openReason()).toMatch(/salesforce did not answer 2 calls in a row/);
  });

  it('opens after timeouts in a row, refuses at once with the time left, and closes on the first answer of a probe', async () => {
    let t = 0;
    const changes: boolean[] = [];
    const guard = createCallGuard('salesforce', {
      timeoutMs: 10,
      openAfter: 3,
      openMs: 1000,
      now: () => t,
      onChange: (open) => changes.push(open),
    });
    for (let i = 0; i < 3; i++) await failure(guard.run('query', never));
    expect(guard.openReason()).toMatch(/salesforce did not answer 3 calls in a row within 10 ms/);
    let calls = 0;
    const refused = await failure(guard.run('query', async () => ++calls));
    expect(refused).toMatchObject({ code: 'crm_unresponsive', retryable: true, retryAfterMs: 1000 });
    expect(calls).toBe(0);
    t = 400;
    expect(() => guard.check('query')).toThrow(/not tried/);

    // The time is up: one probe goes; while it runs, others are still refused.
    t = 1000;
    let release: (v: string) => void = () => {};
    const probe = guard.run('query', () => new Promise<string>((ok) => (release = ok)));
    await failure(guard.run('query', async () => 'second'));
    release('answered');
    expect(await probe).toBe('answered');
    expect(guard.openReason()).toBeNull();
    expect(await guard.run('query', async () => 'closed')).toBe('closed');
    expect(changes).toEqual([true, false]);
  });

  it('re-opens when the probe times out too', async () => {
    let t = 0;
    const guard = createCallGuard('hubspot', { timeoutMs: 10, openAfter: 1, openMs: 100, now: () => t });
    await failure(guard.run('read', never));
    t = 100;
    await failure(guard.run('read', never));
    expect((await failure(guard.run('read', async () => 1))).code).toBe('crm_unresponsive');
  });

  it('counts an error answer as an answer: only timeouts open the circuit', async () => {
    const guard = createCallGuard('hubspot', { timeoutMs: 10, openAfter: 2 });
    await failure(guard.run('read', never));
    await expect(guard.run('read', () => Promise.reject(new Error('HTTP 500')))).rejects.toThrow('HTTP 500');
    await failure(guard.run('read', never));
    expect(guard.openReason()).toBeNull();
  });
});

describe('a HubSpot that accepts connections and never answers', () => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => void sockets.add(socket));
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((ok) => server.close(ok));
  });

  it('is abandoned at the deadline, retried by the retry policy, then not called while the circuit is open', async () => {
    const api = createHubSpotApi({
      accessToken: 'pat-hang',
      baseUrl: url,
      timeoutMs: 200,
      retries: 2,
      retryMinTimeoutMs: 10,
    });
    try {
      const err = await failure(api.call('read', 'contacts batch read', (sdk) => sdk.crm.contacts.basicApi.getPage(1)));
      expect(err.code).toBe('crm_timeout');
      expect(api.counts.read).toBe(3);
      // Two more timeouts open the circuit (5 in a row); then calls are refused without a socket.
      await failure(api.call('read', 'again', (sdk) => sdk.crm.contacts.basicApi.getPage(1)));
      expect(api.guard.openReason()).toMatch(/hubspot did not answer 5 calls/);
      const before = sockets.size;
      const refused = await failure(api.call('read', 'while open', (sdk) => sdk.crm.contacts.basicApi.getPage(1)));
      expect(refused.code).toBe('crm_unresponsive');
      expect(sockets.size).toBe(before);
    } finally {
      await api.close();
    }
  }, 20_000);
});
