/**
 * A file's lines as byte ranges, read in large chunks: no string per line unless the caller makes
 * one. Lines end as `readline` ends them (`\n`, `\r\n`, a lone `\r`; the last line needs none), so
 * line numbers are the ones `readline` would give.
 */
import { open } from 'node:fs/promises';

const CHUNK = 1 << 22;

/**
 * Calls `onLine(bytes, start, stop)` for each line of `path` in order (`bytes[start..stop)` is the
 * line without its break; the buffer is reused, so copy what must outlive the call). `onChunk`
 * runs after each chunk with the bytes read so far, and may return a promise to wait for.
 */
export async function forEachLine(
  path: string,
  onLine: (bytes: Buffer, start: number, stop: number) => void,
  onChunk?: (bytesRead: number) => Promise<void> | void,
): Promise<void> {
  const fh = await open(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(CHUNK);
    let have = 0; // bytes in buf
    let total = 0;
    let eof = false;
    while (!eof) {
      if (have === buf.length) {
        // One line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      if (bytesRead === 0) eof = true;
      have += bytesRead;
      total += bytesRead;
      let pos = 0;
      let cr = buf.indexOf(13, 0);
      if (cr >= have) cr = -1;
      while (pos < have) {
        let nl = buf.indexOf(10, pos);
        if (nl >= have) nl = -1;
        if (cr !== -1 && cr < pos) {
          cr = buf.indexOf(13, pos);
          if (cr >= have) cr = -1;
        }
        let stop: number;
        let next: number;
        if (cr !== -1 && (nl === -1 || cr < nl)) {
          // A `\r` at the end of what was read may be the first half of `\r\n`.
          if (cr + 1 === have && !eof) break;
          stop = cr;
          next = cr + 1 < have && buf[cr + 1] === 10 ? cr + 2 : cr + 1;
        } else if (nl !== -1) {
          stop = nl;
          next = nl + 1;
        } else if (eof) {
          stop = have;
          next = have;
        } else break;
        onLine(buf, pos, stop);
        pos = next;
      }
      if (pos > 0) {
        buf.copy(buf, 0, pos, have);
        have -= pos;
      }
      if (onChunk) await onChunk(total);
    }
  } finally {
    await fh.close();
  }
}
