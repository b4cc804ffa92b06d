import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import { DescribeCertificateCommand, GetCertificateCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyVault } from '../../functions/adapters/local/file-key-vault.ts';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { awsCliJson } from '../support/aws-cli.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import { eventually } from '../support/eventually.ts';
import {
  acmClient,
  cliTarget,
  makeDataDir,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';
import { newP256KeyArgs } from '../support/openssl-key-args.ts';
import { runCommand } from '../support/run-command.ts';

// A newcomer's path through the README: the stock AWS CLI requests a certificate, the DNS record goes
// into a real DNS server (BIND), the certificate is issued, openssl verifies it, and TLS works with it.

interface DomainValidationJson {
  DomainName: string;
  ValidationStatus: string;
  ResourceRecord?: { Name: string; Type: string; Value: string };
}
interface DescribeJson {
  Certificate: {
    Status: string;
    DomainValidationOptions: DomainValidationJson[];
    KeyAlgorithm: string;
    Serial?: string;
    NotBefore?: string;
    NotAfter?: string;
  };
}

let bind: BindServer;
let stack: LocalStack;
let dataDir: string;
let workDir: string;
let cleanupDataDir: () => Promise<void>;
let cli: Parameters<typeof awsCliJson>[1];

beforeAll(async () => {
  bind = await startBindServer({ zone: 'example.test' });
  ({ dataDir, cleanup: cleanupDataDir } = await makeDataDir());
  workDir = await mkdtemp(join(tmpdir(), 'certwright-e2e-'));
  stack = await startTestStack(
    testSettings(dataDir, { dnsResolvers: bind.address, crlUrl: 'http://crl.example.test/certwright.crl' }),
  );
  cli = cliTarget(stack);
});

afterAll(async () => {
  await stack?.stop();
  await bind?.stop();
  await cleanupDataDir?.();
  await rm(workDir, { recursive: true, force: true });
});

async function waitForStatus(arn: string, status: string): Promise<void> {
  const client = acmClient(stack);
  await eventually(async () => {
    const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    return Certificate?.Status === status;
  }, `${arn} to become ${status}`);
}

async function leafPrivateKeyPem(arn: string): Promise<string> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const record = await stack.store.get(accountId, certificateId);
  const vault = await FileKeyVault.fromFile(join(dataDir, 'secrets', 'key-vault.key'));
  const der = await vault.open(record?.issued?.sealedPrivateKey as string, arn);
  return `-----BEGIN PRIVATE KEY-----\n${Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function tlsHandshake(options: { key: string; cert: string; ca: string; servername: string }) {
  return new Promise<{ authorized: boolean; error?: string; peerSubjectAltName?: string }>(
    (resolve, reject) => {
      const server = createServer({ key: options.key, cert: options.cert }, (socket) => socket.end('hello'));
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        const socket = connect(
          { host: '127.0.0.1', port, ca: options.ca, servername: options.servername },
          () => {
            resolve({
              authorized: socket.authorized,
              peerSubjectAltName: socket.getPeerCertificate().subjectaltname,
            });
            socket.end();
            server.close();
          },
        );
        socket.on('error', (error) => {
          server.close();
          resolve({ authorized: false, error: error.message });
        });
      });
      server.on('error', reject);
    },
  );
}

describe('the AWS CLI against the local stack', () => {
  it('requests, validates through a real DNS server, issues, and the certificate verifies and serves TLS', async () => {
    const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
      [
        'acm',
        'request-certificate',
        '--domain-name',
        'www.e2e.example.test',
        '--subject-alternative-names',
        'e2e.example.test',
        '--validation-method',
        'DNS',
      ],
      cli,
    );
    expect(arn).toMatch(/^arn:aws:acm:us-east-1:111111111111:certificate\/[0-9a-f-]{36}$/);

    const pending = await awsCliJson<DescribeJson>(
      ['acm', 'describe-certificate', '--certificate-arn', arn],
      cli,
    );
    expect(pending.Certificate.Status).toBe('PENDING_VALIDATION');
    expect(pending.Certificate.KeyAlgorithm).toBe('RSA-2048');
    const validations = pending.Certificate.DomainValidationOptions;
    expect(validations.map((dv) => dv.DomainName)).toEqual(['www.e2e.example.test', 'e2e.example.test']);
    for (const dv of validations) {
      expect(dv.ResourceRecord?.Type).toBe('CNAME');
      expect(dv.ResourceRecord?.Name).toMatch(
        new RegExp(`^_[0-9a-f]{32}\\.${dv.DomainName.replaceAll('.', '\\.')}\\.$`),
      );
      expect(dv.ResourceRecord?.Value).toMatch(/^_[0-9a-f]{32}\.acm-validations\.certwright\.internal\.$/);
      await bind.addRecord(dv.ResourceRecord?.Name as string, 'CNAME', dv.ResourceRecord?.Value as string);
    }

    await waitForStatus(arn, 'ISSUED');
    const issued = await awsCliJson<DescribeJson>(
      ['acm', 'describe-certificate', '--certificate-arn', arn],
      cli,
    );
    expect(issued.Certificate.DomainValidationOptions.every((dv) => dv.ValidationStatus === 'SUCCESS')).toBe(
      true,
    );
    expect(issued.Certificate.Serial).toMatch(/^01(:[0-9a-f]{2}){16}$/);

    const pem = await awsCliJson<{ Certificate: string; CertificateChain: string }>(
      ['acm', 'get-certificate', '--certificate-arn', arn],
      cli,
    );
    const caPem = await (await fetch(`${stack.url}/ca.pem`)).text();
    expect(pem.CertificateChain).toBe(caPem);
    await writeFile(join(workDir, 'leaf.pem'), pem.Certificate);
    await writeFile(join(workDir, 'ca.pem'), caPem);
    const verify = await runCommand('openssl', [
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-verify_hostname',
      'e2e.example.test',
      '-CAfile',
      join(workDir, 'ca.pem'),
      join(workDir, 'leaf.pem'),
    ]);
    expect(verify.stdout.trim()).toBe(`${join(workDir, 'leaf.pem')}: OK`);
    const extensions = await runCommand('openssl', [
      'x509',
      '-noout',
      '-ext',
      'crlDistributionPoints,authorityInfoAccess',
      '-in',
      join(workDir, 'leaf.pem'),
    ]);
    expect(extensions.stdout).toContain('URI:http://crl.example.test/certwright.crl');
    expect(extensions.stdout).toContain(`CA Issuers - URI:${stack.url}/ca.crt`);
    expect(new X509Certificate(pem.Certificate).serialNumber.toLowerCase()).toBe(
      issued.Certificate.Serial?.replaceAll(':', ''),
    );

    const key = await leafPrivateKeyPem(arn);
    const handshake = await tlsHandshake({
      key,
      cert: pem.Certificate,
      ca: caPem,
      servername: 'www.e2e.example.test',
    });
    expect(handshake).toMatchObject({ authorized: true });
    expect(handshake.peerSubjectAltName).toBe('DNS:www.e2e.example.test, DNS:e2e.example.test');

    const otherCa = (
      await runCommand('openssl', [
        'req',
        '-x509',
        ...newP256KeyArgs('/dev/null'),
        '-subj',
        '/CN=Other CA',
        '-days',
        '1',
      ])
    ).stdout;
    const untrusted = await tlsHandshake({
      key,
      cert: pem.Certificate,
      ca: otherCa,
      servername: 'www.e2e.example.test',
    });
    expect(untrusted.authorized).toBe(false);
  });

  it('issues EC certificates and lists them only when asked for their key type, as ACM does', async () => {
    const client = acmClient(stack);
    const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
      [
        'acm',
        'request-certificate',
        '--domain-name',
        'ec.example.test',
        '--validation-method',
        'DNS',
        '--key-algorithm',
        'EC_prime256v1',
      ],
      cli,
    );
    const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    const record = Certificate?.DomainValidationOptions?.[0]?.ResourceRecord;
    await bind.addRecord(record?.Name as string, 'CNAME', record?.Value as string);
    await waitForStatus(arn, 'ISSUED');
    const described = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(described.Certificate?.KeyAlgorithm).toBe('EC-prime256v1');
    expect(described.Certificate?.KeyUsages).toEqual([{ Name: 'DIGITAL_SIGNATURE' }]);
    const { Certificate: leaf } = await client.send(new GetCertificateCommand({ CertificateArn: arn }));
    expect(new X509Certificate(leaf as string).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

    const listed = (args: string[]) =>
      awsCliJson<{ CertificateSummaryList: Array<{ CertificateArn: string }> }>(
        ['acm', 'list-certificates', ...args],
        cli,
      );
    expect((await listed([])).CertificateSummaryList.map((c) => c.CertificateArn)).not.toContain(arn);
    const withEc = await listed([
      '--includes',
      'keyTypes=EC_prime256v1,RSA_2048',
      '--certificate-statuses',
      'ISSUED',
    ]);
    expect(withEc.CertificateSummaryList.map((c) => c.CertificateArn)).toContain(arn);
  });

  it('creates the record itself for a name in a local zone, served by the embedded DNS server', async () => {
    const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
      ['acm', 'request-certificate', '--domain-name', 'app.local.test', '--validation-method', 'DNS'],
      cli,
    );
    const described = await awsCliJson<DescribeJson>(
      ['acm', 'describe-certificate', '--certificate-arn', arn],
      cli,
    );
    const record = described.Certificate.DomainValidationOptions[0]?.ResourceRecord;
    await waitForStatus(arn, 'ISSUED');
    const dig = await runCommand('dig', [
      '+short',
      '-p',
      String(stack.dnsPort),
      '@127.0.0.1',
      'CNAME',
      record?.Name as string,
    ]);
    expect(dig.stdout.trim()).toBe(record?.Value);
  });

  it('deletes a certificate', async () => {
    const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
      ['acm', 'request-certificate', '--domain-name', 'gone.example.test', '--validation-method', 'DNS'],
      cli,
    );
    await awsCliJson(['acm', 'delete-certificate', '--certificate-arn', arn], cli);
    await expect(awsCliJson(['acm', 'describe-certificate', '--certificate-arn', arn], cli)).rejects.toThrow(
      /ResourceNotFoundException/,
    );
  });
});
