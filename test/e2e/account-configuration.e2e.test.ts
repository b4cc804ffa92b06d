import { GetAccountConfigurationCommand, PutAccountConfigurationCommand } from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { awsCliJson, runAwsCli } from '../support/aws-cli.ts';
import { ACCOUNT_B, cliTarget, useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';

// GetAccountConfiguration and PutAccountConfiguration through the local stack: the AWS CLI and the SDK.

const local = useLocalStack();

describe('account configuration through the AWS CLI', () => {
  it('starts at 45 days; put-account-configuration changes it for that account only', async () => {
    const cli = cliTarget(local.stack);
    expect(await awsCliJson(['acm', 'get-account-configuration'], cli)).toEqual({
      ExpiryEvents: { DaysBeforeExpiry: 45 },
    });
    const put = await runAwsCli(
      [
        'acm',
        'put-account-configuration',
        '--expiry-events',
        'DaysBeforeExpiry=30',
        '--idempotency-token',
        'x',
      ],
      cli,
    );
    expect(put).toMatchObject({ code: 0, stdout: '' });
    expect(await awsCliJson(['acm', 'get-account-configuration'], cli)).toEqual({
      ExpiryEvents: { DaysBeforeExpiry: 30 },
    });
    expect(await awsCliJson(['acm', 'get-account-configuration'], cliTarget(local.stack, ACCOUNT_B))).toEqual(
      {
        ExpiryEvents: { DaysBeforeExpiry: 45 },
      },
    );
  });
});

describe('PutAccountConfiguration errors through the SDK', () => {
  it('requires IdempotencyToken, with ACM’s message', async () => {
    const input = { ExpiryEvents: { DaysBeforeExpiry: 10 } } as unknown as { IdempotencyToken: string };
    expect(await rejectionOf(local.client().send(new PutAccountConfigurationCommand(input)))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'idempotencyToken' failed to satisfy constraint: Member must not be null",
    });
  });

  it('refuses a put without ExpiryEvents, and DaysBeforeExpiry outside 1–45, changing nothing', async () => {
    await local.client().send(
      new PutAccountConfigurationCommand({
        IdempotencyToken: 'a0',
        ExpiryEvents: { DaysBeforeExpiry: 20 },
      }),
    );
    expect(
      await rejectionOf(local.client().send(new PutAccountConfigurationCommand({ IdempotencyToken: 'a1' }))),
    ).toEqual({
      name: 'ValidationException',
      message: 'Configuration for events is empty.',
    });
    for (const [days, constraint] of [
      [0, 'greater than or equal to 1'],
      [46, 'less than or equal to 45'],
    ] as const) {
      expect(
        await rejectionOf(
          local.client().send(
            new PutAccountConfigurationCommand({
              IdempotencyToken: 'a2',
              ExpiryEvents: { DaysBeforeExpiry: days },
            }),
          ),
        ),
      ).toEqual({
        name: 'ValidationException',
        message: `1 validation error detected: Value '${days}' at 'expiryEvents.daysBeforeExpiry' failed to satisfy constraint: Member must have value ${constraint}`,
      });
    }
    expect((await local.client().send(new GetAccountConfigurationCommand({}))).ExpiryEvents).toEqual({
      DaysBeforeExpiry: 20,
    });
  });
});
