import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachLine } from '../../src/platform/file-lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'baton-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function viaReadline(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity }))
    out.push(line);
  return out;
}

async function viaBytes(path: string): Promise<string[]> {
  const out: string[] = [];
  await forEachLine(path, (bytes, start, stop) => out.push(bytes.toString('utf8', start, stop)));
  return out;
}

describe('forEachLine', () => {
  it('ends lines where readline does: \\n, \\r\\n, a lone \\r, the last line without a break', async () => {
    const piece = fc.constantFrom('\n', '\r\n', '\r', '', 'a', '{"x":1}', ' ', 'é', '\r\r\n', '\n\n');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), async (pieces) => {
        const path = join(dir, 'lines.txt');
        writeFileSync(path, pieces.join(''));
        expect(await viaBytes(path)).toEqual(await viaReadline(path));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a line longer than its buffer and a \\r\\n split across two reads', async () => {
    const path = join(dir, 'long.txt');
    const long = 'x'.repeat((1 << 22) + 17);
    // The first read ends on the \r of a \r\n: it must still be one break.
    const head = 'y'.repeat((1 << 22) - 1);
    writeFileSync(path, `${head}\r\n${long}\nlast`);
    const lines = await viaBytes(path);
    expect(lines.map((l) => l.length)).toEqual([head.length, long.length, 4]);
    expect(lines).toEqual(await viaReadline(path));
  });

  it('reports the bytes read after each chunk', async () => {
    const path = join(dir, 'count.txt');
    writeFileSync(path, 'a\nb\n');
    const seen: number[] = [];
    await forEachLine(
      path,
      () => undefined,
      (n) => {
        seen.push(n);
      },
    );
    expect(seen.at(-1)).toBe(4);
  });
});
