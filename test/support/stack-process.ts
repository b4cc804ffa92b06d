import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = 'node_modules/.bin/tsx';
const BANNER_URL = /ACM API:\s+(http:\/\/127\.0\.0\.1:\d+)\s/;
const OUTPUT_LIMIT = 40_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StackProcess {
  /** The tsx process; it leads a process group that also holds the node process running the stack. */
  readonly pid: number;
  /**
   * The pid of the node process that runs the service: tsx (the group leader) runs it as its child. Undefined
   * once it is gone, or without procfs.
   */
  servicePid(): Promise<number | undefined>;
  /** The ACM API URL, read from the banner. */
  readonly url: string;
  /** stdout and stderr so far (the tail). */
  output(): string;
  /**
   * Sends `signal` to the whole process group and waits until every process of it is gone. SIGKILL to the
   * tsx pid alone would leave the node process it runs (the service itself) alive and holding the data
   * directory, so `kill -9` of "the service" means the group.
   */
  kill(signal?: NodeJS.Signals): Promise<ExitStatus>;
  /**
   * SIGTERM to the service, as a service manager sends it; SIGKILL to the group after `timeoutMs`. The
   * signal goes to the node process tsx runs, not to tsx: tsx relays a signal it receives, and when the child
   * does not acknowledge it within 30 ms (a loaded machine) it kills the child and exits 143.
   */
  terminate(timeoutMs?: number): Promise<ExitStatus & { timedOut: boolean }>;
}

const running = new Set<RunningProcess>();
let exitHookInstalled = false;

interface RunningProcess {
  child: ChildProcess;
  exited: Promise<ExitStatus>;
}

/**
 * Runs `tsx bin/certwright.ts start <args>` from the repository root as its own process group and waits for
 * the banner. CERTWRIGHT_* variables of the test environment are not passed on: only `args` configure it
 * (and `env`, added last).
 */
export async function startStackProcess(
  args: string[],
  options: { readyTimeoutMs?: number; env?: Record<string, string> } = {},
): Promise<StackProcess> {
  installExitHook();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('CERTWRIGHT_')),
  );
  const child = spawn(TSX, ['bin/certwright.ts', 'start', ...args], {
    cwd: REPO_ROOT,
    env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${TSX} in ${REPO_ROOT}`);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const entry: RunningProcess = { child, exited };
  running.add(entry);

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> => {
    signalGroup(pid, signal);
    const status = await exited;
    await groupGone(pid);
    running.delete(entry);
    return status;
  };

  let url: string;
  try {
    url = await waitForBanner(() => output, exited, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }

  return {
    pid,
    url,
    output: () => output,
    servicePid: () => childOf(pid),
    kill,
    async terminate(timeoutMs = 15_000) {
      const service = await childOf(pid);
      if (service === undefined) signalGroup(pid, 'SIGTERM');
      else signalProcess(service, 'SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(timeoutMs).then(() => true)]);
      const status = await kill('SIGKILL');
      return { ...status, timedOut };
    },
  };
}

/** Kills (kill -9) every stack process still running and waits until they are gone; for afterEach/afterAll. */
export async function killStackProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (entry) => {
      const pid = entry.child.pid;
      if (pid !== undefined) {
        signalGroup(pid, 'SIGKILL');
        await entry.exited;
        await groupGone(pid);
      }
      running.delete(entry);
    }),
  );
}

async function waitForBanner(
  output: () => string,
  exited: Promise<ExitStatus>,
  timeoutMs: number,
): Promise<string> {
  let exitStatus: ExitStatus | undefined;
  void exited.then((status) => {
    exitStatus = status;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = BANNER_URL.exec(output());
    if (match?.[1]) return match[1];
    if (exitStatus) {
      throw new Error(`certwright exited (${JSON.stringify(exitStatus)}) before its banner:\n${output()}`);
    }
    if (Date.now() > deadline) throw new Error(`no banner within ${timeoutMs} ms:\n${output()}`);
    await sleep(25);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  signalProcess(-pgid, signal);
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The live process whose parent is `parent` (tsx's child: the node process running the service). */
async function childOf(parent: number): Promise<number | undefined> {
  for (const { pid, ppid, state } of await processes()) {
    if (ppid === parent && state !== 'Z' && state !== 'X') return pid;
  }
  return undefined;
}

interface ProcessStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
}

/** Every process in /proc (empty without procfs). */
async function processes(): Promise<ProcessStat[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const stats: ProcessStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "<pid> (<comm>) <state> <ppid> <pgrp> ..."; comm may contain spaces and parentheses.
    const [state = '', ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    stats.push({ pid: Number(entry), state, ppid: Number(ppid), pgrp: Number(pgrp) });
  }
  return stats;
}

/** Waits until no live (non-zombie) process is left in the group: its ports and files are released then. */
async function groupGone(pgid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await groupAlive(pgid)) {
    if (Date.now() > deadline) throw new Error(`process group ${pgid} still alive after ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function groupAlive(pgid: number): Promise<boolean> {
  try {
    await readdir('/proc');
  } catch {
    // No procfs: a zombie counts as alive here, but is reaped soon.
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return (await processes()).some(({ pgrp, state }) => pgrp === pgid && state !== 'Z' && state !== 'X');
}

/** Last resort if the test process exits without its hooks: no stack outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const entry of running) if (entry.child.pid !== undefined) signalGroup(entry.child.pid, 'SIGKILL');
  });
}
