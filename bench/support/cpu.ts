/** CPU seconds (user + system) a process has used, from /proc (Linux); NaN elsewhere. */
import { readFileSync } from 'node:fs';

export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
