import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU seconds this process used, and those of its children it has waited for (moto, the demo's processes, the
 * import-timing node processes): a figure the machine's other load does not inflate the way it does wall time.
 * Linux only (/proc); elsewhere the children's share is unknown.
 */
export function cpuSeconds(): { readonly own: number; readonly children: number | undefined } {
  const usage = process.cpuUsage();
  const own = (usage.user + usage.system) / 1e6;
  try {
    // Fields after the command name (which may hold spaces): utime is the 14th field, cutime/cstime the 16th/17th.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const children = (Number(fields[13]) + Number(fields[14])) / ticks;
    return { own, children: Number.isFinite(children) ? children : undefined };
  } catch {
    return { own, children: undefined };
  }
}
