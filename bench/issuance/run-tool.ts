import { execFile } from 'node:child_process';

const TOOL_TIMEOUT_MS = 60_000;

/** Runs a command line tool to completion; rejects with its stderr when it fails or runs past a minute. */
export function runTool(command: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, timeout: TOOL_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 4 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
