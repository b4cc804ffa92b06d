import { describe, expect, it } from 'vitest';
import {
  associateCertificate,
  disassociateCertificate,
  MAX_RESOURCES_PER_CERTIFICATE,
} from '../../../functions/core/certificates/in-use.ts';
import {
  InvalidArnError,
  InvalidStateError,
  LimitExceededError,
  RequestInProgressError,
  ResourceNotFoundError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import type { CertificateRecord, CertificateStatus } from '../../../functions/core/model.ts';
import { ACCOUNT, OTHER_ACCOUNT, pendingCertificate, REGION, useDynaliteStore } from './core-fixtures.ts';

// AssociateCertificate and DisassociateCertificate on the real store: what they record, which certificates
// they accept, the limit, the checks of their members, and concurrent calls.

const LOAD_BALANCER =
  'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789abcdef';
const DISTRIBUTION = 'arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL';

const dynamo = useDynaliteStore();

function deps() {
  return { store: dynamo.store, region: REGION };
}

async function stored(overrides: Partial<CertificateRecord> = {}): Promise<CertificateRecord> {
  const certificate = pendingCertificate({ status: 'ISSUED', ...overrides });
  await dynamo.store.create(certificate);
  return certificate;
}

async function current(certificate: CertificateRecord): Promise<CertificateRecord> {
  const found = await dynamo.store.get(certificate.accountId, certificate.id);
  if (!found) throw new Error(`${certificate.arn} is gone`);
  return found;
}

describe('associateCertificate', () => {
  it('records each resource once, in the order they were associated', async () => {
    const certificate = await stored();
    await associateCertificate(deps(), ACCOUNT, certificate.arn, LOAD_BALANCER);
    await associateCertificate(deps(), ACCOUNT, certificate.arn, DISTRIBUTION);
    const after = await current(certificate);
    expect(after.inUseBy).toEqual([LOAD_BALANCER, DISTRIBUTION]);

    await associateCertificate(deps(), ACCOUNT, certificate.arn, LOAD_BALANCER);
    expect(await current(certificate)).toEqual(after); // not even the version moves
  });

  it('takes an imported certificate', async () => {
    const certificate = await stored({ type: 'IMPORTED', domainValidations: [] });
    await associateCertificate(deps(), ACCOUNT, certificate.arn, LOAD_BALANCER);
    expect((await current(certificate)).inUseBy).toEqual([LOAD_BALANCER]);
  });

  it('refuses a certificate that is not ISSUED, and writes nothing', async () => {
    const pending = await stored({ status: 'PENDING_VALIDATION' });
    await expect(associateCertificate(deps(), ACCOUNT, pending.arn, LOAD_BALANCER)).rejects.toThrow(
      new RequestInProgressError(
        `Certificate ${pending.arn} has not been issued yet; its status is PENDING_VALIDATION. Only an ISSUED certificate can be associated with a resource.`,
      ),
    );
    expect(await current(pending)).toEqual(pending);

    const finals: CertificateStatus[] = ['EXPIRED', 'REVOKED', 'FAILED', 'VALIDATION_TIMED_OUT', 'INACTIVE'];
    for (const status of finals) {
      const certificate = await stored({ status });
      await expect(associateCertificate(deps(), ACCOUNT, certificate.arn, LOAD_BALANCER)).rejects.toThrow(
        new InvalidStateError(
          `Certificate ${certificate.arn} is ${status}: only an ISSUED certificate can be associated with a resource.`,
        ),
      );
      expect(await current(certificate)).toEqual(certificate);
    }
  });

  it(`takes at most ${MAX_RESOURCES_PER_CERTIFICATE} resources, and a repeat of one of them at the limit`, async () => {
    const resources = Array.from(
      { length: MAX_RESOURCES_PER_CERTIFICATE },
      (_, index) => `resource-${index}`,
    );
    const certificate = await stored({ inUseBy: resources });
    await expect(associateCertificate(deps(), ACCOUNT, certificate.arn, 'one-too-many')).rejects.toThrow(
      new LimitExceededError(
        `Certificate ${certificate.arn} is already associated with 100 resources, the most one certificate may be; disassociate one first.`,
      ),
    );
    await associateCertificate(deps(), ACCOUNT, certificate.arn, 'resource-42');
    expect(await current(certificate)).toEqual(certificate);

    await disassociateCertificate(deps(), ACCOUNT, certificate.arn, 'resource-0');
    await associateCertificate(deps(), ACCOUNT, certificate.arn, 'one-too-many');
    expect((await current(certificate)).inUseBy).toEqual([...resources.slice(1), 'one-too-many']);
  });

  it('loses none of 20 concurrent associations', async () => {
    const certificate = await stored();
    const resources = Array.from({ length: 20 }, (_, index) => `${LOAD_BALANCER}-${index}`);
    await Promise.all(
      resources.map((resource) => associateCertificate(deps(), ACCOUNT, certificate.arn, resource)),
    );
    const after = await current(certificate);
    expect([...after.inUseBy].sort()).toEqual([...resources].sort());
    expect(after.version).toBe(certificate.version + 20);
  });
});

describe('disassociateCertificate', () => {
  it('removes the resource, and one not there changes nothing', async () => {
    const certificate = await stored({ inUseBy: [LOAD_BALANCER, DISTRIBUTION] });
    await disassociateCertificate(deps(), ACCOUNT, certificate.arn, LOAD_BALANCER);
    const after = await current(certificate);
    expect(after.inUseBy).toEqual([DISTRIBUTION]);

    await disassociateCertificate(deps(), ACCOUNT, certificate.arn, LOAD_BALANCER);
    await disassociateCertificate(deps(), ACCOUNT, certificate.arn, 'never-associated');
    expect(await current(certificate)).toEqual(after);
  });

  it('works whatever the status, so an expired certificate can be freed and deleted', async () => {
    const certificate = await stored({ status: 'EXPIRED', inUseBy: [LOAD_BALANCER] });
    await disassociateCertificate(deps(), ACCOUNT, certificate.arn, LOAD_BALANCER);
    expect((await current(certificate)).inUseBy).toEqual([]);
  });

  it('loses none of 20 concurrent disassociations', async () => {
    const resources = Array.from({ length: 20 }, (_, index) => `resource-${index}`);
    const certificate = await stored({ inUseBy: [...resources, DISTRIBUTION] });
    await Promise.all(
      resources.map((resource) => disassociateCertificate(deps(), ACCOUNT, certificate.arn, resource)),
    );
    expect((await current(certificate)).inUseBy).toEqual([DISTRIBUTION]);
  });
});

describe('the members of both operations', () => {
  const operations = { associateCertificate, disassociateCertificate };

  for (const [name, operation] of Object.entries(operations)) {
    it(`${name}: any printable identifier of 1–2048 characters`, async () => {
      const certificate = await stored({ inUseBy: [] });
      const accepted = [
        'x',
        'r'.repeat(2048),
        'my server #3 (rack 7) — ünïcödé 🚀',
        'urn:example:service/a b',
      ];
      for (const resource of accepted) await operation(deps(), ACCOUNT, certificate.arn, resource);

      const refused: Array<[string, string]> = [
        [
          '',
          "Value '' at 'resourceArn' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ],
        ['r'.repeat(2049), 'Member must have length less than or equal to 2048'],
        ['line\nbreak', 'Member must satisfy regular expression pattern: [^\\p{Cc}\\p{Cs}]+'],
        ['tab\there', 'Member must satisfy regular expression pattern'],
        ['next\u0085line', 'Member must satisfy regular expression pattern'],
        ['delete\u007f', 'Member must satisfy regular expression pattern'],
        ['lone \ud800 surrogate', 'Member must satisfy regular expression pattern'],
      ];
      for (const [resource, message] of refused) {
        const error = await operation(deps(), ACCOUNT, certificate.arn, resource).catch((caught) => caught);
        expect(error).toBeInstanceOf(ValidationError);
        expect(error.message).toMatch(
          /^1 validation error detected: Value '.*' at 'resourceArn' failed to satisfy constraint: /s,
        );
        expect(error.message).toContain(message);
      }
    });

    it(`${name}: unknown, another account's and malformed certificate ARNs`, async () => {
      const mine = await stored();
      const missing = pendingCertificate();
      await expect(operation(deps(), ACCOUNT, missing.arn, LOAD_BALANCER)).rejects.toThrow(
        new ResourceNotFoundError(`Could not find certificate ${missing.arn}.`),
      );
      await expect(operation(deps(), OTHER_ACCOUNT, mine.arn, LOAD_BALANCER)).rejects.toThrow(
        ResourceNotFoundError,
      );
      await expect(
        operation(deps(), ACCOUNT, `arn:aws:acm:${REGION}:${ACCOUNT}:private-ca/x`, LOAD_BALANCER),
      ).rejects.toThrow(InvalidArnError);
      await expect(operation(deps(), ACCOUNT, 'not an arn', LOAD_BALANCER)).rejects.toThrow(ValidationError);
      expect(await current(mine)).toEqual(mine);
    });
  }
});
