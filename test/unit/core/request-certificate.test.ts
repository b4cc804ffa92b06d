import { describe, expect, it } from 'vitest';
import { approverAddresses } from '../../../functions/core/approvals/approver-addresses.ts';
import { certificateArn, parseCertificateArn } from '../../../functions/core/arn.ts';
import {
  type CertificateRequest,
  type RequestCertificateDeps,
  requestCertificate,
  unsupportedValidationMethod,
} from '../../../functions/core/certificates/request-certificate.ts';
import {
  InvalidDomainValidationOptionsError,
  InvalidParameterError,
  LimitExceededError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import { validationRecordFor } from '../../../functions/core/validation/validation-record.ts';
import { FakeClock, HOUR_MS } from '../../support/fake-clock.ts';
import {
  accountSeries,
  HmacMac,
  pendingCertificate,
  RecordingWorkflow,
  requestCertificateDeps,
  storedCertificate,
  TEST_SETTINGS,
  useDynaliteStore,
  VALIDATION_DOMAIN,
} from './core-fixtures.ts';

const START = new Date('2026-03-01T12:00:00.000Z');
const mac = new HmacMac();

const dynamo = useDynaliteStore();

const nextAccount = accountSeries(100_000_000_000, '0000');

/** Every test gets its own account, so it can look at everything that account holds. */
function setup(overrides: Partial<RequestCertificateDeps> = {}) {
  const { accountId, random } = nextAccount();
  const workflow = new RecordingWorkflow();
  const clock = new FakeClock(START);
  const sleeps: number[] = [];
  const deps = requestCertificateDeps(dynamo.store, clock, {
    workflow,
    random,
    mac,
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
    },
    ...overrides,
  });
  const request = (input: CertificateRequest) =>
    requestCertificate(deps, accountId, { validationMethod: 'DNS', ...input });
  const stored = (arn: string) => storedCertificate(dynamo.store, arn);
  const all = async () => (await dynamo.store.list(accountId, { limit: 100 })).certificates;
  /** An ARN in this account that no request of this setup's Random produces. */
  const foreignArn = (serial: number) =>
    certificateArn({
      partition: 'aws',
      region: TEST_SETTINGS.region,
      accountId,
      certificateId: `ffffffff-0000-4000-8000-${serial.toString(16).padStart(12, '0')}`,
    });
  return { accountId, workflow, clock, sleeps, deps, request, stored, all, foreignArn };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('requestCertificate', () => {
  it('stores a pending certificate with an ARN in the configured partition and region', async () => {
    const { accountId, request, stored } = setup();
    const arn = await request({ domainName: 'www.example.com' });
    const parts = parseCertificateArn(arn);
    expect(parts).toMatchObject({ partition: 'aws', region: TEST_SETTINGS.region, accountId });

    const certificate = await stored(arn);
    expect(certificate).toMatchObject({
      arn,
      accountId,
      id: parts.certificateId,
      region: TEST_SETTINGS.region,
      domainName: 'www.example.com',
      subjectAlternativeNames: ['www.example.com'],
      type: 'AMAZON_ISSUED',
      status: 'PENDING_VALIDATION',
      keyAlgorithm: 'RSA_2048',
      signatureAlgorithm: 'SHA256WITHRSA',
      issuer: 'Certwright Test',
      subject: 'CN=www.example.com',
      inUseBy: [],
      tags: [],
    });
    expect(certificate.issued).toBeUndefined();
    expect(certificate.failureReason).toBeUndefined();
  });

  it('puts DomainName first and every name once (case-insensitively), in request order', async () => {
    const { request, stored } = setup();
    const arn = await request({
      domainName: 'Example.COM',
      subjectAlternativeNames: [
        'www.example.com',
        'example.com',
        '*.example.com',
        'WWW.example.com',
        'api.example.com',
      ],
    });
    const certificate = await stored(arn);
    expect(certificate.domainName).toBe('example.com');
    expect(certificate.subject).toBe('CN=example.com');
    expect(certificate.subjectAlternativeNames).toEqual([
      'example.com',
      'www.example.com',
      '*.example.com',
      'api.example.com',
    ]);
  });

  it('gives every name a pending DNS validation with its derived resource record', async () => {
    const { accountId, request, stored } = setup();
    const arn = await request({
      domainName: 'example.com',
      subjectAlternativeNames: ['*.example.com', 'www.example.com'],
    });
    const certificate = await stored(arn);
    const expected = await Promise.all(
      ['example.com', '*.example.com', 'www.example.com'].map(async (name) => ({
        domainName: name,
        validationDomain: name,
        validationMethod: 'DNS',
        status: 'PENDING_VALIDATION',
        resourceRecord: await validationRecordFor(mac, accountId, name, VALIDATION_DOMAIN),
      })),
    );
    expect(certificate.domainValidations).toEqual(expected);
    // The wildcard shares its base name's record.
    expect(certificate.domainValidations[1]?.resourceRecord).toEqual(
      certificate.domainValidations[0]?.resourceRecord,
    );
    expect(certificate.domainValidations[2]?.resourceRecord?.Name).toMatch(
      /^_[0-9a-f]{32}\.www\.example\.com\.$/,
    );
  });

  it('keeps the requested key algorithm, tags and options, and names the signature after the CA key', async () => {
    const { request, stored } = setup({ caAlgorithm: 'EC_secp384r1' });
    const arn = await request({
      domainName: 'ec.example.com',
      keyAlgorithm: 'EC_prime256v1',
      tags: [{ Key: 'team', Value: 'platform' }, { Key: 'bare' }],
      options: { certificateTransparencyLoggingPreference: 'DISABLED', export: 'ENABLED' },
    });
    expect(await stored(arn)).toMatchObject({
      keyAlgorithm: 'EC_prime256v1',
      signatureAlgorithm: 'SHA384WITHECDSA',
      tags: [{ Key: 'team', Value: 'platform' }, { Key: 'bare' }],
      options: { certificateTransparencyLoggingPreference: 'DISABLED', export: 'ENABLED' },
    });
  });

  it('sets createdAt to now and the validation deadline 72 hours later', async () => {
    const { clock, request, stored } = setup();
    clock.advance(12_345);
    const arn = await request({ domainName: 'deadline.example.com' });
    const certificate = await stored(arn);
    expect(certificate.createdAt).toBe(clock.now().toISOString());
    expect(Date.parse(certificate.validationDeadline) - Date.parse(certificate.createdAt)).toBe(72 * HOUR_MS);
    expect(certificate.validationDeadline).toBe('2026-03-04T12:00:12.345Z');
  });

  it('follows a configured validation window', async () => {
    const { request, stored } = setup({ settings: { ...TEST_SETTINGS, validationTimeoutHours: 1 } });
    const certificate = await stored(await request({ domainName: 'short.example.com' }));
    expect(Date.parse(certificate.validationDeadline) - Date.parse(certificate.createdAt)).toBe(HOUR_MS);
  });

  it('starts the workflow once, named after the certificate id, with the ARN as input', async () => {
    const { workflow, request } = setup();
    const arn = await request({ domainName: 'workflow.example.com' });
    expect(workflow.starts).toEqual([
      { executionName: parseCertificateArn(arn).certificateId, input: { certificateArn: arn } },
    ]);
  });

  it('gives two requests without a token two certificates and two workflows', async () => {
    const { workflow, request, all } = setup();
    const first = await request({ domainName: 'twice.example.com' });
    const second = await request({ domainName: 'twice.example.com' });
    expect(second).not.toBe(first);
    expect((await all()).map((certificate) => certificate.arn).sort()).toEqual([first, second].sort());
    expect(workflow.starts.map((start) => start.input.certificateArn)).toEqual([first, second]);
  });

  describe('ValidationDomain', () => {
    it('accepts the name itself and any superdomain, stored lowercased', async () => {
      const { request, stored } = setup();
      const arn = await request({
        domainName: 'www.shop.example.com',
        subjectAlternativeNames: ['*.api.example.com', 'example.com', 'other.example.com'],
        domainValidationOptions: [
          { domainName: 'WWW.shop.example.com', validationDomain: 'Example.com' },
          { domainName: '*.api.example.com', validationDomain: 'api.example.com' },
          { domainName: 'example.com', validationDomain: 'example.com' },
        ],
      });
      const byName = Object.fromEntries(
        (await stored(arn)).domainValidations.map((dv) => [dv.domainName, dv.validationDomain]),
      );
      expect(byName).toEqual({
        'www.shop.example.com': 'example.com',
        '*.api.example.com': 'api.example.com',
        'example.com': 'example.com',
        'other.example.com': 'other.example.com',
      });
    });

    it('does not change the validation record, which stays derived from the name', async () => {
      const { accountId, request, stored } = setup();
      const arn = await request({
        domainName: 'www.example.com',
        domainValidationOptions: [{ domainName: 'www.example.com', validationDomain: 'example.com' }],
      });
      expect((await stored(arn)).domainValidations[0]?.resourceRecord).toEqual(
        await validationRecordFor(mac, accountId, 'www.example.com', VALIDATION_DOMAIN),
      );
    });

    it.each([
      ['an unrelated domain', 'example.net'],
      ['a suffix that is not a whole label', 'ample.com'],
      ['a subdomain of the name', 'deep.www.example.com'],
    ])('refuses %s, storing and starting nothing', async (_, validationDomain) => {
      const { workflow, request, all } = setup();
      const error = await rejection(
        request({
          domainName: 'www.example.com',
          domainValidationOptions: [{ domainName: 'www.example.com', validationDomain }],
        }),
      );
      expect(error).toBeInstanceOf(InvalidDomainValidationOptionsError);
      expect(error.message).toBe(
        `ValidationDomain ${validationDomain} is not www.example.com or a superdomain of it.`,
      );
      expect(await all()).toEqual([]);
      expect(workflow.starts).toEqual([]);
    });

    it('refuses an option for a name that is not on the certificate', async () => {
      const { workflow, request, all } = setup();
      const error = await rejection(
        request({
          domainName: 'www.example.com',
          subjectAlternativeNames: ['api.example.com'],
          domainValidationOptions: [{ domainName: 'mail.example.com', validationDomain: 'example.com' }],
        }),
      );
      expect(error).toBeInstanceOf(InvalidDomainValidationOptionsError);
      expect(error.message).toBe(
        "DomainValidationOptions contains mail.example.com, which is not one of the certificate's domain names.",
      );
      expect(await all()).toEqual([]);
      expect(workflow.starts).toEqual([]);
    });

    it.each([
      ['a single label', 'test'],
      ['a trailing dot', 'example.com.'],
      ['a label starting with a hyphen', '-bad.example.com'],
    ])('refuses a ValidationDomain with %s as ValidationException, naming the member', async (_, domain) => {
      const { workflow, request, all } = setup();
      const error = await rejection(
        request({
          domainName: 'www.example.com',
          subjectAlternativeNames: ['api.example.com'],
          domainValidationOptions: [
            { domainName: 'api.example.com', validationDomain: 'example.com' },
            { domainName: 'www.example.com', validationDomain: domain },
          ],
        }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(
        `Value '${domain}' at 'domainValidationOptions.2.member.validationDomain' failed to satisfy constraint`,
      );
      expect(await all()).toEqual([]);
      expect(workflow.starts).toEqual([]);
    });

    it('refuses a malformed DomainName in an option as ValidationException, before any other rule', async () => {
      const { request } = setup();
      const error = await rejection(
        request({
          domainName: 'www.example.com',
          domainValidationOptions: [
            { domainName: 'mail.example.com', validationDomain: 'example.net' },
            { domainName: 'www.example.com.', validationDomain: 'example.com' },
          ],
        }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain("at 'domainValidationOptions.2.member.domainName'");
    });

    it.each([
      ['the same spelling', 'www.example.com'],
      ['another letter case', 'WWW.Example.com'],
    ])('refuses two options for one DomainName (%s)', async (_, again) => {
      const { workflow, request, all } = setup();
      const error = await rejection(
        request({
          domainName: 'www.example.com',
          domainValidationOptions: [
            { domainName: 'www.example.com', validationDomain: 'www.example.com' },
            { domainName: again, validationDomain: 'example.com' },
          ],
        }),
      );
      expect(error).toBeInstanceOf(InvalidDomainValidationOptionsError);
      expect(error.message).toBe(`DomainValidationOptions contains ${again} more than once.`);
      expect(await all()).toEqual([]);
      expect(workflow.starts).toEqual([]);
    });
  });

  describe('ValidationMethod EMAIL', () => {
    it('gives every name a pending EMAIL validation with its approver addresses and no record', async () => {
      const { request, stored, workflow } = setup();
      const arn = await request({
        domainName: 'www.example.com',
        subjectAlternativeNames: ['*.example.com', 'api.example.org'],
        validationMethod: 'EMAIL',
      });
      const certificate = await stored(arn);
      expect(certificate.status).toBe('PENDING_VALIDATION');
      expect(certificate.domainValidations).toEqual([
        {
          domainName: 'www.example.com',
          validationDomain: 'www.example.com',
          validationMethod: 'EMAIL',
          status: 'PENDING_VALIDATION',
          validationEmails: approverAddresses('example.com'),
        },
        {
          domainName: '*.example.com',
          validationDomain: '*.example.com',
          validationMethod: 'EMAIL',
          status: 'PENDING_VALIDATION',
          validationEmails: approverAddresses('example.com'),
        },
        {
          domainName: 'api.example.org',
          validationDomain: 'api.example.org',
          validationMethod: 'EMAIL',
          status: 'PENDING_VALIDATION',
          validationEmails: approverAddresses('api.example.org'),
        },
      ]);
      expect(workflow.starts).toEqual([{ executionName: certificate.id, input: { certificateArn: arn } }]);
    });

    it('mails a given ValidationDomain, which must be the name or a superdomain of it', async () => {
      const { request, stored } = setup();
      const arn = await request({
        domainName: 'www.shop.example.com',
        subjectAlternativeNames: ['www.example.com'],
        validationMethod: 'EMAIL',
        domainValidationOptions: [
          { domainName: 'www.shop.example.com', validationDomain: 'Example.com' },
          { domainName: 'www.example.com', validationDomain: 'www.example.com' },
        ],
      });
      const [shop, www] = (await stored(arn)).domainValidations;
      expect(shop).toMatchObject({ validationDomain: 'example.com' });
      expect(shop?.validationEmails).toEqual(approverAddresses('www.shop.example.com', 'example.com'));
      expect(shop?.validationEmails?.[0]).toBe('admin@example.com');
      expect(www?.validationEmails?.[0]).toBe('admin@www.example.com');

      const refused = setup();
      const error = await rejection(
        refused.request({
          domainName: 'www.example.com',
          validationMethod: 'EMAIL',
          domainValidationOptions: [{ domainName: 'www.example.com', validationDomain: 'example.net' }],
        }),
      );
      expect(error).toBeInstanceOf(InvalidDomainValidationOptionsError);
      expect(error.message).toBe(
        'ValidationDomain example.net is not www.example.com or a superdomain of it.',
      );
      expect(await refused.all()).toEqual([]);
      expect(refused.workflow.starts).toEqual([]);
    });
  });

  describe('ACM request rules', () => {
    it('applies the defaults: RSA_2048, CT logging ENABLED, export DISABLED, no tags', async () => {
      const { request, stored } = setup();
      const arn = await request({ domainName: 'defaults.example.com' });
      expect(await stored(arn)).toMatchObject({
        keyAlgorithm: 'RSA_2048',
        options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'DISABLED' },
        tags: [],
      });
    });

    it('defaults each option on its own', async () => {
      const { request, stored } = setup();
      const noLogging = await request({
        domainName: 'options.example.com',
        options: { certificateTransparencyLoggingPreference: 'DISABLED' },
      });
      const exportable = await request({ domainName: 'options.example.com', options: { export: 'ENABLED' } });
      expect((await stored(noLogging)).options).toEqual({
        certificateTransparencyLoggingPreference: 'DISABLED',
        export: 'DISABLED',
      });
      expect((await stored(exportable)).options).toEqual({
        certificateTransparencyLoggingPreference: 'ENABLED',
        export: 'ENABLED',
      });
    });

    it('refuses ValidationMethod HTTP with InvalidParameter, storing and starting nothing', async () => {
      const { workflow, request, all } = setup();
      const error = await rejection(request({ domainName: 'method.example.com', validationMethod: 'HTTP' }));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toBe(
        'ValidationMethod HTTP is not supported; request the certificate with ValidationMethod DNS or EMAIL.',
      );
      expect(error.message).toBe(unsupportedValidationMethod('HTTP').message);
      expect(await all()).toEqual([]);
      expect(workflow.starts).toEqual([]);
    });

    it('takes an omitted ValidationMethod as EMAIL, as ACM does', async () => {
      const { deps, accountId, stored, workflow } = setup();
      const arn = await requestCertificate(deps, accountId, { domainName: 'omitted.example.com' });
      expect((await stored(arn)).domainValidations.map((dv) => dv.validationMethod)).toEqual(['EMAIL']);
      expect(workflow.starts).toHaveLength(1);
    });

    it('refuses a CertificateAuthorityArn, before looking at the names', async () => {
      const { workflow, request, all } = setup();
      const error = await rejection(
        request({
          domainName: 'bad_name.example.com',
          certificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x',
        }),
      );
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.message).toBe(
        "CertificateAuthorityArn is not supported: certificates are signed by this deployment's CA.",
      );
      expect(await all()).toEqual([]);
      expect(workflow.starts).toEqual([]);
    });
  });

  it('refuses invalid names and too many names before storing anything', async () => {
    const { workflow, request, all } = setup({ settings: { ...TEST_SETTINGS, maxDomainsPerCertificate: 2 } });
    expect(await rejection(request({ domainName: 'bad_name.example.com' }))).toBeInstanceOf(ValidationError);
    expect(
      await rejection(
        request({ domainName: 'a.example.com', subjectAlternativeNames: ['b.example.com', 'c.example.com'] }),
      ),
    ).toBeInstanceOf(LimitExceededError);
    expect(await all()).toEqual([]);
    expect(workflow.starts).toEqual([]);
  });

  describe('IdempotencyToken', () => {
    it('returns the same ARN within the hour, keeps one certificate and starts its workflow once', async () => {
      const { workflow, clock, sleeps, request, all, stored } = setup();
      const first = await request({ domainName: 'idem.example.com', idempotencyToken: 'token1' });
      const original = await stored(first);
      clock.advance(HOUR_MS - 1000);
      const second = await request({ domainName: 'idem.example.com', idempotencyToken: 'token1' });

      expect(second).toBe(first);
      expect(await all()).toEqual([original]);
      expect(workflow.starts).toEqual([
        { executionName: parseCertificateArn(first).certificateId, input: { certificateArn: first } },
      ]);
      expect(sleeps).toEqual([]);
    });

    it('does not bring a deleted certificate back: a repeat gets its ARN and nothing else', async () => {
      const { accountId, workflow, clock, request, all } = setup();
      const first = await request({ domainName: 'deleted.example.com', idempotencyToken: 'deleteMe' });
      await dynamo.store.delete(accountId, parseCertificateArn(first).certificateId);
      clock.advance(60_000);
      const again = await request({ domainName: 'other.example.com', idempotencyToken: 'deleteMe' });

      expect(again).toBe(first);
      expect(await all()).toEqual([]);
      expect(workflow.starts).toHaveLength(1);
    });

    it('heals a claim whose requester crashed before writing: the next request creates it, after a bounded wait', async () => {
      const { accountId, workflow, sleeps, request, stored, all, foreignArn } = setup();
      const claimed = foreignArn(1);
      await dynamo.store.claimIdempotencyToken(accountId, 'crashed', claimed, START, 3600);

      const arn = await request({ domainName: 'healed.example.com', idempotencyToken: 'crashed' });
      expect(arn).toBe(claimed);
      expect(await stored(arn)).toMatchObject({
        domainName: 'healed.example.com',
        status: 'PENDING_VALIDATION',
      });
      expect(workflow.starts).toEqual([
        { executionName: parseCertificateArn(claimed).certificateId, input: { certificateArn: claimed } },
      ]);
      expect(sleeps.length).toBeGreaterThan(0);
      expect(sleeps.reduce((total, milliseconds) => total + milliseconds, 0)).toBeLessThanOrEqual(2000);

      // Healed means confirmed: the next repeat neither waits nor starts anything.
      const waitedBefore = sleeps.length;
      expect(await request({ domainName: 'healed.example.com', idempotencyToken: 'crashed' })).toBe(claimed);
      expect(sleeps).toHaveLength(waitedBefore);
      expect(workflow.starts).toHaveLength(1);
      expect(await all()).toHaveLength(1);
    });

    it('finishes the job of a requester that crashed after writing: starts the workflow, without waiting', async () => {
      const { accountId, workflow, sleeps, request, stored, foreignArn } = setup();
      const claimed = foreignArn(2);
      await dynamo.store.claimIdempotencyToken(accountId, 'halfDone', claimed, START, 3600);
      const written = pendingCertificate({
        accountId,
        arn: claimed,
        id: parseCertificateArn(claimed).certificateId,
        domainName: 'first.example.com',
      });
      await dynamo.store.create(written);

      expect(await request({ domainName: 'second.example.com', idempotencyToken: 'halfDone' })).toBe(claimed);
      expect(await stored(claimed)).toEqual(written);
      expect(workflow.starts).toEqual([{ executionName: written.id, input: { certificateArn: claimed } }]);
      expect(sleeps).toEqual([]);
      expect(await dynamo.store.claimIdempotencyToken(accountId, 'halfDone', 'arn:x', START, 3600)).toEqual({
        arn: claimed,
        claimedNow: false,
        created: true,
      });
    });

    it('does not start the workflow of an unconfirmed claim whose certificate is done', async () => {
      const { accountId, workflow, request, foreignArn } = setup();
      const claimed = foreignArn(3);
      await dynamo.store.claimIdempotencyToken(accountId, 'failedAlready', claimed, START, 3600);
      await dynamo.store.create(
        pendingCertificate({
          accountId,
          arn: claimed,
          id: parseCertificateArn(claimed).certificateId,
          status: 'FAILED',
        }),
      );
      expect(await request({ domainName: 'x.example.com', idempotencyToken: 'failedAlready' })).toBe(claimed);
      expect(workflow.starts).toEqual([]);
    });

    it("takes the certificate the claimer writes while the repeat waits, and keeps the claimer's content", async () => {
      const sleeps: number[] = [];
      let claimerWrites = async () => {};
      const { accountId, request, stored, foreignArn } = setup({
        sleep: async (milliseconds) => {
          sleeps.push(milliseconds);
          if (sleeps.length === 2) await claimerWrites();
        },
      });
      const claimed = foreignArn(4);
      await dynamo.store.claimIdempotencyToken(accountId, 'slowClaimer', claimed, START, 3600);
      const written = pendingCertificate({
        accountId,
        arn: claimed,
        id: parseCertificateArn(claimed).certificateId,
        domainName: 'claimer.example.com',
      });
      claimerWrites = async () => {
        await dynamo.store.create(written);
      };

      expect(await request({ domainName: 'repeat.example.com', idempotencyToken: 'slowClaimer' })).toBe(
        claimed,
      );
      expect(sleeps).toHaveLength(2);
      expect(await stored(claimed)).toEqual(written);
    });

    it('gives 20 concurrent requests with one token one ARN and one certificate', async () => {
      const { request, all } = setup();
      const arns = await Promise.all(
        Array.from({ length: 20 }, () =>
          request({ domainName: 'concurrent.example.com', idempotencyToken: 'together' }),
        ),
      );
      expect(new Set(arns).size).toBe(1);
      expect((await all()).map((certificate) => certificate.arn)).toEqual([arns[0]]);
    });

    it('keeps the first request as it was, even if a repeat asks for something else', async () => {
      const { request, stored } = setup();
      const first = await request({ domainName: 'kept.example.com', idempotencyToken: 'same' });
      const second = await request({
        domainName: 'changed.example.com',
        idempotencyToken: 'same',
        keyAlgorithm: 'EC_prime256v1',
      });
      expect(second).toBe(first);
      expect(await stored(first)).toMatchObject({ domainName: 'kept.example.com', keyAlgorithm: 'RSA_2048' });
    });

    it('gives another token, or the same token after the hour, a new certificate', async () => {
      const { clock, request, all } = setup();
      const first = await request({ domainName: 'window.example.com', idempotencyToken: 'alpha' });
      const otherToken = await request({ domainName: 'window.example.com', idempotencyToken: 'beta' });
      clock.advance(HOUR_MS);
      const afterWindow = await request({ domainName: 'window.example.com', idempotencyToken: 'alpha' });
      expect(new Set([first, otherToken, afterWindow]).size).toBe(3);
      expect(await all()).toHaveLength(3);
    });

    it('does not share a token across accounts', async () => {
      const mine = setup();
      const theirs = setup();
      const a = await mine.request({ domainName: 'shared-token.example.com', idempotencyToken: 'token' });
      const b = await theirs.request({ domainName: 'shared-token.example.com', idempotencyToken: 'token' });
      expect(parseCertificateArn(b).accountId).toBe(theirs.accountId);
      expect(b).not.toBe(a);
    });
  });
});
