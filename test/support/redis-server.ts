/** A Redis of a test's own on a free loopback port, so a test can stop and start it without touching the shared one. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const address = server.address();
  await new Promise((ok) => server.close(ok));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Starts `redis-server` without persistence on `port`; resolves once it accepts connections. */
export function startRedis(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) ok(child);
    });
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}`)));
  });
}

/** Kills it at once, as a crash or a lost host would. */
export async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGKILL');
  await exited;
}
