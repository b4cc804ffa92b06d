/**
 * ImportCertificate in core, on the real store (dynalite) and the local key vault, with keys and
 * certificates made by openssl: every accepted key type and PEM form, chains, ACM's refusals (nothing
 * written, no quota used), quotas, re-import and the Available events.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyVault } from '../../../../functions/adapters/local/file-key-vault.ts';
import { parseCertificateArn } from '../../../../functions/core/arn.ts';
import { ResourceNotFoundError, ValidationError } from '../../../../functions/core/errors.ts';
import {
  type ImportCertificateDeps,
  type ImportCertificateRequest,
  importCertificate,
} from '../../../../functions/core/imports/import-certificate.ts';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import { requestWindow } from '../../../../functions/core/policy/request-window.ts';
import { runSchedule } from '../../../../functions/core/schedule/run-schedule.ts';
import type { Quotas } from '../../../../functions/core/settings.ts';
import { FakeClock, HOUR_MS } from '../../../support/fake-clock.ts';
import {
  chainPem,
  type OpensslCertificate,
  type OpensslKeyType,
  OpensslWorkbench,
} from '../../../support/openssl-certificates.ts';
import { RecordingEvents } from '../../../support/recording-events.ts';
import {
  accountSeries,
  pendingCertificate,
  storedCertificate,
  TEST_SETTINGS,
  useDynaliteStore,
} from '../core-fixtures.ts';

const dynamo = useDynaliteStore();
const nextAccount = accountSeries(510_000_000_000, '5105');
const text = (value: string) => new TextEncoder().encode(value);

let bench: OpensslWorkbench;
let vaultDir: string;
let vault: FileKeyVault;
let root: OpensslCertificate;
let intermediate: OpensslCertificate;
let leaf: OpensslCertificate;

beforeAll(async () => {
  bench = await OpensslWorkbench.create();
  vaultDir = await mkdtemp(join(tmpdir(), 'certwright-import-vault-'));
  vault = await FileKeyVault.fromFile(join(vaultDir, 'vault.key'));
  root = await bench.makeCa({ keyType: 'RSA_2048', subject: '/C=AU/O=Import Root Org/CN=Import Root' });
  intermediate = await bench.makeCa({
    issuer: root,
    keyType: 'EC_secp384r1',
    subject: '/C=AU/O=Import Issuing Org/CN=Import Issuing CA',
  });
  leaf = await bench.makeLeaf({
    issuer: intermediate,
    keyType: 'RSA_2048',
    subject: '/C=AU/ST=Some-State/L=Some-Locality/O=Leaf Org/OU=Testing/CN=www.import.test',
    names: ['import.test', 'www.import.test'],
    extendedKeyUsage: 'serverAuth,clientAuth',
    digest: 'sha384',
  });
}, 60_000);

afterAll(async () => {
  await bench?.cleanup();
  await rm(vaultDir, { recursive: true, force: true });
});

function setup(quotas: Quotas = TEST_SETTINGS.quotas) {
  const { accountId, random } = nextAccount();
  const clock = new FakeClock();
  const events = new RecordingEvents();
  const deps: ImportCertificateDeps = {
    store: dynamo.store,
    clock,
    random,
    vault,
    events,
    settings: { ...TEST_SETTINGS, quotas },
  };
  const run = (
    request: Partial<ImportCertificateRequest> & { leaf?: OpensslCertificate; chain?: string },
  ) => {
    const certificate = request.leaf ?? leaf;
    return importCertificate(deps, accountId, {
      certificate: text(certificate.pem),
      privateKey: text(certificate.key.pem),
      ...(request.chain === undefined ? {} : { certificateChain: text(request.chain) }),
      ...request,
    });
  };
  const held = async () => (await dynamo.store.list(accountId, { limit: 100 })).certificates;
  const usage = () => dynamo.store.quotaUsage(accountId, requestWindow(clock.now()));
  return { deps, accountId, clock, events, run, held, usage };
}

async function refusal(call: Promise<unknown>): Promise<{ type: string; message: string }> {
  const error = await call.then(
    () => {
      throw new Error('expected the import to be refused');
    },
    (caught: Error) => caught,
  );
  return { type: error.constructor.name, message: error.message };
}

describe('importCertificate', () => {
  it('stores an imported certificate with its chain, sealed key and ACM’s description, then announces it', async () => {
    const { run, events, clock } = setup();
    const arn = await run({ chain: chainPem(intermediate, root), tags: [{ Key: 'Env', Value: 'dev' }] });
    const stored = await storedCertificate(dynamo.store, arn);
    const at = clock.now().toISOString();
    expect(stored).toMatchObject({
      arn,
      type: 'IMPORTED',
      status: 'ISSUED',
      domainName: 'www.import.test',
      subjectAlternativeNames: ['www.import.test', 'import.test'],
      keyAlgorithm: 'RSA_2048',
      signatureAlgorithm: 'SHA384WITHECDSA',
      subject: 'C=AU,ST=Some-State,L=Some-Locality,O=Leaf Org,OU=Testing,CN=www.import.test',
      issuer: 'Import Issuing Org',
      options: { certificateTransparencyLoggingPreference: 'DISABLED', export: 'DISABLED' },
      domainValidations: [],
      inUseBy: [],
      tags: [{ Key: 'Env', Value: 'dev' }],
      createdAt: at,
      importedAt: at,
      validationDeadline: at,
    });
    expect(stored.issued).toMatchObject({
      certificatePem: leaf.pem,
      chainPem: intermediate.pem + root.pem,
      issuedAt: at,
      announcedAt: at,
      keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
      extendedKeyUsages: [
        { name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' },
        { name: 'TLS_WEB_CLIENT_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.2' },
      ],
    });
    expect(stored.issued?.serialHex).toMatch(/^([0-9a-f]{2})+$/);
    const opened = await vault.open(stored.issued?.sealedPrivateKey ?? '', arn);
    expect(Buffer.from(opened).toString('base64')).toBe(
      createPrivateKey(leaf.key.pem).export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    );
    expect(events.published).toEqual([
      expect.objectContaining({
        detailType: 'ACM Certificate Available',
        certificateArn: arn,
        detail: expect.objectContaining({
          Action: 'IMPORT',
          CertificateType: 'IMPORTED',
          CommonName: 'www.import.test',
          CertificateKeyPairOrigin: 'CUSTOMER_PROVIDED',
        }),
      }),
    ]);
  });

  it.each<[OpensslKeyType, 'pkcs8' | 'traditional']>([
    ['RSA_2048', 'traditional'],
    ['RSA_3072', 'pkcs8'],
    ['RSA_4096', 'traditional'],
    ['EC_prime256v1', 'traditional'],
    ['EC_secp384r1', 'pkcs8'],
    ['EC_secp521r1', 'traditional'],
  ])(
    'accepts a %s key in %s PEM form',
    async (keyType, form) => {
      const { run } = setup();
      const own = await bench.makeLeaf({ issuer: intermediate, keyType, names: ['key.import.test'] });
      const privateKey = form === 'pkcs8' ? own.key.pem : await bench.traditionalPem(own.key);
      expect(privateKey).toContain(form === 'pkcs8' ? 'BEGIN PRIVATE KEY' : 'BEGIN ');
      const arn = await run({ leaf: own, privateKey: text(privateKey), chain: intermediate.pem });
      expect((await storedCertificate(dynamo.store, arn)).keyAlgorithm).toBe(keyType);
    },
    30_000,
  );

  it('accepts a self-signed certificate without a chain, and a chain whose key families differ', async () => {
    const { run } = setup();
    const selfSigned = await bench.makeLeaf({ keyType: 'EC_secp521r1', names: ['self.import.test'] });
    const stored = await storedCertificate(dynamo.store, await run({ leaf: selfSigned }));
    expect(stored).toMatchObject({ issuer: 'self.import.test', signatureAlgorithm: 'SHA256WITHECDSA' });
    expect(stored.issued?.chainPem).toBe('');
    // An EC leaf under an EC intermediate under an RSA root.
    const ecLeaf = await bench.makeLeaf({ issuer: intermediate, keyType: 'EC_prime256v1' });
    expect(await run({ leaf: ecLeaf, chain: chainPem(intermediate, root) })).toMatch(/:certificate\//);
  });

  it('names the domain by the first DNS name when the subject has no CN', async () => {
    const { run } = setup();
    const noCn = await bench.makeLeaf({ subject: '/O=No CN Org', names: ['a.import.test', 'b.import.test'] });
    const stored = await storedCertificate(dynamo.store, await run({ leaf: noCn }));
    expect(stored).toMatchObject({
      domainName: 'a.import.test',
      subjectAlternativeNames: ['a.import.test', 'b.import.test'],
      subject: 'O=No CN Org',
    });
  });
});

describe('importCertificate refusals', () => {
  const cases: Array<
    [
      string,
      () => Promise<Partial<ImportCertificateRequest> & { leaf?: OpensslCertificate; chain?: string }>,
      string,
    ]
  > = [
    [
      'garbage as the certificate',
      async () => ({ certificate: text('not a certificate') }),
      'Unable to parse certificate. Please ensure the certificate is in PEM format.',
    ],
    [
      'a private key as the certificate',
      async () => ({ certificate: text(leaf.key.pem) }),
      'Unable to parse certificate. Please ensure the certificate is in PEM format.',
    ],
    [
      'two certificates',
      async () => ({ certificate: text(leaf.pem + intermediate.pem) }),
      'The certificate field contains more than one certificate. You can specify only one certificate in this field.',
    ],
    [
      'garbage as the chain',
      async () => ({ chain: 'not a chain' }),
      'The certificate chain provided is not in a valid PEM format.',
    ],
    [
      'a chain larger than a table item holds',
      async () => ({ chain: intermediate.pem.repeat(500) }),
      'The certificate chain is too large: at most 262144 bytes of chain can be stored with a certificate.',
    ],
    [
      'an expired certificate',
      async () => ({
        leaf: await bench.makeLeaf({ notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') }),
      }),
      'The certificate has expired, is not valid.',
    ],
    [
      'a certificate not valid yet',
      async () => ({
        leaf: await bench.makeLeaf({ notBefore: new Date(Date.now() + 24 * HOUR_MS), days: 30 }),
      }),
      'The certificate is not in effect yet, is not valid.',
    ],
    [
      'a key that is not the certificate’s',
      async () => ({ privateKey: text((await bench.makeKey('RSA_2048')).pem) }),
      'The private key does not match the public key in the certificate.',
    ],
    [
      'an encrypted PKCS#8 key',
      async () => ({ privateKey: text(await bench.encryptedPem(leaf.key, 'secret', 'pkcs8')) }),
      'The private key is not supported: it is encrypted. Import the private key without a passphrase.',
    ],
    [
      'an encrypted traditional key',
      async () => ({ privateKey: text(await bench.encryptedPem(leaf.key, 'secret', 'traditional')) }),
      'The private key is not supported: it is encrypted. Import the private key without a passphrase.',
    ],
    [
      'garbage as the key',
      async () => ({ privateKey: text('not a key') }),
      'The private key is not supported: it is not a PEM-encoded private key.',
    ],
    [
      'an RSA 1024 key',
      async () => ({ leaf: await bench.makeLeaf({ keyType: 'RSA_1024' }) }),
      'The private key length 1024 is not supported for key algorithm RSA. Supported keys: RSA 2048, 3072 or 4096 bits; EC P-256, P-384 or P-521.',
    ],
    [
      'a secp256k1 key',
      async () => ({ leaf: await bench.makeLeaf({ keyType: 'EC_secp256k1' }) }),
      'The private key is not supported: EC keys on curve secp256k1 are not. Supported keys: RSA 2048, 3072 or 4096 bits; EC P-256, P-384 or P-521.',
    ],
    [
      'an Ed25519 key',
      async () => ({ leaf: await bench.makeLeaf({ keyType: 'ED25519' }) }),
      'The private key is not supported: ed25519 keys are not. Supported keys: RSA 2048, 3072 or 4096 bits; EC P-256, P-384 or P-521.',
    ],
    [
      'a chain in the wrong order',
      async () => ({ chain: chainPem(root, intermediate) }),
      'Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: 0',
    ],
    [
      'a chain whose second link is wrong',
      async () => ({ chain: chainPem(intermediate, intermediate) }),
      'Unable to validate certificate chain. The certificate chain must start with the immediate signing certificate, followed by any intermediaries in order. The index within the chain of the invalid certificate is: 1',
    ],
    [
      'a chain of another CA with the same name',
      async () => ({ chain: (await bench.makeCa({ subject: intermediate.subject })).pem }),
      'Could not validate the certificate with the certificate chain.',
    ],
    [
      'an empty issuer',
      async () => ({ leaf: await bench.makeLeaf({ subject: '', names: ['empty.import.test'] }) }),
      'The certificate has an empty issuer; a certificate must name its issuer.',
    ],
    [
      'no domain name',
      async () => ({ leaf: await bench.makeLeaf({ subject: '/O=Nameless', names: [] }) }),
      'The certificate has no domain name: it needs a subject common name (CN) or a DNS name in its subject alternative names.',
    ],
    [
      'a self-signed certificate with a broken signature',
      async () => {
        const selfSigned = await bench.makeLeaf({ names: ['broken.import.test'] });
        return { leaf: selfSigned, certificate: text(brokenSignature(selfSigned)) };
      },
      'Provided certificate is not a valid self signed. Please provide either a valid self-signed certificate or certificate chain.',
    ],
  ];

  it.each(cases)('refuses %s with ValidationException, writing nothing', async (_, request, message) => {
    const { run, held, usage } = setup();
    expect(await refusal(run(await request()))).toEqual({ type: 'ValidationError', message });
    expect(await held()).toEqual([]);
    expect(await usage()).toEqual({ certificates: 0, requests: 0 });
  });

  it('never faults on byte garbage as the certificate or the key, raw or in PEM armour, and writes nothing', async () => {
    const { run, held } = setup();
    const armoured = (label: string) =>
      fc
        .uint8Array({ maxLength: 600 })
        .map((bytes) =>
          text(
            `-----BEGIN ${label}-----\n${Buffer.from(bytes).toString('base64')}\n-----END ${label}-----\n`,
          ),
        );
    const garbage = (label: string) =>
      fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 600 }), armoured(label));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          garbage('CERTIFICATE').map((certificate) => ({ certificate })),
          garbage('PRIVATE KEY').map((privateKey) => ({ privateKey })),
          garbage('EC PRIVATE KEY').map((privateKey) => ({ privateKey })),
        ),
        async (request) => {
          const error = await run(request).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(error).toBeInstanceOf(ValidationError);
        },
      ),
      { numRuns: 150 },
    );
    expect(await held()).toEqual([]);
  });
});

describe('importCertificate quotas', () => {
  it('counts an import like a request and refuses one over the limit with ACM’s message', async () => {
    const { run, usage } = setup({ certificatesPerAccount: 1, requestsPerYear: 10 });
    await run({ chain: intermediate.pem });
    expect(await usage()).toEqual({ certificates: 1, requests: 1 });
    expect(await refusal(run({ chain: intermediate.pem }))).toEqual({
      type: 'LimitExceededError',
      message:
        'Error: you have reached your limit of 1 certificates in this account. Delete certificates you no longer need to request more.',
    });
    expect(await usage()).toEqual({ certificates: 1, requests: 1 });
  });

  it('gives the slot back when the write fails', async () => {
    const { deps, accountId, clock } = setup();
    const failing = {
      ...deps,
      store: Object.assign(Object.create(dynamo.store), {
        create: () => Promise.reject(new Error('table down')),
      }),
    };
    await expect(
      importCertificate(failing, accountId, { certificate: text(leaf.pem), privateKey: text(leaf.key.pem) }),
    ).rejects.toThrow('table down');
    expect(await dynamo.store.quotaUsage(accountId, requestWindow(clock.now()))).toEqual({
      certificates: 0,
      requests: 0,
    });
  });
});

describe('importCertificate re-import', () => {
  it('replaces the body under the same ARN, keeping tags and CreatedAt, and announces REIMPORT', async () => {
    const { run, clock, events, usage } = setup();
    const arn = await run({ chain: intermediate.pem, tags: [{ Key: 'Team', Value: 'web' }] });
    const first = await storedCertificate(dynamo.store, arn);
    clock.advance(HOUR_MS);
    const renewed = await bench.makeLeaf({
      issuer: intermediate,
      keyType: 'RSA_2048',
      names: ['new.import.test', 'www.import.test'],
      extendedKeyUsage: 'serverAuth',
    });
    expect(await run({ leaf: renewed, chain: intermediate.pem, certificateArn: arn })).toBe(arn);
    const second = await storedCertificate(dynamo.store, arn);
    expect(second).toMatchObject({
      arn,
      createdAt: first.createdAt,
      importedAt: clock.now().toISOString(),
      tags: [{ Key: 'Team', Value: 'web' }],
      domainName: 'new.import.test',
      subjectAlternativeNames: ['new.import.test', 'www.import.test'],
      status: 'ISSUED',
    });
    expect(second.issued?.certificatePem).toBe(renewed.pem);
    expect(second.issued?.serialHex).not.toBe(first.issued?.serialHex);
    expect(second.issued?.announcedAt).toBe(clock.now().toISOString());
    expect(events.published.map((event) => event.detail.Action)).toEqual(['IMPORT', 'REIMPORT']);
    expect(await usage()).toEqual({ certificates: 1, requests: 1 });
  });

  it('brings an EXPIRED import back to ISSUED', async () => {
    const { run } = setup();
    const arn = await run({});
    const { accountId, certificateId } = parseCertificateArn(arn);
    const stored = await storedCertificate(dynamo.store, arn);
    await dynamo.store.save({ ...stored, status: 'EXPIRED' });
    await run({ certificateArn: arn });
    expect((await dynamo.store.get(accountId, certificateId))?.status).toBe('ISSUED');
  });

  it('keeps every concurrent re-import', async () => {
    const { run } = setup();
    const arn = await run({});
    const before = await storedCertificate(dynamo.store, arn);
    await Promise.all([
      run({ certificateArn: arn }),
      run({ certificateArn: arn }),
      run({ certificateArn: arn }),
    ]);
    // Each re-import is one write and each announcement one more.
    expect((await storedCertificate(dynamo.store, arn)).version).toBe(before.version + 6);
  });

  it('refuses what ACM refuses on re-import', async () => {
    const { run, accountId } = setup();
    const arn = await run({});
    const ec = await bench.makeLeaf({ keyType: 'EC_prime256v1' });
    const noClientAuth = await bench.makeLeaf({
      issuer: intermediate,
      keyType: 'RSA_2048',
      keyUsage: 'critical,digitalSignature',
    });
    const requested = pendingCertificate({ accountId, id: '0f0f0f0f-0000-4000-8000-000000000001' });
    await dynamo.store.create({
      ...requested,
      arn: `arn:aws:acm:us-east-1:${accountId}:certificate/${requested.id}`,
    });
    const requestedArn = `arn:aws:acm:us-east-1:${accountId}:certificate/${requested.id}`;
    expect(await refusal(run({ certificateArn: arn, tags: [{ Key: 'a' }] }))).toEqual({
      type: 'ValidationError',
      message: 'Tagging is not permitted on re-import.',
    });
    expect(await refusal(run({ certificateArn: arn, leaf: ec }))).toEqual({
      type: 'ValidationError',
      message: `The key type and size cannot change on re-import: certificate ${arn} has a RSA_2048 key, the new certificate a EC_prime256v1 key.`,
    });
    expect(await refusal(run({ certificateArn: arn, leaf: noClientAuth, chain: intermediate.pem }))).toEqual({
      type: 'ValidationError',
      message: `The new certificate must keep the key usages of certificate ${arn}; it lacks KEY_ENCIPHERMENT.`,
    });
    expect(await refusal(run({ certificateArn: requestedArn }))).toEqual({
      type: 'ValidationError',
      message: `Certificate ${requestedArn} was not imported; only an imported certificate can be re-imported.`,
    });
    const unknown = arn.replace(/.{12}$/, '000000000000');
    expect(await refusal(run({ certificateArn: unknown }))).toEqual({
      type: 'ResourceNotFoundError',
      message: `Could not find certificate ${unknown}.`,
    });
    expect(
      (await refusal(run({ certificateArn: 'arn:aws:acm:us-east-1:123456789012:private-ca/x' }))).type,
    ).toBe('InvalidArnError');
  });

  it('refuses another account’s certificate as not found and a revoked one outright', async () => {
    const owner = setup();
    const arn = await owner.run({});
    const other = setup();
    await expect(other.run({ certificateArn: arn })).rejects.toBeInstanceOf(ResourceNotFoundError);
    const stored = await storedCertificate(dynamo.store, arn);
    await dynamo.store.save({ ...stored, status: 'REVOKED' });
    expect(await refusal(owner.run({ certificateArn: arn }))).toEqual({
      type: 'ValidationError',
      message: `Certificate ${arn} is revoked and cannot be re-imported.`,
    });
  });
});

describe('importCertificate events', () => {
  it('stands when publishing fails; the schedule publishes the IMPORT event later', async () => {
    const { run, events, clock, deps } = setup();
    events.failNext();
    const arn = await run({});
    const stored: CertificateRecord = await storedCertificate(dynamo.store, arn);
    expect(stored.status).toBe('ISSUED');
    expect(stored.issued?.announcedAt).toBeUndefined();
    clock.advance(2 * HOUR_MS);
    const due: typeof dynamo.store.listIssuedDueBy = (until, limit, startKey) =>
      dynamo.store.scanIssuedDueBy(until, limit, startKey).then((page) => ({
        ...page,
        references: page.references.filter((reference) => reference.arn === arn),
      }));
    expect(await runSchedule({ ...deps, findDue: due }, clock.now())).toMatchObject({ announced: 1 });
    // The same visit may also send Approaching Expiration (the test certificate expires within 45 days).
    const available = events.published.filter((event) => event.detailType === 'ACM Certificate Available');
    expect(available.map((event) => event.detail.Action)).toEqual(['IMPORT']);
  });
});

/** The PEM of `certificate` with the last byte of its signature flipped. */
function brokenSignature(certificate: OpensslCertificate): string {
  const body = certificate.pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  der[der.length - 1] = (der[der.length - 1] as number) ^ 0xff;
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
}
