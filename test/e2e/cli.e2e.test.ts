import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SETTINGS } from '../../local/settings.ts';
import { ACCOUNT_A, makeDataDir, startTestStack, testSettings } from '../support/local-stack-harness.ts';
import { runCommand } from '../support/run-command.ts';
import { killStackProcesses, startStackProcess } from '../support/stack-process.ts';

const cli = (...args: string[]) => runCommand('node_modules/.bin/tsx', ['bin/certwright.ts', ...args]);

let dataDir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dataDir, cleanup } = await makeDataDir());
});
afterAll(async () => {
  await cleanup();
});
afterEach(async () => {
  await killStackProcesses();
});

describe('the certwright CLI', () => {
  it('prints shell exports for the first account', async () => {
    const result = await cli('credentials', '--data-dir', dataDir, '--port', '5999');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `export AWS_ACCESS_KEY_ID=${ACCOUNT_A.accessKeyId}`,
        `export AWS_SECRET_ACCESS_KEY=${ACCOUNT_A.secretAccessKey}`,
        'export AWS_REGION=us-east-1',
        'export AWS_DEFAULT_REGION=us-east-1',
        'export AWS_ENDPOINT_URL_ACM=http://127.0.0.1:5999',
        '',
      ].join('\n'),
    );
  });

  it('hands out the CA certificate once the CA exists, and says how to create it before', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'certwright-empty-'));
    try {
      const before = await cli('ca-cert', '--data-dir', empty);
      expect(before.code).toBe(1);
      expect(before.stderr).toContain('run "npm start" once');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    const stack = await startTestStack(testSettings(dataDir));
    await stack.stop();
    const after = await cli('ca-cert', '--data-dir', dataDir);
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(stack.caCertificatePem);
    expect(after.stdout).toBe(await readFile(join(dataDir, 'ca', 'ca.pem'), 'utf8'));
  });

  it('refuses to start a second stack on a data directory in use', async () => {
    const stack = await startTestStack(testSettings(dataDir));
    try {
      const second = await cli('start', '--data-dir', dataDir, '--port', '0', '--dns-port', '0');
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      await stack.stop();
    }
  });

  it('lists every setting with its variable, and refuses unknown flags and commands', async () => {
    const settings = await cli('settings');
    for (const setting of Object.values(LOCAL_SETTINGS)) expect(settings.stdout).toContain(setting.env);
    const badFlag = await cli('start', '--no-such-flag', 'x');
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toContain('no-such-flag');
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('Usage: certwright');
  });

  it('says in its banner where validation mail goes: the outbox, or the SMTP server without its credentials', async () => {
    const flags = ['--port', '0', '--dns-port', '0', '--local-zones', 'local.test'];
    const outbox = await makeDataDir();
    const smtp = await makeDataDir();
    try {
      const first = await startStackProcess(['--data-dir', outbox.dataDir, ...flags]);
      expect(first.output()).toContain(
        `  Mail:           ${join(outbox.dataDir, 'outbox')}  (validation mail, one .eml file per message)\n`,
      );
      await first.terminate();

      const second = await startStackProcess([
        '--data-dir',
        smtp.dataDir,
        ...flags,
        '--smtp-url',
        'smtp://mailer:s3cret@127.0.0.1:2525',
        '--email-sender',
        'Example PKI <pki@example.com>',
      ]);
      const banner = second.output();
      expect(banner).toContain(
        '  Mail:           smtp://127.0.0.1:2525  (validation mail, sent from Example PKI <pki@example.com>)\n',
      );
      expect(banner).not.toContain('s3cret');
      await second.terminate();
    } finally {
      await outbox.cleanup();
      await smtp.cleanup();
    }
  });
});
