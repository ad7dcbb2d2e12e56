/**
 * A stand-in for `baton serve`, run by the demo only while `src/cli/serve.ts` does not exist yet:
 * the same environment, the same modules (store, live config, connectors, runtime, createApp),
 * wired the way the end-to-end harness wires them. Delete once serve lands.
 */
import { createServer } from 'node:http';
import { createHubSpotConnector } from '../../hubspot/index.ts';
import { createSalesforceConnector, salesforceOptionsFromEnv } from '../../salesforce/index.ts';
import type { Connector } from '../../types.ts';
import type { PipelineContext } from '../../../src/pipeline/context.ts';
import { liveConfig } from '../../../src/pipeline/live-config.ts';
import { createMetrics } from '../../../src/pipeline/metrics.ts';
import { createRuntime } from '../../../src/pipeline/runtime.ts';
import { logger } from '../../../src/platform/logger.ts';
import { createApp } from '../../../src/server/app.ts';
import { connectorReceivers } from '../../../src/server/receivers.ts';
import { openStore } from '../../../src/store/index.ts';

const env = process.env;
const store = await openStore(env.BATON_DATABASE_URL ?? 'sqlite:./data/baton.db', { migrate: true });
const config = liveConfig(env.BATON_CONFIG_DIR ?? './mappings', store, logger);
const loaded = await config.reload();
if (!loaded.ok) throw new Error(loaded.message);
const fields = config.current()!.fields;
const connectors: Record<string, Connector> = {};
if (env.HUBSPOT_ACCESS_TOKEN) connectors.hubspot = createHubSpotConnector({ accessToken: env.HUBSPOT_ACCESS_TOKEN, baseUrl: env.HUBSPOT_BASE_URL, clientSecret: env.HUBSPOT_CLIENT_SECRET, fields });
const sf = salesforceOptionsFromEnv(env, fields);
if (sf) connectors.salesforce = createSalesforceConnector(sf);
for (const c of Object.values(connectors)) for (const p of await c.start()) logger.warn('connector problem', { crm: c.crm, problem: p });
const ctx: PipelineContext = {
  store,
  connectors,
  config: () => config.current(),
  now: () => new Date(),
  instanceId: `stand-in-${process.pid}`,
  metrics: createMetrics(`stand-in-${process.pid}`),
  log: logger.child({ module: 'serve' }),
};
const runtime = createRuntime(ctx, { pollIntervalS: Number(env.BATON_POLL_INTERVAL ?? 60) });
const app = await createApp({
  ctx,
  token: env.BATON_API_TOKEN!,
  webhookSecret: env.BATON_WEBHOOK_SECRET,
  publicUrl: env.BATON_PUBLIC_URL,
  notify: () => runtime.notify(),
  receivers: connectorReceivers({ hubspotClientSecret: env.HUBSPOT_CLIENT_SECRET, salesforceOrgId: env.SALESFORCE_ORG_ID, webhookSecret: env.BATON_WEBHOOK_SECRET }),
});
const server = createServer(app);
server.listen(Number(env.PORT ?? 3000), '127.0.0.1', () => logger.info('stand-in serve listening', { port: env.PORT }));
runtime.start();
const shutdown = async () => {
  server.close();
  await runtime.stop();
  for (const c of Object.values(connectors)) await c.stop();
  config.close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
