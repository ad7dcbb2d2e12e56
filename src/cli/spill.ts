/**
 * Text produced before it may be printed (`simulate --json` prints the counts ahead of the people),
 * held in large chunks in memory up to a limit and in a temporary file past it, so a million
 * people never sit in memory at once. Each 64 KiB of text becomes bytes outside the JS heap at
 * once: kept as strings, the pieces outlived the young generation and grew the old one (RSS of
 * 700 MiB for a million people, where the live data was a tenth of it).
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
  /** Chunks made bytes, not yet placed in memory or the file. */
  private pending: Buffer[] = [];
  private held: Buffer[] = [];
  private heldBytes = 0;
  private dir: string | null = null;
  private file: FileHandle | null = null;

  private readonly limit: number;

  /** `limit`: bytes kept in memory before the rest goes to a temporary file. */
  constructor(limit = 16 << 20) {
    this.limit = limit;
  }

  /** Appends text; call `flush` now and then (it is where the file is written). */
  add(text: string): void {
    this.chunk += text;
    if (this.chunk.length >= CHUNK_CHARS) this.cut();
  }

  private cut(): void {
    if (this.chunk === '') return;
    this.pending.push(Buffer.from(this.chunk, 'utf8'));
    this.chunk = '';
  }

  /** Moves what was added to memory or, past the limit, to the file. */
  async flush(): Promise<void> {
    this.cut();
    const pending = this.pending;
    this.pending = [];
    for (const bytes of pending) {
      if (this.file === null && this.heldBytes + bytes.length <= this.limit) {
        this.held.push(bytes);
        this.heldBytes += bytes.length;
        continue;
      }
      if (this.file === null) {
        this.dir = await mkdtemp(join(tmpdir(), 'baton-spill-'));
        this.file = await open(join(this.dir, 'spill'), 'w+');
      }
      await this.file.write(bytes);
    }
  }

  /** Writes everything added, in order, to `out`, then removes the file. */
  async drainTo(out: Writable): Promise<void> {
    await this.flush();
    for (const bytes of this.held) {
      if (!out.write(bytes)) await new Promise((resolve) => out.once('drain', resolve));
    }
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
