/** A writable stream that keeps what is written, for commands that print to a stream. */
import { Writable } from 'node:stream';

export class Sink extends Writable {
  chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(String(chunk));
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}
