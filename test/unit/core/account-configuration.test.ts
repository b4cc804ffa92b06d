import { describe, expect, it } from 'vitest';
import {
  getAccountConfiguration,
  putAccountConfiguration,
} from '../../../functions/core/certificates/account-configuration.ts';
import { ValidationError } from '../../../functions/core/errors.ts';
import { useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();

describe('account configuration', () => {
  it('is ACM’s default (45 days) until the account puts one', async () => {
    expect(await getAccountConfiguration(dynamo.store, '200000000001')).toEqual({
      expiryEvents: { daysBeforeExpiry: 45 },
    });
  });

  it('answers what the account put last, for that account only', async () => {
    await putAccountConfiguration(dynamo.store, '200000000002', 30);
    await putAccountConfiguration(dynamo.store, '200000000002', 7);
    expect(await getAccountConfiguration(dynamo.store, '200000000002')).toEqual({
      expiryEvents: { daysBeforeExpiry: 7 },
    });
    expect((await getAccountConfiguration(dynamo.store, '200000000003')).expiryEvents.daysBeforeExpiry).toBe(
      45,
    );
  });

  it('refuses a put without expiry events with ACM’s message and keeps the earlier configuration', async () => {
    await putAccountConfiguration(dynamo.store, '200000000004', 10);
    await expect(putAccountConfiguration(dynamo.store, '200000000004', undefined)).rejects.toThrow(
      new ValidationError('Configuration for events is empty.'),
    );
    expect((await getAccountConfiguration(dynamo.store, '200000000004')).expiryEvents.daysBeforeExpiry).toBe(
      10,
    );
  });
});
