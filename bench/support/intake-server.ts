/**
 * Baton's HTTP app and inbox without its workers, for `bench:intake --app-only`: `createApp` on a
 * SQLite store, connectors off, nothing processing what is accepted. Prints its port; SIGTERM stops it.
 * Usage (a child of the benchmark): node bench/support/intake-server.ts DATABASE_URL TOKEN
 */
import { createServer } from 'node:http';
import { createMetrics } from '../../src/pipeline/metrics.ts';
import { logger } from '../../src/platform/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { openStore } from '../../src/store/index.ts';

const [url, token] = process.argv.slice(2);
const store = await openStore(url);
const app = await createApp({
  ctx: {
    store,
    connectors: {},
    config: () => null,
    now: () => new Date(),
    instanceId: 'bench',
    metrics: createMetrics('bench'),
    log: logger,
  },
  token,
  receivers: {},
});
const server = createServer(app);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => console.log(String((server.address() as { port: number }).port)));
process.on('SIGTERM', () => server.close(() => void store.close().then(() => process.exit(0))));
setTimeout(() => process.exit(0), 10 * 60_000).unref();
