import { join } from 'node:path';
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { EVENT_LOG_FILE } from '../../local/local-stack.ts';
import { ACCOUNT_A, makeDataDir, REGION } from '../../test/support/local-stack-harness.ts';
import { type StackProcess, startStackProcess } from '../../test/support/stack-process.ts';
import { IssuedEvents } from './issued-events.ts';
import { CA_KEY_TYPE, type KeyType } from './key-types.ts';
import { type MemoryReading, readMemory } from './service-memory.ts';

/** Names under it are in the stack's own DNS zone: the validation record is there as soon as it is written. */
const ZONE = 'bench.test';
const ISSUE_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 60_000;
const QUOTA = '1000000';

export interface CertwrightIssuer {
  /** RequestCertificate (DNS validation) for a fresh name, then its `ACM Certificate Available` event. */
  issue(keyType: KeyType): Promise<void>;
  /** The memory of the process that runs the service. */
  memory(): Promise<MemoryReading>;
  stop(): Promise<void>;
}

/**
 * The local stack in a process of its own (so its memory is its own), started as `npm start` starts it, with
 * a local zone and quotas raised so that thousands of requests fit.
 */
export async function startCertwrightIssuer(): Promise<CertwrightIssuer> {
  const { dataDir, cleanup } = await makeDataDir();
  let stack: StackProcess;
  try {
    stack = await startStackProcess(
      [
        ...['--data-dir', dataDir, '--port', '0', '--dns-port', '0', '--local-zones', ZONE],
        ...['--ca-key-algorithm', CA_KEY_TYPE],
        ...['--max-certificates', QUOTA, '--max-requests-per-year', QUOTA],
      ],
      { readyTimeoutMs: START_TIMEOUT_MS },
    );
  } catch (error) {
    await cleanup();
    throw new Error(`the local stack did not start: ${(error as Error).message}`);
  }
  const client = new ACMClient({ endpoint: stack.url, region: REGION, credentials: ACCOUNT_A });
  // The service runs in tsx's child process, as under `npm start`: its memory is that process's.
  const pid = await stack.servicePid();
  if (pid === undefined) {
    client.destroy();
    await stack.kill();
    await cleanup();
    throw new Error(`no service process under the launcher ${stack.pid}`);
  }
  let sequence = 0;

  const issued = new IssuedEvents(join(dataDir, EVENT_LOG_FILE));

  return {
    async issue(keyType) {
      const { CertificateArn } = await client.send(
        new RequestCertificateCommand({
          DomainName: `c${sequence++}.${ZONE}`,
          ValidationMethod: 'DNS',
          KeyAlgorithm: keyType,
        }),
      );
      await issued.waitFor(CertificateArn as string, ISSUE_TIMEOUT_MS).catch((error: Error) => {
        throw new Error(`${error.message}; stack output:\n${stack.output()}`);
      });
    },
    memory: () => readMemory(pid),
    async stop() {
      issued.close();
      client.destroy();
      try {
        await stack.kill();
      } finally {
        await cleanup();
      }
    },
  };
}
