import { readdir, readFile } from 'node:fs/promises';

export interface MemoryReading {
  /** Resident set size now (VmRSS), MiB. */
  rssMiB: number;
  /** Peak resident set size since the process started (VmHWM), MiB. */
  peakMiB: number;
}

/**
 * The pid of the process that runs the service in a stack process group. The group leader is the tsx
 * launcher, which only forwards signals; it runs the service in a child node process (node with tsx's loader),
 * so the service's memory is that child's. Spawning node with the loader directly would make the leader the
 * service, but the stack is started the way `npm start` starts it, through tsx, and the child is found here.
 */
export async function servicePid(launcherPid: number): Promise<number> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "<pid> (<comm>) <state> <ppid> ..."; comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === launcherPid) children.push(Number(entry));
  }
  if (children.length !== 1) {
    throw new Error(
      `expected one service process under the launcher ${launcherPid}, found ${children.length}`,
    );
  }
  return children[0] as number;
}

export async function readMemory(pid: number): Promise<MemoryReading> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
