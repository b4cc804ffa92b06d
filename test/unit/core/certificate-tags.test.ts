import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTagsToCertificate } from '../../../functions/core/certificates/add-tags-to-certificate.ts';
import { listTagsForCertificate } from '../../../functions/core/certificates/list-tags-for-certificate.ts';
import { removeTagsFromCertificate } from '../../../functions/core/certificates/remove-tags-from-certificate.ts';
import {
  InvalidArnError,
  ResourceNotFoundError,
  TooManyTagsError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import type { CertificateRecord, Tag } from '../../../functions/core/model.ts';
import { checkTagsToRemove } from '../../../functions/core/tags.ts';
import { ACCOUNT, OTHER_ACCOUNT, pendingCertificate, REGION, useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();
const deps = () => ({ store: dynamo.store, region: REGION });

async function stored(tags: Tag[] = []): Promise<CertificateRecord> {
  const certificate = pendingCertificate({ tags });
  await dynamo.store.create(certificate);
  return certificate;
}

function tags(count: number, prefix = 'key'): Tag[] {
  return Array.from({ length: count }, (_, index) => ({ Key: `${prefix}${index}`, Value: `v${index}` }));
}

describe('addTagsToCertificate', () => {
  it('appends new keys and replaces the value of a key the certificate has, in place', async () => {
    const certificate = await stored([
      { Key: 'Env', Value: 'dev' },
      { Key: 'Team', Value: 'web' },
    ]);
    await addTagsToCertificate(deps(), ACCOUNT, certificate.arn, [
      { Key: 'Env', Value: 'prod' },
      { Key: 'Owner' },
    ]);
    expect(await listTagsForCertificate(deps(), ACCOUNT, certificate.arn)).toEqual([
      { Key: 'Env', Value: 'prod' },
      { Key: 'Team', Value: 'web' },
      { Key: 'Owner' },
    ]);
    expect((await dynamo.store.get(ACCOUNT, certificate.id))?.version).toBe(certificate.version + 1);
  });

  it('keys are case-sensitive: Env and env are two tags', async () => {
    const certificate = await stored([{ Key: 'Env', Value: 'a' }]);
    await addTagsToCertificate(deps(), ACCOUNT, certificate.arn, [{ Key: 'env', Value: 'b' }]);
    expect(await listTagsForCertificate(deps(), ACCOUNT, certificate.arn)).toHaveLength(2);
  });

  it('writes nothing when the tags are already there', async () => {
    const certificate = await stored([{ Key: 'Env', Value: 'prod' }]);
    await addTagsToCertificate(deps(), ACCOUNT, certificate.arn, [{ Key: 'Env', Value: 'prod' }]);
    expect((await dynamo.store.get(ACCOUNT, certificate.id))?.version).toBe(certificate.version);
  });

  it('allows 50 tags in all and refuses the 51st with TooManyTagsException, changing nothing', async () => {
    const certificate = await stored(tags(45));
    await addTagsToCertificate(deps(), ACCOUNT, certificate.arn, tags(5, 'more'));
    await expect(
      addTagsToCertificate(deps(), ACCOUNT, certificate.arn, [{ Key: 'one-too-many' }]),
    ).rejects.toThrow(TooManyTagsError);
    const after = await listTagsForCertificate(deps(), ACCOUNT, certificate.arn);
    expect(after).toHaveLength(50);
    expect(after.map((tag) => tag.Key)).not.toContain('one-too-many');
  });

  it('replacing a value on a certificate with 50 tags is not one too many', async () => {
    const certificate = await stored(tags(50));
    await addTagsToCertificate(deps(), ACCOUNT, certificate.arn, [{ Key: 'key7', Value: 'new' }]);
    const after = await listTagsForCertificate(deps(), ACCOUNT, certificate.arn);
    expect(after).toHaveLength(50);
    expect(after[7]).toEqual({ Key: 'key7', Value: 'new' });
  });

  it('loses no tag when 20 calls with distinct keys run at once', async () => {
    const certificate = await stored([{ Key: 'existing', Value: 'kept' }]);
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        addTagsToCertificate(deps(), ACCOUNT, certificate.arn, [{ Key: `k${index}`, Value: `v${index}` }]),
      ),
    );
    const after = await listTagsForCertificate(deps(), ACCOUNT, certificate.arn);
    expect(after).toHaveLength(21);
    expect(new Map(after.map((tag) => [tag.Key, tag.Value]))).toEqual(
      new Map([['existing', 'kept'], ...Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`] as const)]),
    );
    expect((await dynamo.store.get(ACCOUNT, certificate.id))?.version).toBe(certificate.version + 20);
  });

  it('answers ResourceNotFoundException for a missing certificate and for another account’s', async () => {
    const mine = await stored();
    const missing = pendingCertificate();
    await expect(addTagsToCertificate(deps(), ACCOUNT, missing.arn, [{ Key: 'a' }])).rejects.toThrow(
      new ResourceNotFoundError(`Could not find certificate ${missing.arn}.`),
    );
    await expect(addTagsToCertificate(deps(), OTHER_ACCOUNT, mine.arn, [{ Key: 'a' }])).rejects.toThrow(
      ResourceNotFoundError,
    );
    expect(await listTagsForCertificate(deps(), ACCOUNT, mine.arn)).toEqual([]);
  });

  it('answers InvalidArnException for an ARN that is not a certificate’s, ValidationException for no ARN', async () => {
    await expect(
      addTagsToCertificate(deps(), ACCOUNT, `arn:aws:acm:${REGION}:${ACCOUNT}:private-ca/x`, [{ Key: 'a' }]),
    ).rejects.toThrow(InvalidArnError);
    await expect(addTagsToCertificate(deps(), ACCOUNT, 'not-an-arn', [{ Key: 'a' }])).rejects.toThrow(
      ValidationError,
    );
  });
});

describe('removeTagsFromCertificate', () => {
  it('removes by key whatever the value, and by key and value only when the value matches', async () => {
    const certificate = await stored([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
      { Key: 'c', Value: '3' },
      { Key: 'd' },
    ]);
    await removeTagsFromCertificate(deps(), ACCOUNT, certificate.arn, [
      { Key: 'a' },
      { Key: 'b', Value: '2' },
      { Key: 'c', Value: 'other' },
      { Key: 'd', Value: '' },
      { Key: 'absent' },
    ]);
    expect(await listTagsForCertificate(deps(), ACCOUNT, certificate.arn)).toEqual([
      { Key: 'c', Value: '3' },
    ]);
  });

  it('answers ResourceNotFoundException for a missing certificate', async () => {
    const missing = pendingCertificate();
    await expect(removeTagsFromCertificate(deps(), ACCOUNT, missing.arn, [{ Key: 'a' }])).rejects.toThrow(
      ResourceNotFoundError,
    );
  });
});

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const value = fc.option(fc.constantFrom('', 'x', 'y'), { nil: undefined });
const tag = fc.record({ Key: key, Value: value }, { requiredKeys: ['Key'] });
const uniqueTags = fc.uniqueArray(tag, { minLength: 1, maxLength: 5, selector: (t) => t.Key });
const step = fc.record({ add: fc.boolean(), tags: uniqueTags });

/** What ACM's tag operations do, on a plain map. */
function applyToModel(model: Map<string, string | undefined>, add: boolean, changes: Tag[]): void {
  for (const change of changes) {
    if (add) model.set(change.Key, change.Value);
    else if (
      model.has(change.Key) &&
      (change.Value === undefined || change.Value === (model.get(change.Key) ?? ''))
    )
      model.delete(change.Key);
  }
}

describe('tag operations against a model', () => {
  it('any sequence of adds and removes leaves the tags the model has', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 8 }), async (steps) => {
        const certificate = await stored();
        const model = new Map<string, string | undefined>();
        for (const { add, tags: changes } of steps) {
          const clean = changes.map(({ Key, Value }) => (Value === undefined ? { Key } : { Key, Value }));
          if (add) await addTagsToCertificate(deps(), ACCOUNT, certificate.arn, clean);
          else await removeTagsFromCertificate(deps(), ACCOUNT, certificate.arn, clean);
          applyToModel(model, add, clean);
        }
        const actual = await listTagsForCertificate(deps(), ACCOUNT, certificate.arn);
        expect(new Map(actual.map((t) => [t.Key, t.Value]))).toEqual(model);
        expect(new Set(actual.map((t) => t.Key)).size).toBe(actual.length);
      }),
      { numRuns: 40 },
    );
  });
});

describe('checkTagsToRemove', () => {
  it('refuses more than 50 tags as a constraint violation, not TooManyTagsException', () => {
    const error = (() => {
      try {
        checkTagsToRemove(tags(51));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/,
    );
    expect(checkTagsToRemove([{ Key: 'a', Value: '' }])).toEqual([{ Key: 'a', Value: '' }]);
  });
});
