/**
 * The CRL, built and signed with a real CA key of each algorithm, checked by `openssl crl -verify` and read
 * back field by field; publishCrl with the real revocation store on dynalite and a CRL number that climbs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRevocationStore } from '../../../functions/adapters/aws/dynamodb-revocation-store.ts';
import { cryptoRandom } from '../../../functions/adapters/runtime/crypto-random.ts';
import type { CaKeyAlgorithm } from '../../../functions/core/model.ts';
import type { RevocationEntry } from '../../../functions/core/ports.ts';
import { buildCrl, CRL_VALIDITY_DAYS, derInteger } from '../../../functions/core/revocation/build-crl.ts';
import { publishCrl } from '../../../functions/core/revocation/publish-crl.ts';
import { startEmbeddedTable } from '../../../local/embedded-table.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { openssl, type TestCa, testCa } from '../issuance/test-ca.ts';

const NOW = new Date('2026-05-01T10:00:00.000Z');
const ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-000000000001';

function entry(serialHex: string, overrides: Partial<RevocationEntry> = {}): RevocationEntry {
  return {
    serialHex,
    certificateArn: ARN,
    revokedAt: '2026-04-30T08:00:00.000Z',
    reason: 'KEY_COMPROMISE',
    notAfter: '2027-01-01T00:00:00.000Z',
    ...overrides,
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certwright-crl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function opensslVerify(ca: TestCa, crl: Uint8Array, name: string) {
  const caPath = join(dir, `${name}-ca.pem`);
  const crlPath = join(dir, `${name}.crl`);
  await writeFile(caPath, ca.certificatePem);
  await writeFile(crlPath, crl);
  return openssl(['crl', '-inform', 'DER', '-in', crlPath, '-CAfile', caPath, '-verify', '-noout']);
}

describe('buildCrl', () => {
  it.each<CaKeyAlgorithm>(['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'])(
    'signs a v2 CRL with a %s CA key that openssl verifies',
    async (algorithm) => {
      const ca = await testCa(algorithm);
      const der = await buildCrl({
        signer: ca.signer,
        caCertificatePem: ca.certificatePem,
        revocations: [entry('01a1'), entry('01b2', { reason: 'UNSPECIFIED' })],
        crlNumber: 7n,
        thisUpdate: NOW,
      });
      const result = await opensslVerify(ca, der, algorithm);
      expect(result.stderr.trim()).toBe('verify OK');
      expect(result.code).toBe(0);
      expect(ca.signer.signCalls).toBe(1);
    },
  );

  it('carries the issuer, dates, CRL number, AKI and one entry per unexpired revocation with its reason', async () => {
    const ca = await testCa('RSA_2048');
    const caCertificate = new x509.X509Certificate(ca.certificatePem);
    const der = await buildCrl({
      signer: ca.signer,
      caCertificatePem: ca.certificatePem,
      revocations: [
        entry('01cc', { reason: 'SUPERCEDED', revokedAt: '2026-04-01T00:00:00.000Z' }),
        entry('01aa', { reason: 'UNSPECIFIED' }),
        entry('01bb', { reason: 'SUPERSEDED' }),
        entry('01dd', { reason: 'CESSATION_OF_OPERATION' }),
        entry('01ee', { notAfter: '2026-04-30T23:59:59.000Z' }),
      ],
      crlNumber: 300n,
      thisUpdate: NOW,
    });
    const crl = new x509.X509Crl(der);
    // Byte-identical issuer: relying parties match the CRL to the CA by it.
    expect(Buffer.from(crl.issuerName.toArrayBuffer())).toEqual(
      Buffer.from(caCertificate.subjectName.toArrayBuffer()),
    );
    expect(crl.thisUpdate).toEqual(NOW);
    expect(crl.nextUpdate).toEqual(new Date(NOW.getTime() + CRL_VALIDITY_DAYS * 24 * 60 * 60 * 1000));
    expect(crl.entries.map((revoked) => [revoked.serialNumber, revoked.reason])).toEqual([
      ['01aa', undefined],
      ['01bb', x509.X509CrlReason.superseded],
      ['01cc', x509.X509CrlReason.superseded],
      ['01dd', x509.X509CrlReason.cessationOfOperation],
    ]);
    expect(crl.entries[2]?.revocationDate).toEqual(new Date('2026-04-01T00:00:00.000Z'));
    const aki = crl.getExtension(x509.AuthorityKeyIdentifierExtension);
    expect(aki?.keyId).toBe(caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);

    const text = await opensslText(der);
    expect(text).toMatch(/Version 2 \(0x1\)/);
    expect(text).toMatch(/X509v3 CRL Number:\s+300/);
    expect(text).toMatch(/Cessation Of Operation/);
    expect(text).toMatch(/Superseded/);
    // UNSPECIFIED writes no reasonCode (RFC 5280 §5.3.1), so openssl names no reason for 01AA.
    expect(text).toMatch(/Serial Number: 01AA\s+Revocation Date: [^\n]+\n\s+Serial Number: 01BB/);
    // ...and no crlEntryExtensions at all: an empty one breaks RFC 5280's SIZE (1..MAX).
    const entries = AsnConvert.parse(der, CertificateList).tbsCertList.revokedCertificates ?? [];
    expect(entries.map((revoked) => revoked.crlEntryExtensions?.length)).toEqual([undefined, 1, 1, 1]);
    expect((await opensslVerify(ca, der, 'reasonless')).code).toBe(0);
  });

  it('encodes CRL numbers as minimal non-negative DER integers', () => {
    expect(Buffer.from(derInteger(1n)).toString('hex')).toBe('020101');
    expect(Buffer.from(derInteger(128n)).toString('hex')).toBe('02020080');
    expect(Buffer.from(derInteger(2n ** 64n)).toString('hex')).toBe('0209010000000000000000');
    expect(() => derInteger(2n ** 160n)).toThrow(/20 octets/);
  });
});

async function opensslText(der: Uint8Array): Promise<string> {
  const path = join(dir, `text-${Math.random().toString(16).slice(2)}.crl`);
  await writeFile(path, der);
  const result = await openssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-text']);
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('publishCrl', () => {
  it('publishes the whole list with a CRL number that goes up on every publish', async () => {
    const table = await startEmbeddedTable({ region: 'us-east-1', tableName: 'certwright-crl-test' });
    try {
      const ca = await testCa('EC_prime256v1');
      const revocations = new DynamoDbRevocationStore(table.client, table.tableName);
      const published: Uint8Array[] = [];
      const clock = new FakeClock(NOW);
      const deps = {
        signer: ca.signer,
        issuer: { current: async () => ({ certificatePem: ca.certificatePem, chainPem: [] }) },
        revocations,
        publisher: { publish: async (crl: Uint8Array) => void published.push(crl) },
        clock,
        random: cryptoRandom,
      };
      expect(await publishCrl(deps)).toEqual({ crlNumber: '1', entries: 0, thisUpdate: NOW.toISOString() });
      await revocations.recordRevocation(entry('01f0'));
      clock.advance(60_000);
      expect(await publishCrl(deps)).toMatchObject({ crlNumber: '2', entries: 1 });

      const [first, second] = published.map((der) => new x509.X509Crl(new Uint8Array(der)));
      expect(first?.entries).toEqual([]);
      expect(second?.entries.map((revoked) => revoked.serialNumber)).toEqual(['01f0']);
      expect((await opensslVerify(ca, published[1] as Uint8Array, 'published')).code).toBe(0);
    } finally {
      await table.close();
    }
  });
});

describe('publishCrl under its lease', () => {
  async function setupPublish(onPublish: (crl: x509.X509Crl) => Promise<void> = async () => {}) {
    const table = await startEmbeddedTable({ region: 'us-east-1', tableName: 'certwright-crl-lease-test' });
    const ca = await testCa('EC_prime256v1');
    const revocations = new DynamoDbRevocationStore(table.client, table.tableName);
    const published: x509.X509Crl[] = [];
    const clock = new FakeClock(NOW);
    const deps = {
      signer: ca.signer,
      issuer: { current: async () => ({ certificatePem: ca.certificatePem, chainPem: [] }) },
      revocations,
      publisher: {
        publish: async (der: Uint8Array) => {
          const crl = new x509.X509Crl(new Uint8Array(der));
          published.push(crl);
          await onPublish(crl);
        },
      },
      clock,
      random: cryptoRandom,
    };
    return { table, revocations, published, clock, deps };
  }

  /** The CRL Number extension's INTEGER (DER: tag, length, content). */
  const crlNumberOf = (crl: x509.X509Crl) =>
    Number.parseInt(
      Buffer.from(crl.getExtension('2.5.29.20')?.value ?? new ArrayBuffer(0))
        .subarray(2)
        .toString('hex'),
      16,
    );
  const serialsOf = (crl: x509.X509Crl | undefined) => crl?.entries.map((revoked) => revoked.serialNumber);

  it('publishes again when a revocation is recorded while it publishes', async () => {
    let recordedDuring = false;
    const t = await setupPublish(async () => {
      if (recordedDuring) return;
      recordedDuring = true;
      await t.revocations.recordRevocation(entry('02b0'));
    });
    try {
      const result = await publishCrl(t.deps);
      expect(t.published.map(serialsOf)).toEqual([[], ['02b0']]);
      expect(result).toMatchObject({ crlNumber: '2', entries: 1 });
    } finally {
      await t.table.close();
    }
  });

  it('does nothing while another publish holds the lease, and takes over a lapsed one', async () => {
    const t = await setupPublish();
    try {
      await t.revocations.acquirePublishLease('other', NOW, new Date(NOW.getTime() + 60_000));
      expect(await publishCrl(t.deps)).toBeUndefined();
      expect(t.published).toEqual([]);

      t.clock.advance(61_000);
      expect(await publishCrl(t.deps)).toMatchObject({ crlNumber: '1' });
      expect(t.published).toHaveLength(1);
    } finally {
      await t.table.close();
    }
  });

  it('never lets concurrent publishes write out of order: the last CRL written is the newest and complete', async () => {
    const t = await setupPublish();
    try {
      await t.revocations.recordRevocation(entry('03c0'));
      await Promise.all([
        publishCrl(t.deps),
        t.revocations.recordRevocation(entry('03c1')).then(() => publishCrl(t.deps)),
        t.revocations.recordRevocation(entry('03c2')).then(() => publishCrl(t.deps)),
      ]);
      const crlNumbers = t.published.map(crlNumberOf);
      expect(crlNumbers.length).toBeGreaterThan(0);
      expect(crlNumbers).toEqual([...crlNumbers].sort((a, b) => a - b));
      expect(serialsOf(t.published.at(-1))).toEqual(['03c0', '03c1', '03c2']);
    } finally {
      await t.table.close();
    }
  });
});
