import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { certificateMetadata } from '../../../functions/core/search/certificate-metadata.ts';
import {
  type CertificateFilter,
  type FilterStatement,
  matches,
  type SearchCandidate,
} from '../../../functions/core/search/filter-statement.ts';
import { parseFilterStatement } from '../../../functions/core/search/parse-filter-statement.ts';
import { x509Attributes } from '../../../functions/core/search/x509-attributes.ts';
import { asImport, issuedBody } from '../../support/certificate-bodies.ts';
import { expectError } from '../../support/thrown.ts';
import { pendingCertificate, TEST_SETTINGS } from './core-fixtures.ts';

// SearchCertificates' filter evaluation on plain records: each filter kind, the logic of And/Or/Not, and
// the shape checks of the FilterStatement union.

function candidate(certificate: CertificateRecord): SearchCandidate {
  const attributes = x509Attributes(certificate);
  return {
    arn: certificate.arn,
    metadata: certificateMetadata(certificate, TEST_SETTINGS.renewal),
    x509: () => attributes,
  };
}

const filter = (certificateFilter: CertificateFilter): FilterStatement => ({ filter: certificateFilter });

let pending: CertificateRecord;
let issued: CertificateRecord;
let imported: CertificateRecord;

beforeAll(async () => {
  pending = pendingCertificate({ domainName: 'shop.example.test' });
  issued = {
    ...pendingCertificate({ domainName: 'api.example.test', status: 'ISSUED', inUseBy: ['arn:aws:elb:x'] }),
    options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
    issued: await issuedBody({
      subject: 'CN=api.example.test',
      names: [
        { type: 'dns', value: 'api.example.test' },
        { type: 'dns', value: 'www.api.example.test' },
      ],
      serialHex: '03e9',
      notAfter: new Date('2026-12-01T00:00:00Z'),
      keyUsages: x509.KeyUsageFlags.digitalSignature,
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
    }),
  };
  imported = asImport(
    pendingCertificate({ domainName: 'legacy.example.test' }),
    await issuedBody({
      subject: 'C=DE, O=Acme Org, OU=Ops, OU=Web, CN=Legacy Service, DC=example, DC=test',
      names: [
        { type: 'dns', value: 'legacy.example.test' },
        { type: 'ip', value: '192.0.2.1' },
        { type: 'email', value: 'ops@example.test' },
        { type: 'url', value: 'https://legacy.example.test/' },
        { type: 'id', value: '1.2.3.4' },
        { type: 'dn', value: 'CN=Directory, O=Acme Org' },
        { type: 'upn', value: 'svc@example.test' },
      ],
      serialHex: '00ff01',
      notAfter: new Date('2027-06-01T00:00:00Z'),
      keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
    }),
  );
});

const matching = (statement: FilterStatement) =>
  [pending, issued, imported].filter((certificate) => matches(statement, candidate(certificate)));

describe('X.509 attributes', () => {
  it('reads the names, usages, serial and validity of a body; none without a body', () => {
    expect(x509Attributes(pending)).toBeUndefined();
    const attributes = x509Attributes(imported);
    expect(attributes?.subject).toEqual({
      country: 'DE',
      organization: 'Acme Org',
      organizationalUnit: 'Ops',
      commonName: 'Legacy Service',
      domainComponents: ['example', 'test'],
      customAttributes: [{ objectIdentifier: '2.5.4.11', value: 'Web' }],
    });
    expect(attributes?.subjectAlternativeNames).toEqual([
      { dnsName: 'legacy.example.test' },
      { ipAddress: '192.0.2.1' },
      { rfc822Name: 'ops@example.test' },
      { uniformResourceIdentifier: 'https://legacy.example.test/' },
      { registeredId: '1.2.3.4' },
      { directoryName: { commonName: 'Directory', organization: 'Acme Org' } },
      { otherName: { objectIdentifier: '1.3.6.1.4.1.311.20.2.3', value: 'svc@example.test' } },
    ]);
    expect(attributes).toMatchObject({
      keyAlgorithm: 'EC_prime256v1',
      keyUsages: ['DIGITAL_SIGNATURE', 'KEY_AGREEMENT'],
      extendedKeyUsages: [],
      notAfter: new Date('2027-06-01T00:00:00Z'),
    });
    expect(x509Attributes(issued)?.serialNumber).toBe('03:e9');
  });
});

