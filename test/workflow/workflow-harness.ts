/**
 * What the workflow tests build alike: a dynalite store and an RSA test CA for the file, and the local
 * runner over the real task handlers on them, with the ports a test watches passed in.
 */
import { beforeAll } from 'vitest';
import type { DynamoDbCertificateStore } from '../../functions/adapters/aws/dynamodb-store.ts';
import { cryptoRandom } from '../../functions/adapters/runtime/crypto-random.ts';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { CertificateRecord } from '../../functions/core/model.ts';
import type { KeyVault } from '../../functions/core/ports.ts';
import {
  createWorkflowTaskHandlers,
  type WorkflowTaskDeps,
} from '../../functions/tasks/workflow-task-handlers.ts';
import { LocalWorkflowRunner, type WorkflowRunnerOptions } from '../../local/workflow-runner.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { RecordingEvents } from '../support/recording-events.ts';
import { ScriptedResolver, TEST_SETTINGS, useDynaliteStore } from '../unit/core/core-fixtures.ts';
import { RecordingMailer } from '../unit/core/email-fixtures.ts';
import { TEST_PROFILE, type TestCa, testCa } from '../unit/issuance/test-ca.ts';

export interface WorkflowBackends {
  readonly store: DynamoDbCertificateStore;
  readonly ca: TestCa;
}

/** Starts dynalite and an RSA test CA before the file's tests and stops dynalite after them. */
export function useWorkflowBackends(): WorkflowBackends {
  const dynamo = useDynaliteStore();
  let ca: TestCa | undefined;
  beforeAll(async () => {
    ca = await testCa('RSA_2048');
  });
  return {
    get store() {
      return dynamo.store;
    },
    get ca() {
      if (!ca) throw new Error('the test CA is made in beforeAll');
      return ca;
    },
  };
}

/** Seals by encoding: the workflow tests never look at keys. */
const plainVault: KeyVault = {
  seal: async (plaintext) => Buffer.from(plaintext).toString('base64'),
  open: async (sealed) => new Uint8Array(Buffer.from(sealed, 'base64')),
};

/** The ports a test may pass in; the rest default to stand-ins nobody looks at. */
export type WorkflowPorts = Partial<
  Pick<WorkflowTaskDeps, 'resolver' | 'clock' | 'events' | 'zoneWriter' | 'mailer'>
>;

/** The local runner over the real task handlers, on the file's store and CA. */
export function newWorkflowRunner(
  backends: WorkflowBackends,
  ports: WorkflowPorts,
  options: WorkflowRunnerOptions,
): LocalWorkflowRunner {
  const { ca } = backends;
  return new LocalWorkflowRunner(
    createWorkflowTaskHandlers({
      store: backends.store,
      resolver: ports.resolver ?? new ScriptedResolver(),
      clock: ports.clock ?? new FakeClock(new Date()),
      random: cryptoRandom,
      pollSchedule: TEST_SETTINGS.pollSchedule,
      caaIdentities: TEST_SETTINGS.caaIdentities,
      signer: ca.signer,
      issuer: { current: async () => ({ certificatePem: ca.certificatePem, chainPem: [] }) },
      vault: plainVault,
      profile: TEST_PROFILE,
      events: ports.events ?? new RecordingEvents(),
      zoneWriter: ports.zoneWriter ?? { manages: () => false, upsertCname: async () => undefined },
      mailer: ports.mailer ?? new RecordingMailer(),
      approvalBaseUrl: TEST_SETTINGS.approvalBaseUrl,
    }),
    options,
  );
}

/** The stored record behind a certificate ARN. */
export function storedByArn(
  store: DynamoDbCertificateStore,
  arn: string,
): Promise<CertificateRecord | undefined> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  return store.get(accountId, certificateId);
}
