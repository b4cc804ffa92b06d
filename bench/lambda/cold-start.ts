import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface ColdStart {
  /** From spawn to the module imported (its top level run). */
  importMs: number;
  /** From spawn to the handler's answer to the one event. */
  answerMs: number;
}

/**
 * What runs in the fresh process: import the module, say so, hand the handler the one event, say so with
 * the answer, and exit (open sockets kept alive would hold the process otherwise).
 */
const CHILD = `
const [moduleUrl, eventJson] = process.argv.slice(1);
const { handler } = await import(moduleUrl);
process.stdout.write('imported\\n');
try {
  const context = { awsRequestId: 'cold-start', functionName: 'cold-start', getRemainingTimeInMillis: () => 900000 };
  const answer = await handler(JSON.parse(eventJson), context);
  process.stdout.write('answered ' + JSON.stringify(answer ?? null).slice(0, 300) + '\\n');
  process.exit(0);
} catch (error) {
  process.stdout.write('failed ' + String(error?.stack ?? error).replaceAll('\\n', ' | ') + '\\n');
  process.exit(1);
}
`;

/**
 * A fresh `node` process that imports `modulePath` (an ESM file exporting `handler`) and hands its handler
 * one event, with exactly `environment` as its environment; times both steps from the spawn, as the parent
 * sees each line arrive. Rejects when the handler fails, with its error.
 */
export function coldStart(
  modulePath: string,
  event: unknown,
  environment: Record<string, string>,
): Promise<ColdStart & { answer: string }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD, pathToFileURL(modulePath).href, JSON.stringify(event)],
    { env: environment, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let importMs: number | undefined;
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now();
      stdout += chunk.toString();
      if (importMs === undefined && stdout.includes('imported\n')) importMs = now - started;
      const answered = /^answered (.*)$/m.exec(stdout);
      if (answered && importMs !== undefined)
        resolve({ importMs, answerMs: now - started, answer: answered[1] as string });
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${modulePath} exited ${code}: ${stdout}${stderr}`.slice(0, 2000)));
    });
  });
}
