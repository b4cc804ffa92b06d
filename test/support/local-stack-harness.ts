import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMClient } from '@aws-sdk/client-acm';
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../functions/core/ports.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/local-stack.ts';
import { type LocalSettings, loadLocalSettings } from '../../local/settings.ts';

export const ACCOUNT_A = {
  accountId: '111111111111',
  accessKeyId: 'AKIACERTWRIGHTTESTA1',
  secretAccessKey: 'test-secret-for-account-a-0123456789abcd',
};
export const ACCOUNT_B = {
  accountId: '222222222222',
  accessKeyId: 'AKIACERTWRIGHTTESTB2',
  secretAccessKey: 'test-secret-for-account-b-0123456789abcd',
};
export const REGION = 'us-east-1';

/** A data directory with a known accounts file (two accounts), removed by `cleanup`. */
export async function makeDataDir(): Promise<{ dataDir: string; cleanup(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'certwright-data-'));
  const accounts = [ACCOUNT_A, ACCOUNT_B].map(({ accountId, accessKeyId, secretAccessKey }) => ({
    accountId,
    accessKeys: [{ accessKeyId, secretAccessKey }],
  }));
  await writeFile(join(dataDir, 'accounts.json'), JSON.stringify({ accounts }), { mode: 0o600 });
  return { dataDir, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Settings for a test stack: free ports, fast polling, validation against the given DNS servers. */
export function testSettings(dataDir: string, overrides: Record<string, string> = {}): LocalSettings {
  const flags = Object.entries({
    port: '0',
    dnsPort: '0',
    dataDir,
    region: REGION,
    pollInitialSeconds: '1',
    pollMaxSeconds: '1',
    localZones: 'local.test',
    ...overrides,
  }).flatMap(([name, value]) => [`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value]);
  return loadLocalSettings(flags, {});
}

export async function startTestStack(
  settings: LocalSettings,
  options: { clock?: Clock; fastWorkflow?: boolean } = {},
): Promise<LocalStack> {
  const stackOptions: LocalStackOptions = { clock: options.clock, log: () => {} };
  if (options.fastWorkflow) {
    stackOptions.workflow = { waitTimeOverrides: { WaitForValidation: 10 }, retryIntervalMs: 1 };
  }
  return startLocalStack(settings, stackOptions);
}

export function acmClient(stack: LocalStack, account: typeof ACCOUNT_A = ACCOUNT_A): ACMClient {
  return new ACMClient({
    endpoint: stack.url,
    region: REGION,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
  });
}

/** Where and as whom the AWS CLI calls the stack's ACM API. */
export function cliTarget(
  stack: LocalStack,
  account: typeof ACCOUNT_A = ACCOUNT_A,
): { endpoint: string; accessKeyId: string; secretAccessKey: string } {
  return { endpoint: stack.url, accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey };
}

/**
 * One local stack for a test file, on the default test settings: started before the file's tests, stopped
 * with its data directory (and the clients handed out) after them.
 */
export function useLocalStack(): {
  readonly stack: LocalStack;
  client(account?: typeof ACCOUNT_A): ACMClient;
} {
  let stack: LocalStack | undefined;
  let cleanupDataDir: (() => Promise<void>) | undefined;
  const clients = new Map<string, ACMClient>();
  beforeAll(async () => {
    const data = await makeDataDir();
    cleanupDataDir = data.cleanup;
    stack = await startTestStack(testSettings(data.dataDir));
  });
  afterAll(async () => {
    for (const client of clients.values()) client.destroy();
    await stack?.stop();
    await cleanupDataDir?.();
  });
  const started = (): LocalStack => {
    if (!stack) throw new Error('the local stack is not started yet');
    return stack;
  };
  return {
    get stack() {
      return started();
    },
    client(account = ACCOUNT_A) {
      const existing = clients.get(account.accountId);
      if (existing) return existing;
      const client = acmClient(started(), account);
      clients.set(account.accountId, client);
      return client;
    },
  };
}
