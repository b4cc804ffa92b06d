import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ListCertificatesQuery,
  listCertificates,
} from '../../../functions/core/certificates/list-certificates.ts';
import { InvalidArgsError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { asImport, issuedBody } from '../../support/certificate-bodies.ts';
import { HmacMac, pendingCertificate, useDynaliteStore } from './core-fixtures.ts';

// ListCertificates' filters through the DynamoDB store on dynalite: Includes (key types, key usages,
// extended key usages, export option, managed by), key pair origins, statuses, and CREATED_AT sorting.

const dynamo = useDynaliteStore();
const mac = new HmacMac();
const accountId = '555566667777';
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 12, minute)).toISOString();

let pending: CertificateRecord;
let server: CertificateRecord;
let clientAndServer: CertificateRecord;
let imported: CertificateRecord;
let exportable: CertificateRecord;

beforeAll(async () => {
  const record = (overrides: Partial<CertificateRecord>) => pendingCertificate({ accountId, ...overrides });
  const body = (extendedKeyUsages: string[] | undefined, keyUsages: x509.KeyUsageFlags) =>
    issuedBody({ subject: 'CN=list.example.test', extendedKeyUsages, keyUsages });
  pending = record({ id: '00000000-0000-4000-8000-000000000005', createdAt: at(3) });
  server = {
    ...record({ id: '00000000-0000-4000-8000-000000000004', createdAt: at(1), status: 'ISSUED' }),
    issued: await body(['1.3.6.1.5.5.7.3.1'], x509.KeyUsageFlags.digitalSignature),
  };
  clientAndServer = {
    ...record({ id: '00000000-0000-4000-8000-000000000003', createdAt: at(1), status: 'ISSUED' }),
    issued: await body(
      ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    ),
  };
  imported = {
    ...asImport(
      record({ id: '00000000-0000-4000-8000-000000000002', createdAt: at(0) }),
      await body(['1.2.3.4.5'], x509.KeyUsageFlags.keyAgreement),
    ),
    keyAlgorithm: 'RSA_2048',
  };
  exportable = record({
    id: '00000000-0000-4000-8000-000000000001',
    createdAt: at(2),
    keyAlgorithm: 'EC_prime256v1',
    options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
  });
  for (const certificate of [pending, server, clientAndServer, imported, exportable]) {
    await dynamo.store.create(certificate);
  }
});

async function ids(query: Partial<ListCertificatesQuery>): Promise<string[]> {
  const page = await listCertificates({ store: dynamo.store, mac }, accountId, { maxItems: 100, ...query });
  return page.certificates.map((certificate) => certificate.id.slice(-1));
}

describe('listCertificates', () => {
  it('lists RSA_2048 certificates in key order unless key types are named', async () => {
    expect(await ids({})).toEqual(['2', '3', '4', '5']);
    expect(await ids({ keyTypes: ['EC_prime256v1'] })).toEqual(['1']);
    expect(await ids({ keyTypes: ['EC_prime256v1', 'RSA_2048'] })).toEqual(['1', '2', '3', '4', '5']);
  });

  it('lists a certificate with any of the named key usages or extended key usages', async () => {
    expect(await ids({ keyUsages: ['KEY_ENCIPHERMENT'] })).toEqual(['3']);
    expect(await ids({ keyUsages: ['KEY_ENCIPHERMENT', 'KEY_AGREEMENT'] })).toEqual(['2', '3']);
    expect(await ids({ extendedKeyUsages: ['TLS_WEB_SERVER_AUTHENTICATION'] })).toEqual(['3', '4']);
    expect(await ids({ extendedKeyUsages: ['TLS_WEB_CLIENT_AUTHENTICATION', 'CUSTOM'] })).toEqual(['2', '3']);
    // A certificate without extended key usages (here: one still pending) is NONE.
    expect(await ids({ extendedKeyUsages: ['NONE'] })).toEqual(['5']);
    expect(
      await ids({ keyUsages: ['DIGITAL_SIGNATURE'], extendedKeyUsages: ['TLS_WEB_CLIENT_AUTHENTICATION'] }),
    ).toEqual(['3']);
  });

  it('filters by key pair origin, export option and status; nothing is ACME or managed by CloudFront', async () => {
    const every: Partial<ListCertificatesQuery> = { keyTypes: ['RSA_2048', 'EC_prime256v1'] };
    expect(await ids({ ...every, keyPairOrigins: ['CUSTOMER_PROVIDED'] })).toEqual(['2']);
    expect(await ids({ ...every, keyPairOrigins: ['AWS_MANAGED'] })).toEqual(['1', '3', '4', '5']);
    expect(await ids({ ...every, keyPairOrigins: ['ACME'] })).toEqual([]);
    expect(await ids({ ...every, exportOption: 'ENABLED' })).toEqual(['1']);
    // An import has no Export option at all.
    expect(await ids({ ...every, exportOption: 'DISABLED' })).toEqual(['3', '4', '5']);
    expect(await ids({ ...every, managedBy: 'CLOUDFRONT' })).toEqual([]);
    expect(await ids({ ...every, statuses: ['ISSUED'], keyPairOrigins: ['AWS_MANAGED'] })).toEqual([
      '3',
      '4',
    ]);
  });

  it('sorts by CREATED_AT both ways, ties broken by id, across pages', async () => {
    const every: Partial<ListCertificatesQuery> = { keyTypes: ['RSA_2048', 'EC_prime256v1'] };
    const pages = async (order: 'ASCENDING' | 'DESCENDING') => {
      const result: string[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await listCertificates({ store: dynamo.store, mac }, accountId, {
          ...every,
          sort: { by: 'CREATED_AT', order },
          maxItems: 2,
          nextToken,
        });
        result.push(page.certificates.map((certificate) => certificate.id.slice(-1)));
        nextToken = page.nextToken;
      } while (nextToken);
      return result;
    };
    expect(await pages('ASCENDING')).toEqual([['2', '3'], ['4', '1'], ['5']]);
    expect(await pages('DESCENDING')).toEqual([['5', '1'], ['4', '3'], ['2']]);
  });

  it('refuses a token of the sorted listing in the unsorted one, and one of other filters', async () => {
    const sorted = await listCertificates({ store: dynamo.store, mac }, accountId, {
      sort: { by: 'CREATED_AT', order: 'ASCENDING' },
      maxItems: 1,
    });
    const attempts: Array<Partial<ListCertificatesQuery>> = [
      {},
      { sort: { by: 'CREATED_AT', order: 'DESCENDING' } },
      { sort: { by: 'CREATED_AT', order: 'ASCENDING' }, keyUsages: ['DIGITAL_SIGNATURE'] },
    ];
    for (const attempt of attempts) {
      await expect(ids({ ...attempt, nextToken: sorted.nextToken })).rejects.toBeInstanceOf(InvalidArgsError);
    }
    // The same filters in another order are the same query.
    const first = await listCertificates({ store: dynamo.store, mac }, accountId, {
      keyUsages: ['KEY_AGREEMENT', 'DIGITAL_SIGNATURE'],
      maxItems: 1,
    });
    expect(
      await ids({ keyUsages: ['DIGITAL_SIGNATURE', 'KEY_AGREEMENT'], nextToken: first.nextToken }),
    ).toEqual(['3', '4']);
  });
});
