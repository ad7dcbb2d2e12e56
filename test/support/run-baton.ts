/** Runs `baton ARGS` in this process (the CLI's `main`), with `env` stubbed; returns the exit code and what it printed. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

export async function runBaton(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const keep = (...a: unknown[]) => void lines.push(a.join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(keep);
  const error = vi.spyOn(console, 'error').mockImplementation(keep);
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  try {
    return { code: await main(args), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    vi.unstubAllEnvs();
  }
}