describe('filters', () => {
  it('match the subject common name and the DNS names, exactly or as a part, ignoring case', () => {
    const commonName = (value: string, operator: 'EQUALS' | 'CONTAINS') =>
      matching(filter({ x509: { subjectCommonName: { value, operator } } }));
    expect(commonName('API.example.test', 'EQUALS')).toEqual([issued]);
    expect(commonName('api.example', 'EQUALS')).toEqual([]);
    expect(commonName('service', 'CONTAINS')).toEqual([imported]);
    const dnsName = (value: string, operator: 'EQUALS' | 'CONTAINS') =>
      matching(filter({ x509: { dnsName: { value, operator } } }));
    expect(dnsName('www.api.example.test', 'EQUALS')).toEqual([issued]);
    expect(dnsName('example.test', 'CONTAINS')).toEqual([issued, imported]);
    // The pending certificate's name is only metadata until it has a body.
    expect(dnsName('shop.example.test', 'EQUALS')).toEqual([]);
  });

  it('match usages, key algorithm, serial number and validity ranges', () => {
    expect(matching(filter({ x509: { extendedKeyUsage: 'TLS_WEB_CLIENT_AUTHENTICATION' } }))).toEqual([
      issued,
    ]);
    expect(matching(filter({ x509: { extendedKeyUsage: 'NONE' } }))).toEqual([imported]);
    expect(matching(filter({ x509: { keyUsage: 'KEY_AGREEMENT' } }))).toEqual([imported]);
    expect(matching(filter({ x509: { keyUsage: 'DIGITAL_SIGNATURE' } }))).toEqual([issued, imported]);
    expect(matching(filter({ x509: { keyAlgorithm: 'RSA_2048' } }))).toEqual([issued]);
    expect(matching(filter({ x509: { serialNumber: '03:e9' } }))).toEqual([issued]);
    // DER's leading zero byte does not make another number.
    expect(matching(filter({ x509: { serialNumber: 'ff:01' } }))).toEqual([imported]);
    const notAfter = (start?: string, end?: string) =>
      matching(
        filter({
          x509: {
            notAfter: { start: start ? new Date(start) : undefined, end: end ? new Date(end) : undefined },
          },
        }),
      );
    expect(notAfter('2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')).toEqual([issued]);
    expect(notAfter('2027-01-01T00:00:00Z')).toEqual([imported]);
    expect(notAfter(undefined, '2026-11-30T23:59:59Z')).toEqual([]);
    expect(matching(filter({ x509: { notBefore: {} } }))).toEqual([issued, imported]);
  });

  it('match metadata and the ARN, bodies or not', () => {
    const metadata = (field: 'status' | 'type' | 'inUse' | 'exportOption', value: string | boolean) =>
      matching(filter({ metadata: { field, value } }));
    expect(metadata('status', 'PENDING_VALIDATION')).toEqual([pending]);
    expect(metadata('type', 'IMPORTED')).toEqual([imported]);
    expect(metadata('inUse', true)).toEqual([issued]);
    expect(metadata('inUse', false)).toEqual([pending, imported]);
    expect(metadata('exportOption', 'DISABLED')).toEqual([pending]);
    expect(
      matching(filter({ metadata: { field: 'certificateKeyPairOrigin', value: 'CUSTOMER_PROVIDED' } })),
    ).toEqual([imported]);
    expect(matching(filter({ metadata: { field: 'managedBy', value: 'CLOUDFRONT' } }))).toEqual([]);
    expect(matching(filter({ certificateArn: issued.arn }))).toEqual([issued]);
  });
});

