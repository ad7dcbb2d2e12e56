/**
 * The reference of `bench:intake`: a bare node:http server that only reads the body, parses the
 * JSON and answers 202 — what any Node service costs per request before it does any work.
 * Run as a child: prints its port on stdout, stops on SIGTERM.
 */
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown };
      res
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ accepted: 1, duplicates: 0, id: event.id }));
    } catch {
      res.writeHead(400).end();
    }
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => console.log(String((server.address() as { port: number }).port)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
// Never outlive the benchmark that started it.
setTimeout(() => process.exit(0), 10 * 60_000).unref();
