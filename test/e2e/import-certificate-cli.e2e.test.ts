/**
 * ImportCertificate through the stock AWS CLI: `aws acm import-certificate` with fileb:// PEM files made by
 * openssl, then describe-certificate and get-certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliJson, runAwsCli } from '../support/aws-cli.ts';
import { cliTarget, useLocalStack } from '../support/local-stack-harness.ts';
import { chainPem, type OpensslCertificate, OpensslWorkbench } from '../support/openssl-certificates.ts';

const local = useLocalStack();

let bench: OpensslWorkbench;
let root: OpensslCertificate;
let intermediate: OpensslCertificate;
let leaf: OpensslCertificate;
const files = { cert: '', key: '', chain: '' };

beforeAll(async () => {
  bench = await OpensslWorkbench.create();
  root = await bench.makeCa({ keyType: 'RSA_2048', subject: '/O=CLI Root Org/CN=CLI Root' });
  intermediate = await bench.makeCa({ issuer: root, subject: '/O=CLI Issuing Org/CN=CLI Issuing CA' });
  leaf = await bench.makeLeaf({ issuer: intermediate, keyType: 'EC_prime256v1', names: ['cli.import.test'] });
  files.cert = await bench.file('cert.pem', leaf.pem);
  files.key = await bench.file('key.pem', await bench.traditionalPem(leaf.key));
  files.chain = await bench.file('chain.pem', chainPem(intermediate, root));
}, 60_000);

afterAll(async () => {
  await bench?.cleanup();
});

describe('aws acm import-certificate', () => {
  it('imports PEM files, then describes and gets the certificate', async () => {
    const cli = cliTarget(local.stack);
    const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
      [
        'acm',
        'import-certificate',
        '--certificate',
        `fileb://${files.cert}`,
        '--private-key',
        `fileb://${files.key}`,
        '--certificate-chain',
        `fileb://${files.chain}`,
      ],
      cli,
    );
    expect(arn).toMatch(/^arn:aws:acm:us-east-1:111111111111:certificate\/[0-9a-f-]{36}$/);

    const described = await awsCliJson<{ Certificate: Record<string, unknown> }>(
      ['acm', 'describe-certificate', '--certificate-arn', arn],
      cli,
    );
    expect(described.Certificate).toMatchObject({
      CertificateArn: arn,
      DomainName: 'cli.import.test',
      Type: 'IMPORTED',
      Status: 'ISSUED',
      KeyAlgorithm: 'EC-prime256v1',
      Issuer: 'CLI Issuing Org',
      Subject: 'CN=cli.import.test',
      DomainValidationOptions: [{ DomainName: 'cli.import.test' }],
    });

    const got = await awsCliJson<{ Certificate: string; CertificateChain: string }>(
      ['acm', 'get-certificate', '--certificate-arn', arn],
      cli,
    );
    expect(got).toEqual({ Certificate: leaf.pem, CertificateChain: intermediate.pem + root.pem });
  });

  it('prints ACM’s error for a chain in the wrong order', async () => {
    const reversed = await bench.file('reversed-chain.pem', chainPem(root, intermediate));
    const result = await runAwsCli(
      [
        'acm',
        'import-certificate',
        '--certificate',
        `fileb://${files.cert}`,
        '--private-key',
        `fileb://${files.key}`,
        '--certificate-chain',
        `fileb://${reversed}`,
      ],
      cliTarget(local.stack),
    );
    expect(result.code).toBe(254);
    expect(result.stderr).toContain(
      'An error occurred (ValidationException) when calling the ImportCertificate operation: Unable to validate certificate chain.',
    );
  });
});