describe('And, Or and Not', () => {
  const leaves = (): fc.Arbitrary<FilterStatement> =>
    fc.constantFrom<FilterStatement>(
      filter({ metadata: { field: 'status', value: 'ISSUED' } }),
      filter({ metadata: { field: 'type', value: 'IMPORTED' } }),
      filter({ x509: { keyUsage: 'KEY_AGREEMENT' } }),
      filter({ x509: { dnsName: { value: 'api', operator: 'CONTAINS' } } }),
      filter({ certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/none' }),
    );
  const statements = fc.letrec<{ statement: FilterStatement }>((tie) => ({
    statement: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaves(),
      fc.array(tie('statement'), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
      fc.array(tie('statement'), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
      tie('statement').map((not) => ({ not })),
    ),
  })).statement;
  const anyCertificate = () => fc.constantFrom(pending, issued, imported).map(candidate);

  it('obey the laws of logic on every certificate', () => {
    fc.assert(
      fc.property(statements, statements, anyCertificate(), (a, b, certificate) => {
        const holds = (statement: FilterStatement) => matches(statement, certificate);
        expect(holds({ not: { not: a } })).toBe(holds(a));
        expect(holds({ and: [a, b] })).toBe(holds(a) && holds(b));
        expect(holds({ or: [a, b] })).toBe(holds(a) || holds(b));
        expect(holds({ not: { and: [a, b] } })).toBe(holds({ or: [{ not: a }, { not: b }] }));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseFilterStatement', () => {
  const commonName = {
    Filter: {
      X509AttributeFilter: { Subject: { CommonName: { Value: 'a', ComparisonOperator: 'EQUALS' } } },
    },
  };

  it('reads every kind of statement and filter', () => {
    expect(
      parseFilterStatement({
        And: [
          commonName,
          { Not: { Filter: { AcmCertificateMetadataFilter: { InUse: false } } } },
          {
            Or: [
              { Filter: { X509AttributeFilter: { NotAfter: { Start: 1767225600 } } } },
              { Filter: { X509AttributeFilter: { SerialNumber: '03:e9' } } },
            ],
          },
        ],
      }),
    ).toEqual({
      and: [
        { filter: { x509: { subjectCommonName: { value: 'a', operator: 'EQUALS' } } } },
        { not: { filter: { metadata: { field: 'inUse', value: false } } } },
        {
          or: [
            { filter: { x509: { notAfter: { start: new Date('2026-01-01T00:00:00Z'), end: undefined } } } },
            { filter: { x509: { serialNumber: '03:e9' } } },
          ],
        },
      ],
    });
  });

  it('refuses an empty union, two members in one, and lists outside 1..15, naming the member', () => {
    const union = 'Member must have exactly one of these members set';
    expectError(
      () => parseFilterStatement({}),
      ValidationError,
      `1 validation error detected: Value '{}' at 'filterStatement' failed to satisfy constraint: ${union}: [And, Or, Not, Filter]`,
    );
    expect(() => parseFilterStatement({ And: [commonName], Or: [commonName] })).toThrow(union);
    expect(() => parseFilterStatement({ Filter: { CertificateArn: null, X509AttributeFilter: {} } })).toThrow(
      "at 'filterStatement.filter.x509AttributeFilter'",
    );
    expect(() => parseFilterStatement({ And: Array(16).fill(commonName) })).toThrow(
      "at 'filterStatement.and' failed to satisfy constraint: Member must have length less than or equal to 15",
    );
    expect(() => parseFilterStatement({ Or: [] })).toThrow(
      'Member must have length greater than or equal to 1',
    );
    expect(() => parseFilterStatement({ Or: [commonName, {}] })).toThrow("at 'filterStatement.or.2.member'");
  });

  it('refuses bad values with the member path', () => {
    const x509Filter = (member: object) => parseFilterStatement({ Filter: { X509AttributeFilter: member } });
    expect(() => x509Filter({ KeyUsage: 'SIGNING' })).toThrow(
      "Value 'SIGNING' at 'filterStatement.filter.x509AttributeFilter.keyUsage' failed to satisfy constraint: Member must satisfy enum value set",
    );
    expect(() => x509Filter({ SerialNumber: '03E9' })).toThrow(
      'Member must satisfy regular expression pattern',
    );
    expect(() =>
      x509Filter({ Subject: { CommonName: { Value: '', ComparisonOperator: 'EQUALS' } } }),
    ).toThrow("at 'filterStatement.filter.x509AttributeFilter.subject.commonName.value'");
    expect(() => x509Filter({ SubjectAlternativeName: { DnsName: { Value: 'a' } } })).toThrow(
      "Value null at 'filterStatement.filter.x509AttributeFilter.subjectAlternativeName.dnsName.comparisonOperator'",
    );
    expect(() => x509Filter({ NotBefore: { End: 'tomorrow' } })).toThrow('notBefore.end');
    expect(() =>
      parseFilterStatement({ Filter: { AcmCertificateMetadataFilter: { Exported: 'yes' } } }),
    ).toThrow('Member must be a boolean');
    expect(() => parseFilterStatement({ Filter: { CertificateArn: 'not-an-arn' } })).toThrow(
      "at 'filterStatement.filter.certificateArn'",
    );
  });

  it('bounds the nesting depth', () => {
    let statement: object = commonName;
    for (let depth = 0; depth < 40; depth++) statement = { Not: statement };
    expectError(
      () => parseFilterStatement(statement),
      ValidationError,
      'FilterStatement may nest at most 32 statements deep.',
    );
  });
});
