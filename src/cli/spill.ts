/**
 * Text produced before it may be printed (`simulate --json` prints the counts ahead of the people),
 * held in large chunks in memory up to a limit and in a temporary file past it, so a million
 * people never sit in memory at once.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';

const CHUNK_CHARS = 1 << 16;

/** Writes and waits for the stream to drain when its buffer is full. */
export function write(out: Writable, text: string): Promise<void> | void {
  if (out.write(text)) return;
  return new Promise((resolve) => out.once('drain', resolve));
}

export class Spill {
  private chunk = '';
  private held: string[] = [];
  private heldChars = 0;
  private dir: string | null = null;
  private file: FileHandle | null = null;

  private readonly limit: number;

  /** `limit`: characters kept in memory before the rest goes to a temporary file. */
  constructor(limit = 32 << 20) {
    this.limit = limit;
  }

  /** Appends text; call `flush` now and then (it is where the file is written). */
  add(text: string): void {
    this.chunk += text;
  }

  /** True when the current chunk is large enough to be moved on. */
  get full(): boolean {
    return this.chunk.length >= CHUNK_CHARS;
  }

  /** Moves the current chunk to memory or, past the limit, to the file. */
  async flush(): Promise<void> {
    if (this.chunk === '') return;
    const text = this.chunk;
    this.chunk = '';
    if (this.file === null && this.heldChars + text.length <= this.limit) {
      this.held.push(text);
      this.heldChars += text.length;
      return;
    }
    if (this.file === null) {
      this.dir = await mkdtemp(join(tmpdir(), 'baton-spill-'));
      this.file = await open(join(this.dir, 'spill'), 'w+');
    }
    await this.file.write(text);
  }

  /** Writes everything added, in order, to `out`, then removes the file. */
  async drainTo(out: Writable): Promise<void> {
    await this.flush();
    for (const text of this.held) await write(out, text);
    this.held = [];
    if (this.file === null || this.dir === null) return;
    await this.file.close();
    this.file = null;
    const path = join(this.dir, 'spill');
    try {
      for await (const buf of createReadStream(path, { highWaterMark: 1 << 20 })) {
        if (!out.write(buf)) await new Promise((resolve) => out.once('drain', resolve));
      }
    } finally {
      await this.discard();
    }
  }

  /** Removes the temporary file, if any. */
  async discard(): Promise<void> {
    if (this.file) await this.file.close();
    this.file = null;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}
