/**
 * A CRM that accepts connections and never answers (a loopback stand-in): a call abandoned at its
 * deadline closes its socket then, for both SDKs — the HubSpot SDK's http agent, Baton's raw
 * HubSpot requests (fetch) and jsforce's undici dispatcher — instead of leaving it open until the
 * HTTP stack's own timeout (minutes), so an outage does not pile up sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHubSpotApi } from '../../connectors/hubspot/client.ts';
import { SalesforceClient } from '../../connectors/salesforce/client.ts';
import type { FieldsConfig } from '../../src/config/schema.ts';

const DEADLINE_MS = 300;

let server: Server;
let base: string;
const sockets: { socket: Socket; openedAt: number; closedAt?: number }[] = [];

beforeAll(async () => {
  // Reads every request and never answers it.
  server = createServer(() => undefined);
  server.on('connection', (socket) => {
    const entry: (typeof sockets)[number] = { socket, openedAt: Date.now() };
    sockets.push(entry);
    socket.on('close', () => (entry.closedAt = Date.now()));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

/** Runs `call`, which must fail as an abandoned call; returns the sockets it opened, once they all closed. */
async function abandoned(call: () => Promise<unknown>): Promise<(typeof sockets)[number][]> {
  const from = sockets.length;
  const t0 = Date.now();
  await expect(call()).rejects.toMatchObject({ code: 'crm_timeout' });
  expect(Date.now() - t0).toBeLessThan(DEADLINE_MS + 1000);
  const mine = sockets.slice(from);
  expect(mine.length).toBeGreaterThan(0);
  const end = Date.now() + 2000;
  while (mine.some((s) => s.closedAt === undefined) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return mine;
}

/** Each socket was closed by the client within the deadline (plus scheduling slack), not minutes later. */
function closedAtTheDeadline(mine: (typeof sockets)[number][]): void {
  for (const s of mine) {
    expect(s.closedAt).toBeDefined();
    expect(s.closedAt! - s.openedAt).toBeLessThan(DEADLINE_MS + 500);
  }
}

it('HubSpot: the SDK call abandoned at its deadline closes its socket', async () => {
  const api = createHubSpotApi({ accessToken: 'pat-hang', baseUrl: base, retries: 0, timeoutMs: DEADLINE_MS });
  try {
    const mine = await abandoned(() =>
      api.call('read', 'read a contact', (sdk) => sdk.crm.contacts.basicApi.getById('1')),
    );
    closedAtTheDeadline(mine);
    // Baton's raw requests (the legacy marketing endpoints) too.
    closedAtTheDeadline(
      await abandoned(() => api.request('form submissions', { path: '/form-integrations/v1/submissions/forms/x' })),
    );
  } finally {
    await api.close();
  }
});

it('Salesforce: the jsforce call abandoned at its deadline closes its socket', async () => {
  const client = new SalesforceClient({
    instanceUrl: base,
    accessToken: 'session-hang',
    fields: {} as FieldsConfig,
    timeoutMs: DEADLINE_MS,
    retry: { retries: 0 },
  });
  closedAtTheDeadline(
    await abandoned(() => client.call('query', (c) => c.query('SELECT Id FROM Lead') as unknown as Promise<unknown>)),
  );
});
