/**
 * For each operation of the ACM API: a valid request on the seeded certificates, and the mutations of it by
 * one defect that the fuzz suite sends. The keys must be exactly the routed operations, so an operation
 * added to the API without a model here fails the suite.
 */
import fc from 'fast-check';
import { REQUESTABLE_KEY_ALGORITHMS, REVOCATION_REASONS } from '../../functions/core/model.ts';
import { base64Of, garbagePem, type ImportMaterial } from './fuzz-certificate-material.ts';
import {
  arnMember,
  blobMember,
  enumMember,
  integerMember,
  MALFORMED_ARN,
  type Mutation,
  missing,
  mutate,
  SERIALIZATION,
  stringListMember,
  stringMember,
  structureMember,
  tagsMember,
  VALIDATION,
  type WireRequest,
} from './fuzz-mutations.ts';
import { anyText, longString, notAList, notAStructure } from './fuzz-values.ts';

export interface FuzzTargets {
  /** The caller's certificate issued for a name under the local zone. */
  issuedArn: string;
  /** The caller's imported certificate. */
  importedArn: string;
  /** Another account's certificate. */
  otherAccountArn: string;
  material: ImportMaterial;
}

export interface OperationModel {
  valid: WireRequest;
  mutations: fc.Arbitrary<Mutation>[];
}

const DOMAIN_DEFECT_CODES = ['ValidationException', 'InvalidDomainValidationOptionsException'];
const NEXT_TOKEN_CODES = ['InvalidArgsException', 'ValidationException'];
const TAGS = [{ Key: 'team', Value: 'fuzz' }];
const RESOURCE_ARN = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/fuzz/1';
const ACME_ENDPOINT_ARN = 'arn:aws:acm:us-east-1:111111111111:acme-endpoint/fuzz-endpoint';

/** Names no certificate may carry: a character outside letters, digits, `-` and `.`, an empty label, too long. */
const badDomainName = fc.oneof(
  fc.constant(''),
  fc
    .tuple(
      fc.stringMatching(/^[a-z0-9]{1,10}$/),
      fc.constantFrom(' ', '!', '#', '/', '\\', '@', '..', '\u00e9', '\u0000', '\u{1F600}', '_'),
    )
    .map(([label, odd]) => `${label}${odd}x.local.test`),
  longString(254, 3000, true).map((name) => `${name}.local.test`),
);

const nextTokenDefects = (valid: WireRequest, patterned: boolean) => [
  ...stringMember(valid, ['NextToken'], { required: false }),
  mutate(valid, ['NextToken'], 'empty', fc.constant(''), VALIDATION),
  mutate(valid, ['NextToken'], 'too long', longString(10001, 20000), VALIDATION),
  mutate(
    valid,
    ['NextToken'],
    'not a token we issued',
    fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 300 }),
    NEXT_TOKEN_CODES,
  ),
  ...(patterned
    ? [
        mutate(
          valid,
          ['NextToken'],
          'outside the pattern',
          fc
            .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\u0100', '\u{1F600}', '\u2028'))
            .map(([text, odd]) => `${text}${odd}`),
          VALIDATION,
        ),
      ]
    : []),
];

/** A FilterStatement no search can run: of the wrong shape, empty, ambiguous, too deep or too wide. */
function filterStatementDefects(valid: WireRequest, arn: string): fc.Arbitrary<Mutation>[] {
  const path = ['FilterStatement'];
  const leaf = { Filter: { CertificateArn: arn } };
  const nested = (depth: number) => {
    let statement: unknown = leaf;
    for (let level = 0; level < depth; level += 1) statement = { Not: statement };
    return statement;
  };
  const unknownMembers = fc
    .dictionary(fc.stringMatching(/^[A-Za-z]{1,10}$/), fc.jsonValue({ maxDepth: 1 }), {
      minKeys: 1,
      maxKeys: 3,
    })
    .filter((members) => !['And', 'Or', 'Not', 'Filter'].some((name) => name in members));
  return [
    mutate(valid, path, 'not a structure', notAStructure, VALIDATION),
    mutate(valid, path, 'no member', fc.constant({}), VALIDATION),
    mutate(valid, path, 'unknown members only', unknownMembers, VALIDATION),
    mutate(valid, path, 'two members', fc.constant({ Not: leaf, And: [leaf] }), VALIDATION),
    mutate(valid, path, 'nested too deep', fc.integer({ min: 33, max: 3000 }).map(nested), VALIDATION),
    mutate(valid, path, 'And empty', fc.constant({ And: [] }), VALIDATION),
    mutate(
      valid,
      path,
      'And too wide',
      fc.integer({ min: 16, max: 40 }).map((count) => ({ And: Array.from({ length: count }, () => leaf) })),
      VALIDATION,
    ),
    mutate(
      valid,
      path,
      'Or not a list',
      notAList.map((value) => ({ Or: value })),
      VALIDATION,
    ),
    mutate(valid, [...path, 'Filter'], 'no filter member', fc.constant({}), VALIDATION),
    mutate(valid, [...path, 'Filter', 'CertificateArn'], 'malformed ARN', anyText, MALFORMED_ARN),
  ];
}

