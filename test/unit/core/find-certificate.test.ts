import { beforeAll, describe, expect, it } from 'vitest';
import { certificateArn } from '../../../functions/core/arn.ts';
import { findCertificate } from '../../../functions/core/certificates/find-certificate.ts';
import { InvalidArnError, ResourceNotFoundError, ValidationError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { CertificateStore } from '../../../functions/core/ports.ts';
import { ACCOUNT, OTHER_ACCOUNT, pendingCertificate, REGION, useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();
let store: CertificateStore;
let mine: CertificateRecord;
let theirs: CertificateRecord;
let elsewhere: CertificateRecord;

beforeAll(async () => {
  store = dynamo.store;
  mine = pendingCertificate();
  theirs = pendingCertificate({ accountId: OTHER_ACCOUNT });
  // Stored in this account, but made in (and named for) another region.
  elsewhere = pendingCertificate({ region: 'eu-west-1' });
  for (const certificate of [mine, theirs, elsewhere]) await store.create(certificate);
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('findCertificate', () => {
  const deps = () => ({ store, region: REGION });

  it("returns the caller's own certificate", async () => {
    expect(await findCertificate(deps(), ACCOUNT, mine.arn)).toEqual(mine);
  });

  it("answers another account's ARN exactly like an unknown one", async () => {
    const unknownArn = certificateArn({
      partition: 'aws',
      region: REGION,
      accountId: ACCOUNT,
      certificateId: 'ffffffff-ffff-4fff-8fff-ffffffffffff',
    });
    const foreign = await rejection(findCertificate(deps(), ACCOUNT, theirs.arn));
    const unknown = await rejection(findCertificate(deps(), ACCOUNT, unknownArn));
    expect(foreign).toBeInstanceOf(ResourceNotFoundError);
    expect(unknown).toBeInstanceOf(ResourceNotFoundError);
    expect(foreign.message).toBe(`Could not find certificate ${theirs.arn}.`);
    expect(unknown.message).toBe(`Could not find certificate ${unknownArn}.`);
    // The owner still finds it.
    expect(await findCertificate(deps(), OTHER_ACCOUNT, theirs.arn)).toEqual(theirs);
  });

  it("answers an ARN naming another region as not found, even for the caller's own id", async () => {
    const error = await rejection(findCertificate(deps(), ACCOUNT, elsewhere.arn));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe(`Could not find certificate ${elsewhere.arn}.`);

    const sameIdOtherRegion = mine.arn.replace(`:${REGION}:`, ':ap-south-1:');
    expect(await rejection(findCertificate(deps(), ACCOUNT, sameIdOtherRegion))).toBeInstanceOf(
      ResourceNotFoundError,
    );
    // A deployment in eu-west-1 finds it.
    expect(await findCertificate({ store, region: 'eu-west-1' }, ACCOUNT, elsewhere.arn)).toEqual(elsewhere);
  });

  it("answers the caller's own certificate named in another partition as not found", async () => {
    for (const partition of ['aws-cn', 'aws-us-gov', 'awsx']) {
      const otherPartition = mine.arn.replace(/^arn:aws:/, `arn:${partition}:`);
      const error = await rejection(findCertificate(deps(), ACCOUNT, otherPartition));
      expect(error).toBeInstanceOf(ResourceNotFoundError);
      expect(error.message).toBe(`Could not find certificate ${otherPartition}.`);
    }
  });

  it('checks the ARN before looking anything up', async () => {
    expect(await rejection(findCertificate(deps(), ACCOUNT, 'arn:nope'))).toBeInstanceOf(ValidationError);
    expect(
      await rejection(
        findCertificate(deps(), ACCOUNT, `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/not-a-uuid`),
      ),
    ).toBeInstanceOf(InvalidArnError);
  });

  it('does not find a deleted certificate', async () => {
    const doomed = pendingCertificate();
    await store.create(doomed);
    expect(await findCertificate(deps(), ACCOUNT, doomed.arn)).toEqual(doomed);
    await store.delete(ACCOUNT, doomed.id);
    expect(await rejection(findCertificate(deps(), ACCOUNT, doomed.arn))).toBeInstanceOf(
      ResourceNotFoundError,
    );
  });
});
