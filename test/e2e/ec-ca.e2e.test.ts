import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeCertificateCommand,
  GetCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../support/eventually.ts';
import { acmClient, makeDataDir, startTestStack, testSettings } from '../support/local-stack-harness.ts';
import { runCommand } from '../support/run-command.ts';

// A local CA with an EC P-384 key (CERTWRIGHT_CA_KEY_ALGORITHM=EC_secp384r1) signing an RSA leaf, with the
// validation record written into a local zone and answered by the embedded DNS server.

let stack: LocalStack;
let dataDir: string;
let cleanup: () => Promise<void>;
let workDir: string;

beforeAll(async () => {
  const made = await makeDataDir();
  cleanup = made.cleanup;
  dataDir = made.dataDir;
  workDir = await mkdtemp(join(tmpdir(), 'certwright-ec-ca-'));
  stack = await startTestStack(testSettings(dataDir, { caKeyAlgorithm: 'EC_secp384r1' }));
});
afterAll(async () => {
  await stack?.stop();
  await cleanup?.();
  await rm(workDir, { recursive: true, force: true });
});

describe('a local CA with an EC P-384 key', () => {
  it('issues certificates that openssl verifies, signed with ECDSA SHA-384', async () => {
    const client = acmClient(stack);
    const { CertificateArn } = await client.send(
      new RequestCertificateCommand({ DomainName: 'ec-ca.local.test', ValidationMethod: 'DNS' }),
    );
    const issued = await eventually(async () => {
      const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn }));
      return Certificate?.Status === 'ISSUED' && Certificate;
    }, 'issuance');
    expect(issued.SignatureAlgorithm).toBe('SHA384WITHECDSA');

    const { Certificate, CertificateChain } = await client.send(
      new GetCertificateCommand({ CertificateArn }),
    );
    await writeFile(join(workDir, 'leaf.pem'), Certificate as string);
    await writeFile(join(workDir, 'ca.pem'), CertificateChain as string);
    const verify = await runCommand('openssl', [
      'verify',
      '-CAfile',
      join(workDir, 'ca.pem'),
      join(workDir, 'leaf.pem'),
    ]);
    expect(verify.stdout.trim()).toBe(`${join(workDir, 'leaf.pem')}: OK`);
    const text = await runCommand('openssl', ['x509', '-noout', '-text', '-in', join(workDir, 'leaf.pem')]);
    expect(text.stdout).toContain('Signature Algorithm: ecdsa-with-SHA384');
  });

  it('keeps its key on a restart without the setting, and refuses a conflicting one', async () => {
    const caPem = stack.caCertificatePem;
    await stack.stop();
    stack = await startTestStack(testSettings(dataDir));
    expect(stack.caCertificatePem).toBe(caPem);
    await stack.stop();
    await expect(startTestStack(testSettings(dataDir, { caKeyAlgorithm: 'RSA_2048' }))).rejects.toThrow(
      /is EC_secp384r1, but RSA_2048 is configured/,
    );
    stack = await startTestStack(testSettings(dataDir));
  });
});
