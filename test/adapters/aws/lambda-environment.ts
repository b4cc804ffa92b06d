/**
 * The AWS services a Lambda entry file composes against, replaced in-process: the table is an embedded
 * dynalite (reached through AWS_ENDPOINT_URL_DYNAMODB, as the SDK reads it), KMS and Step Functions are the
 * fakes behind aws-sdk-client-mock, mocked on the client classes so the clients the composition creates are
 * the ones intercepted. The environment variables the entries read are set until `close()`.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { type EmbeddedTable, startEmbeddedTable } from '../../../local/embedded-table.ts';
import type { FakeEventBridge } from './fake-eventbridge.ts';
import { FakeKms } from './fake-kms.ts';
import { FakeStepFunctions } from './fake-step-functions.ts';

/** The event bus named in CERTWRIGHT_EVENT_BUS_NAME. */
export const EVENT_BUS_NAME = 'certwright-events';
/** The domain named in CERTWRIGHT_VALIDATION_DOMAIN. */
export const VALIDATION_DOMAIN = 'acm-validations.certwright.test';

export interface LambdaEnvironmentOptions {
  region: string;
  tableName: string;
  /**
   * Receives the PutEvents calls, on a bus EVENT_BUS_NAME it is given; without it every event is
   * accepted and none kept.
   */
  eventBridge?: FakeEventBridge;
  /** Variables to set besides (or instead of) the ones every entry needs. */
  variables?: Record<string, string>;
}

export interface LambdaEnvironment {
  table: EmbeddedTable;
  kms: FakeKms;
  /** The KMS calls made through any KMSClient. */
  kmsStub: AwsClientStub<KMSClient>;
  stepFunctions: FakeStepFunctions;
  /** The state machine in CERTWRIGHT_STATE_MACHINE_ARN. */
  stateMachineArn: string;
  /** The KMS key in CERTWRIGHT_CA_KEY_ID. */
  caKeyArn: string;
  /** Restores the environment variables and the SDK clients, and stops the table. */
  close(): Promise<void>;
}

/** Starts the table, mocks KMS, Step Functions and EventBridge, and sets the variables the entries read. */
export async function startLambdaEnvironment(options: LambdaEnvironmentOptions): Promise<LambdaEnvironment> {
  const { region, tableName } = options;
  const table = await startEmbeddedTable({ region, tableName });
  const savedEnv = { ...process.env };

  const kms = new FakeKms();
  const kmsStub = kms.attach(KMSClient as unknown as KMSClient);
  const caKey = kms.createKey('RSA_2048', { keyUsage: 'SIGN_VERIFY' });
  const vaultKey = kms.createKey('SYMMETRIC_DEFAULT');
  const macKey = kms.createKey('HMAC_256');

  // Every client of the class goes to the fake's own (instance-mocked) client.
  const stepFunctions = new FakeStepFunctions();
  const sfnStub = mockClient(SFNClient);
  sfnStub
    .on(StartExecutionCommand)
    .callsFake((input) => stepFunctions.client.send(new StartExecutionCommand(input)));
  const stateMachineArn = stepFunctions.createStateMachine('certwright-certificate');

  const eventsStub = mockEventBus(options.eventBridge);

  Object.assign(process.env, {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    CERTWRIGHT_TABLE_NAME: tableName,
    CERTWRIGHT_CA_KEY_ID: caKey.arn,
    CERTWRIGHT_VAULT_KEY_ID: vaultKey.arn,
    CERTWRIGHT_MAC_KEY_ID: macKey.arn,
    CERTWRIGHT_STATE_MACHINE_ARN: stateMachineArn,
    CERTWRIGHT_EVENT_BUS_NAME: EVENT_BUS_NAME,
    CERTWRIGHT_VALIDATION_DOMAIN: VALIDATION_DOMAIN,
    CERTWRIGHT_VALIDITY_DAYS: '90',
    ...options.variables,
  });

  return {
    table,
    kms,
    kmsStub,
    stepFunctions,
    stateMachineArn,
    caKeyArn: caKey.arn,
    close: async () => {
      process.env = savedEnv;
      kmsStub.restore();
      sfnStub.restore();
      eventsStub.restore();
      await table.close();
    },
  };
}

/** PutEvents of every EventBridgeClient goes to `eventBridge`, or is accepted whole when there is none. */
function mockEventBus(eventBridge: FakeEventBridge | undefined): AwsClientStub<EventBridgeClient> {
  if (eventBridge) {
    eventBridge.createEventBus(EVENT_BUS_NAME);
    return eventBridge.attach(EventBridgeClient as unknown as EventBridgeClient);
  }
  const stub = mockClient(EventBridgeClient);
  stub.on(PutEventsCommand).callsFake((input) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_entry: unknown, index: number) => ({ EventId: `event-${index}` })),
  }));
  return stub;
}
