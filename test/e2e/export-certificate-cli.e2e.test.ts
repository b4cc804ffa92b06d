import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliJson, runAwsCli } from '../support/aws-cli.ts';
import { issuedArn } from '../support/issued-certificate.ts';
import { cliTarget, useLocalStack } from '../support/local-stack-harness.ts';
import { opensslPublicKeys } from '../unit/core/export/openssl-export-checks.ts';

// The README's export commands with the stock AWS CLI v2 (/usr/bin/aws): export a certificate with the passphrase from a file (fileb://) or inline (base64, the CLI v2 default
// for blobs, or raw text with --cli-binary-format raw-in-base64-out), and open the key with openssl.

const local = useLocalStack();
const PASSPHRASE = 'cli passphrase 42';

interface ExportJson {
  Certificate: string;
  CertificateChain: string;
  PrivateKey: string;
}

let workDir: string;
let arn: string;
const cli = () => cliTarget(local.stack);

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'certwright-export-cli-'));
  // Debian's CLI (2.9.19) predates Options.Export (ACM, June 2025) and refuses it before sending, so the
  // exportable certificate is requested through the SDK; a current CLI takes `--options Export=ENABLED`.
  arn = await issuedArn(local.client(), {
    DomainName: 'cli-export.local.test',
    ValidationMethod: 'DNS',
    Options: { Export: 'ENABLED' },
  });
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function expectKeyOfCertificate(exported: ExportJson, passphrase: string): Promise<void> {
  const keys = await opensslPublicKeys(exported.Certificate, exported.PrivateKey, passphrase, workDir);
  expect(keys.privateKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  expect(keys.privateKey).toBe(keys.certificate);
}

describe('aws acm export-certificate', () => {
  it('takes the passphrase from a file with fileb://', async () => {
    const passFile = join(workDir, 'pass.txt');
    await writeFile(passFile, PASSPHRASE); // no trailing newline
    const exported = await awsCliJson<ExportJson>(
      ['acm', 'export-certificate', '--certificate-arn', arn, '--passphrase', `fileb://${passFile}`],
      cli(),
    );
    expect(exported.PrivateKey).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(exported.CertificateChain).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    await expectKeyOfCertificate(exported, PASSPHRASE);
  });

  it('takes an inline passphrase as base64, or as text with --cli-binary-format raw-in-base64-out', async () => {
    const inlineBase64 = await awsCliJson<ExportJson>(
      [
        'acm',
        'export-certificate',
        '--certificate-arn',
        arn,
        '--passphrase',
        Buffer.from(PASSPHRASE).toString('base64'),
      ],
      cli(),
    );
    await expectKeyOfCertificate(inlineBase64, PASSPHRASE);

    const inlineText = await awsCliJson<ExportJson>(
      [
        'acm',
        'export-certificate',
        '--certificate-arn',
        arn,
        '--cli-binary-format',
        'raw-in-base64-out',
        '--passphrase',
        'rawtext-passphrase',
      ],
      cli(),
    );
    await expectKeyOfCertificate(inlineText, 'rawtext-passphrase');

    const notBase64 = await runAwsCli(
      ['acm', 'export-certificate', '--certificate-arn', arn, '--passphrase', 'secret'],
      cli(),
    );
    expect(notBase64.code).not.toBe(0);
    expect(notBase64.stderr).toContain('Invalid base64: "secret"');
  });

  it('explains a passphrase file that ends in a newline', async () => {
    const passFile = join(workDir, 'echoed.txt');
    await writeFile(passFile, `${PASSPHRASE}\n`);
    const result = await runAwsCli(
      ['acm', 'export-certificate', '--certificate-arn', arn, '--passphrase', `fileb://${passFile}`],
      cli(),
    );
    expect(result.code).toBe(254);
    expect(result.stderr).toContain(
      'An error occurred (ValidationException) when calling the ExportCertificate operation: The passphrase must consist of printable ASCII characters; byte 18 is 0x0a (a line end',
    );
  });
});
