import { describe, expect, it } from 'vitest';
import {
  getAccountConfiguration,
  putAccountConfiguration,
} from '../../../functions/core/certificates/account-configuration.ts';
import { ValidationError } from '../../../functions/core/errors.ts';
import { FakeClock, HOUR_MS } from '../../support/fake-clock.ts';
import { useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();
const clock = new FakeClock(new Date('2026-05-01T10:00:00.000Z'));

let puts = 0;

/** A put with its own token, unless the test names one. */
function put(accountId: string, daysBeforeExpiry: number | undefined, idempotencyToken = `put${++puts}`) {
  return putAccountConfiguration({ store: dynamo.store, clock }, accountId, {
    idempotencyToken,
    daysBeforeExpiry,
  });
}

describe('account configuration', () => {
  it('is ACM’s default (45 days) until the account puts one', async () => {
    expect(await getAccountConfiguration(dynamo.store, '200000000001')).toEqual({
      expiryEvents: { daysBeforeExpiry: 45 },
    });
  });

  it('answers what the account put last, for that account only', async () => {
    await put('200000000002', 30);
    await put('200000000002', 7);
    expect(await getAccountConfiguration(dynamo.store, '200000000002')).toEqual({
      expiryEvents: { daysBeforeExpiry: 7 },
    });
    expect((await getAccountConfiguration(dynamo.store, '200000000003')).expiryEvents.daysBeforeExpiry).toBe(
      45,
    );
  });

  it('refuses a put without expiry events with ACM’s message and keeps the earlier configuration', async () => {
    await put('200000000004', 10);
    await expect(put('200000000004', undefined)).rejects.toThrow(
      new ValidationError('Configuration for events is empty.'),
    );
    expect((await getAccountConfiguration(dynamo.store, '200000000004')).expiryEvents.daysBeforeExpiry).toBe(
      10,
    );
  });

  it('treats a repeated token within the hour as the same request: the first configuration stays', async () => {
    await put('200000000005', 30, 'repeated');
    await put('200000000005', 5, 'repeated');
    expect((await getAccountConfiguration(dynamo.store, '200000000005')).expiryEvents.daysBeforeExpiry).toBe(
      30,
    );
    clock.advance(HOUR_MS);
    await put('200000000005', 5, 'repeated');
    expect((await getAccountConfiguration(dynamo.store, '200000000005')).expiryEvents.daysBeforeExpiry).toBe(
      5,
    );
  });
});
