/** The generated portal of the sandbox: a backfill through the real connector sees every generated contact once. */
import { setupServer } from 'msw/node';
import winston from 'winston';
import { afterEach, expect, test } from 'vitest';
import { createHubSpotConnector } from '../../../connectors/hubspot/index.ts';
import { FIRST_ID, withGeneratedContacts } from '../../../sandbox/hubspot/generated-portal.ts';
import { createFakeHubSpot } from '../../../sandbox/hubspot/index.ts';
import { mswHandlers } from '../../../sandbox/msw.ts';
import { BASE, FAST, fields } from './harness.ts';

let close = () => {};
afterEach(() => close());

test('a backfill of a generated portal delivers each contact once, with its generated properties, and counts every call', async () => {
  const fake = createFakeHubSpot({
    rateLimit: { limit: 100_000, windowMs: 1000 },
    searchLimit: { limit: 10_000, windowMs: 1000 },
  });
  const start = Date.parse('2020-01-01T00:00:00Z');
  const server = setupServer(
    ...mswHandlers(
      BASE,
      withGeneratedContacts(fake, {
        contacts: 2345,
        start,
        properties: (i) => ({ email: `g${i}@corp.example`, jobtitle: i % 2 ? 'CTO' : 'Engineer' }),
      }),
    ),
  );
  server.listen({ onUnhandledFrame: 'error' });
  const c = createHubSpotConnector({
    accessToken: 'pat-test',
    baseUrl: BASE,
    fields,
    limits: FAST,
    logger: winston.createLogger({ silent: true }),
    accountKey: `gen-${Math.random()}`,
  });
  close = () => {
    void c.stop();
    server.close();
  };
  const contacts = [];
  for await (const page of c.backfill(null, new Date(start + 1000 * 1000).toISOString()))
    contacts.push(...page.records.filter((r) => r.object === 'contact'));
  // --since skips the first 1,000 (modified a second apart from `start`)
  expect(contacts).toHaveLength(1345);
  expect(new Set(contacts.map((r) => r.id)).size).toBe(1345);
  const first = contacts.find((r) => r.id === String(FIRST_ID + 1000))!;
  expect(first.properties).toMatchObject({ email: 'g1000@corp.example', jobtitle: 'Engineer' });
  expect(first.modifiedAt).toBe(new Date(start + 1000 * 1000).toISOString());
  expect(fake.log.filter((l) => l.search).length).toBeGreaterThanOrEqual(7);
});