/** The models, by operation name, for the seeded `targets`. */
export function operationModels(targets: FuzzTargets): Record<string, OperationModel> {
  const { issuedArn, importedArn, material } = targets;
  const byArn = (arn: string): OperationModel => {
    const valid = { CertificateArn: arn };
    return { valid, mutations: arnMember(valid, ['CertificateArn'], targets) };
  };
  const model = (valid: WireRequest, build: (valid: WireRequest) => fc.Arbitrary<Mutation>[]) => ({
    valid,
    mutations: build(valid),
  });

  return {
    RequestCertificate: model(
      {
        DomainName: 'fuzz-request.local.test',
        ValidationMethod: 'DNS',
        SubjectAlternativeNames: ['fuzz-request.local.test', 'www.fuzz-request.local.test'],
        IdempotencyToken: 'fuzzRequest1',
        KeyAlgorithm: 'RSA_2048',
        Options: { CertificateTransparencyLoggingPreference: 'ENABLED', Export: 'DISABLED' },
        DomainValidationOptions: [{ DomainName: 'fuzz-request.local.test', ValidationDomain: 'local.test' }],
        Tags: TAGS,
      },
      (valid) => [
        ...stringMember(valid, ['DomainName'], { required: true }),
        mutate(valid, ['DomainName'], 'not a domain name', badDomainName, DOMAIN_DEFECT_CODES),
        ...enumMember(valid, ['ValidationMethod'], ['DNS', 'EMAIL', 'HTTP']),
        ...stringListMember(valid, ['SubjectAlternativeNames']),
        mutate(
          valid,
          ['SubjectAlternativeNames', 1],
          'not a domain name',
          badDomainName,
          DOMAIN_DEFECT_CODES,
        ),
        mutate(valid, ['SubjectAlternativeNames'], 'empty', fc.constant([]), VALIDATION),
        mutate(
          valid,
          ['SubjectAlternativeNames'],
          'more than 100',
          fc
            .integer({ min: 101, max: 150 })
            .map((count) => Array.from({ length: count }, (_, i) => `n${i}.local.test`)),
          ['ValidationException', 'LimitExceededException'],
        ),
        ...stringMember(valid, ['IdempotencyToken'], { required: false }),
        mutate(valid, ['IdempotencyToken'], 'too long', longString(33, 500, true), VALIDATION),
        mutate(
          valid,
          ['IdempotencyToken'],
          'outside \\w+',
          fc.oneof(
            fc.constant(''),
            anyText.filter((t) => !/^\w+$/.test(t)),
          ),
          VALIDATION,
        ),
        ...enumMember(valid, ['KeyAlgorithm'], REQUESTABLE_KEY_ALGORITHMS),
        ...structureMember(valid, ['Options']),
        ...enumMember(
          valid,
          ['Options', 'CertificateTransparencyLoggingPreference'],
          ['ENABLED', 'DISABLED'],
        ),
        ...enumMember(valid, ['Options', 'Export'], ['ENABLED', 'DISABLED']),
        mutate(valid, ['DomainValidationOptions'], 'not a list', notAList, SERIALIZATION),
        mutate(valid, ['DomainValidationOptions', 0], 'not a structure', notAStructure, SERIALIZATION),
        missing(valid, ['DomainValidationOptions', 0, 'ValidationDomain']),
        ...stringMember(valid, ['CertificateAuthorityArn'], { required: false }),
        ...tagsMember(valid, ['Tags'], 'add'),
      ],
    ),
    DescribeCertificate: byArn(issuedArn),
    GetCertificate: byArn(importedArn),
    DeleteCertificate: byArn(importedArn),
    RenewCertificate: byArn(issuedArn),
    ValidateNow: byArn(issuedArn),
    ListTagsForCertificate: byArn(issuedArn),
    ResendValidationEmail: model(
      { CertificateArn: issuedArn, Domain: 'fuzz-issued.local.test', ValidationDomain: 'local.test' },
      (valid) => [
        ...arnMember(valid, ['CertificateArn'], targets),
        ...stringMember(valid, ['Domain'], { required: true }),
        ...stringMember(valid, ['ValidationDomain'], { required: true }),
      ],
    ),
    AddTagsToCertificate: model({ CertificateArn: issuedArn, Tags: TAGS }, (valid) => [
      ...arnMember(valid, ['CertificateArn'], targets),
      ...tagsMember(valid, ['Tags'], 'add'),
      missing(valid, ['Tags']),
    ]),
    RemoveTagsFromCertificate: model({ CertificateArn: importedArn, Tags: TAGS }, (valid) => [
      ...arnMember(valid, ['CertificateArn'], targets),
      ...tagsMember(valid, ['Tags'], 'remove'),
      missing(valid, ['Tags']),
    ]),
    GetAccountConfiguration: { valid: {}, mutations: [] },
    PutAccountConfiguration: model(
      { IdempotencyToken: 'fuzzConfiguration', ExpiryEvents: { DaysBeforeExpiry: 30 } },
      (valid) => [
        ...stringMember(valid, ['IdempotencyToken'], { required: true, wrongTypeCodes: VALIDATION }),
        mutate(valid, ['IdempotencyToken'], 'too long', longString(33, 500, true), VALIDATION),
        mutate(
          valid,
          ['IdempotencyToken'],
          'outside \\w+',
          anyText.filter((t) => !/^\w+$/.test(t)),
          VALIDATION,
        ),
        missing(valid, ['ExpiryEvents']),
        mutate(valid, ['ExpiryEvents'], 'not a structure', notAStructure, SERIALIZATION),
        ...integerMember(valid, ['ExpiryEvents', 'DaysBeforeExpiry'], { min: 1, max: 45 }),
      ],
    ),
    UpdateCertificateOptions: model(
      { CertificateArn: issuedArn, Options: { CertificateTransparencyLoggingPreference: 'DISABLED' } },
      (valid) => [
        ...arnMember(valid, ['CertificateArn'], targets),
        ...structureMember(valid, ['Options'], true),
        ...enumMember(
          valid,
          ['Options', 'CertificateTransparencyLoggingPreference'],
          ['ENABLED', 'DISABLED'],
        ),
      ],
    ),
    CheckDomains: model({ DomainNames: ['fuzz-check.local.test'], ValidationMethod: 'DNS' }, (valid) => [
      ...stringListMember(valid, ['DomainNames'], true),
      ...enumMember(valid, ['ValidationMethod'], ['DNS', 'EMAIL']),
      mutate(valid, ['DomainValidationOptions'], 'not a list', notAList, SERIALIZATION),
    ]),
    ImportCertificate: model(
      {
        Certificate: base64Of(material.certificatePem),
        PrivateKey: base64Of(material.privateKeyPem),
        CertificateChain: base64Of(material.chainPem),
        Tags: TAGS,
      },
      (valid) => [
        ...blobMember(valid, ['Certificate'], { min: 1, max: 32768, required: true }),
        ...blobMember(valid, ['PrivateKey'], { min: 1, max: 5120, required: true }),
        ...blobMember(valid, ['CertificateChain'], { min: 1, max: 2097152, required: false }),
        mutate(
          valid,
          ['Certificate'],
          'garbage',
          garbagePem(material.certificatePem, 'CERTIFICATE', material.privateKeyPem),
          VALIDATION,
        ),
        mutate(
          valid,
          ['PrivateKey'],
          'garbage',
          garbagePem(material.privateKeyPem, 'PRIVATE KEY', material.certificatePem),
          VALIDATION,
        ),
        mutate(
          valid,
          ['CertificateChain'],
          'garbage',
          garbagePem(material.chainPem, 'CERTIFICATE', material.privateKeyPem),
          VALIDATION,
        ),
        mutate(
          valid,
          ['PrivateKey'],
          'not its key',
          fc.constantFrom(material.otherKeyPem, material.encryptedKeyPem).map(base64Of),
          VALIDATION,
        ),
        ...arnMember(
          { ...valid, Tags: undefined, CertificateArn: importedArn },
          ['CertificateArn'],
          targets,
          { required: false },
        ),
        ...tagsMember(valid, ['Tags'], 'add'),
      ],
    ),
    ExportCertificate: model(
      { CertificateArn: issuedArn, Passphrase: base64Of('fuzz passphrase') },
      (valid) => [
        ...arnMember(valid, ['CertificateArn'], targets),
        ...blobMember(valid, ['Passphrase'], { min: 4, max: 128, required: true }),
      ],
    ),
    RevokeCertificate: model({ CertificateArn: issuedArn, RevocationReason: 'KEY_COMPROMISE' }, (valid) => [
      ...arnMember(valid, ['CertificateArn'], targets),
      ...enumMember(valid, ['RevocationReason'], REVOCATION_REASONS, true),
    ]),
    ListCertificates: model(
      {
        CertificateStatuses: ['ISSUED'],
        CertificateKeyPairOrigins: ['AWS_MANAGED'],
        Includes: { keyTypes: ['RSA_2048'], exportOption: 'DISABLED' },
        MaxItems: 10,
        SortBy: 'CREATED_AT',
        SortOrder: 'ASCENDING',
      },
      (valid) => [
        ...stringListMember(valid, ['CertificateStatuses']),
        mutate(
          valid,
          ['CertificateStatuses', 0],
          'outside the enum',
          fc.string({ maxLength: 20 }),
          VALIDATION,
        ),
        mutate(valid, ['CertificateKeyPairOrigins'], 'empty', fc.constant([]), VALIDATION),
        mutate(
          valid,
          ['CertificateKeyPairOrigins', 0],
          'outside the enum',
          fc.string({ maxLength: 20 }),
          VALIDATION,
        ),
        ...structureMember(valid, ['Includes']),
        ...stringListMember(valid, ['Includes', 'keyTypes']),
        mutate(
          valid,
          ['Includes', 'keyTypes', 0],
          'outside the enum',
          fc.string({ maxLength: 20 }),
          VALIDATION,
        ),
        ...enumMember(valid, ['Includes', 'exportOption'], ['ENABLED', 'DISABLED']),
        ...integerMember(valid, ['MaxItems'], { min: 1, max: 1000 }),
        ...enumMember(valid, ['SortBy'], ['CREATED_AT']),
        missing(valid, ['SortOrder']),
        ...nextTokenDefects(valid, true),
      ],
    ),
    SearchCertificates: model(
      { FilterStatement: { Filter: { CertificateArn: issuedArn } }, MaxResults: 10, SortOrder: 'ASCENDING' },
      (valid) => [
        ...filterStatementDefects(valid, issuedArn),
        ...integerMember(valid, ['MaxResults'], { min: 1, max: 500 }),
        ...enumMember(valid, ['SortOrder'], ['ASCENDING', 'DESCENDING']),
        ...nextTokenDefects(valid, true),
      ],
    ),
    ListCertificateDomainValidations: model({ CertificateArn: issuedArn, MaxItems: 10 }, (valid) => [
      ...arnMember(valid, ['CertificateArn'], targets),
      ...integerMember(valid, ['MaxItems'], { min: 1, max: 1000 }),
      ...nextTokenDefects(valid, false),
    ]),
    TagResource: model({ ResourceArn: ACME_ENDPOINT_ARN, Tags: TAGS }, (valid) => [
      ...resourceArnDefects(valid),
      ...tagsMember(valid, ['Tags'], 'add'),
    ]),
    UntagResource: model({ ResourceArn: ACME_ENDPOINT_ARN, TagKeys: ['team'] }, (valid) => [
      ...resourceArnDefects(valid),
      ...stringListMember(valid, ['TagKeys'], true),
      mutate(valid, ['TagKeys'], 'empty', fc.constant([]), VALIDATION),
      mutate(
        valid,
        ['TagKeys'],
        'more than 50',
        fc.integer({ min: 51, max: 80 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}`)),
        VALIDATION,
      ),
    ]),
    ListTagsForResource: model({ ResourceArn: ACME_ENDPOINT_ARN }, resourceArnDefects),
    AssociateCertificate: model(
      { CertificateArn: issuedArn, ResourceArn: RESOURCE_ARN },
      inUseDefects(targets),
    ),
    DisassociateCertificate: model(
      { CertificateArn: issuedArn, ResourceArn: RESOURCE_ARN },
      inUseDefects(targets),
    ),
  };
}

/** ResourceArn of the non-certificate tag operations: absent, not a string, shorter than 20 or over 2048. */
function resourceArnDefects(valid: WireRequest): fc.Arbitrary<Mutation>[] {
  return [
    ...stringMember(valid, ['ResourceArn'], { required: true }),
    mutate(valid, ['ResourceArn'], 'too short', fc.string({ maxLength: 19 }), VALIDATION),
    mutate(valid, ['ResourceArn'], 'too long', longString(2049, 4000, true), VALIDATION),
  ];
}

/** AssociateCertificate and DisassociateCertificate: the certificate ARN, and a resource that is no text. */
function inUseDefects(targets: FuzzTargets) {
  return (valid: WireRequest): fc.Arbitrary<Mutation>[] => [
    ...arnMember(valid, ['CertificateArn'], targets),
    ...stringMember(valid, ['ResourceArn'], { required: true }),
    mutate(valid, ['ResourceArn'], 'empty', fc.constant(''), VALIDATION),
    mutate(valid, ['ResourceArn'], 'too long', longString(2049, 4000, true), VALIDATION),
    mutate(
      valid,
      ['ResourceArn'],
      'a control character',
      fc
        .tuple(fc.nat(RESOURCE_ARN.length), fc.constantFrom('\u0000', '\n', '\u007f', '\u009f', '\ud800'))
        .map(([at, odd]) => `${RESOURCE_ARN.slice(0, at)}${odd}${RESOURCE_ARN.slice(at)}`),
      VALIDATION,
    ),
  ];
}
