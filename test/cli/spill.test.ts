import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Spill } from '../../src/cli/spill.ts';

function sink(): { out: Writable; text: () => string } {
  const parts: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, done) {
      parts.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  return { out, text: () => Buffer.concat(parts).toString('utf8') };
}

async function fill(spill: Spill, n: number): Promise<string> {
  let expected = '';
  for (let i = 0; i < n; i++) {
    const piece = `${i ? ',' : ''}\n{"email":"p${i}@é.example"}`;
    spill.add(piece);
    expected += piece;
    if (i % 100 === 0) await spill.flush();
  }
  return expected;
}

describe('Spill', () => {
  it('gives back what was added, in order, from memory', async () => {
    const spill = new Spill();
    const expected = await fill(spill, 1000);
    const { out, text } = sink();
    await spill.drainTo(out);
    expect(text()).toBe(expected);
  });

  it('gives back the same past its limit, through a temporary file it then removes', async () => {
    const spill = new Spill(1000);
    const expected = await fill(spill, 5000);
    const dir = (spill as unknown as { dir: string | null }).dir;
    expect(dir && existsSync(dir)).toBe(true);
    const { out, text } = sink();
    await spill.drainTo(out);
    expect(text()).toBe(expected);
    expect(existsSync(dir!)).toBe(false);
  });
});
