/**
 * Secrets at rest in the local stack: after certificates were issued (RSA and EC), one imported and each
 * exported, neither the table (every item, scanned) nor any file of the data directory holds a private key
 * in the clear: no `PRIVATE KEY` PEM, no leaf key's PKCS#8 bytes, no piece of their base64. The CA key is
 * the one private key kept as a file, readable by its owner only, as are the other secrets.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ExportCertificateCommand, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_NAME } from '../../local/embedded-table.ts';
import { issuedArn } from '../support/issued-certificate.ts';
import { useLocalStack } from '../support/local-stack-harness.ts';
import { chainPem, OpensslWorkbench } from '../support/openssl-certificates.ts';
import { opensslDecrypt } from '../unit/core/export/openssl-export-checks.ts';

const local = useLocalStack();
const PASSPHRASE = 'secrets at rest check';
const CA_KEY_FILE = join('ca', 'ca-key.pem');

let workDir: string;
let bench: OpensslWorkbench;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'certwright-secrets-'));
  bench = await OpensslWorkbench.create();
});
afterAll(async () => {
  await bench?.cleanup();
  await rm(workDir, { recursive: true, force: true });
});

function issuedExportable(domainName: string, keyAlgorithm: 'RSA_2048' | 'EC_prime256v1'): Promise<string> {
  return issuedArn(local.client(), {
    DomainName: domainName,
    ValidationMethod: 'DNS',
    KeyAlgorithm: keyAlgorithm,
    Options: { Export: 'ENABLED' },
  });
}

/** The leaf key as PKCS#8 DER, taken out through ExportCertificate and opened with openssl. */
async function exportedKey(arn: string): Promise<Buffer> {
  const { PrivateKey } = await local
    .client()
    .send(
      new ExportCertificateCommand({ CertificateArn: arn, Passphrase: new TextEncoder().encode(PASSPHRASE) }),
    );
  if (!PrivateKey) throw new Error('ExportCertificate returned no key');
  return Buffer.from(await opensslDecrypt(PrivateKey, PASSPHRASE, workDir));
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Every item of the table as DynamoDB returns it (attribute values, binary ones included). */
async function tableDump(): Promise<Buffer> {
  const parts: Buffer[] = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await local.stack.dynamodb.send(
      new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      parts.push(Buffer.from(JSON.stringify(item)));
      for (const value of Object.values(item)) if (value.B) parts.push(Buffer.from(value.B));
    }
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return Buffer.concat(parts);
}

/**
 * What would betray a key: its private numbers (RSA d, p, q; EC d) as raw bytes, as a DER or raw copy would
 * hold them, and the base64 of the PKCS#8 DER over each of them, as a PEM body would (line breaks aside).
 * Public parts (the RSA modulus, the EC point) are left out: the certificate carries them anyway.
 */
function needles(pkcs8Der: Buffer): Needles {
  const jwk = createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  const privateNumbers = [jwk.d, jwk.p, jwk.q].flatMap((part) =>
    part ? [Buffer.from(part, 'base64url')] : [],
  );
  const base64 = privateNumbers.map((number) => {
    const offset = pkcs8Der.indexOf(number);
    if (offset < 0) throw new Error('a private number is not where PKCS#8 keeps it');
    const aligned = Math.ceil(offset / 3) * 3;
    return pkcs8Der.subarray(aligned, aligned + 24).toString('base64');
  });
  return { bytes: privateNumbers, base64 };
}

interface Needles {
  /** Searched in the content as stored. */
  bytes: Buffer[];
  /** Searched in the content with line breaks removed, so a PEM body reads as one line. */
  base64: string[];
}

function holds(content: Buffer, needles: Needles): boolean {
  const text = content.toString('latin1').replace(/[\r\n]/g, '');
  return (
    needles.bytes.some((needle) => content.includes(needle)) ||
    needles.base64.some((needle) => text.includes(needle))
  );
}

describe('secrets at rest in the local stack', () => {
  it('keeps no leaf private key in the clear in the table or the data directory', async () => {
    const rsa = await issuedExportable('secret-rsa.local.test', 'RSA_2048');
    const ec = await issuedExportable('secret-ec.local.test', 'EC_prime256v1');
    const root = await bench.makeCa({ keyType: 'EC_prime256v1', subject: '/O=Secrets Root/CN=Secrets Root' });
    const leaf = await bench.makeLeaf({
      issuer: root,
      keyType: 'RSA_2048',
      names: ['imported.secrets.test'],
    });
    await local.client().send(
      new ImportCertificateCommand({
        Certificate: new TextEncoder().encode(leaf.pem),
        PrivateKey: new TextEncoder().encode(leaf.key.pem),
        CertificateChain: new TextEncoder().encode(chainPem(root)),
      }),
    );
    const keys = [
      await exportedKey(rsa),
      await exportedKey(ec),
      Buffer.from(createPrivateKey(leaf.key.pem).export({ type: 'pkcs8', format: 'der' })),
    ];
    await local.stack.runner.idle();

    const dataDir = dirname(local.stack.eventLogPath);
    const haystacks: Array<[where: string, content: Buffer]> = [['the table', await tableDump()]];
    for (const file of await filesUnder(dataDir)) {
      if (relative(dataDir, file) !== CA_KEY_FILE)
        haystacks.push([relative(dataDir, file), await readFile(file)]);
    }
    expect(haystacks.length).toBeGreaterThan(5);

    const found: string[] = [];
    const keyNeedles = keys.map(needles);
    // The needles do find a key stored in the clear, as PEM (with its line breaks) or as DER.
    keys.forEach((key, index) => {
      const pem = createPrivateKey({ key, format: 'der', type: 'pkcs8' }).export({
        type: 'pkcs8',
        format: 'pem',
      });
      for (const copy of [Buffer.from(pem), key]) {
        expect(holds(copy, keyNeedles[index] as Needles)).toBe(true);
      }
    });
    for (const [where, content] of haystacks) {
      if (content.includes('PRIVATE KEY')) found.push(`${where}: a PRIVATE KEY PEM`);
      keyNeedles.forEach((needles, index) => {
        if (holds(content, needles)) found.push(`${where}: key ${index + 1}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('keeps the CA key and the other secrets readable by their owner only', async () => {
    const dataDir = dirname(local.stack.eventLogPath);
    const caKey = await readFile(join(dataDir, CA_KEY_FILE), 'utf8');
    expect(caKey).toMatch(/-----BEGIN PRIVATE KEY-----/);
    const modes = await Promise.all(
      [CA_KEY_FILE, join('secrets', 'key-vault.key'), join('secrets', 'deployment.secret')].map(
        async (file) => [file, (await stat(join(dataDir, file))).mode & 0o777],
      ),
    );
    expect(modes).toEqual([
      [CA_KEY_FILE, 0o600],
      [join('secrets', 'key-vault.key'), 0o600],
      [join('secrets', 'deployment.secret'), 0o600],
    ]);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
  });
});
