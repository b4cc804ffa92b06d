import { SFNClient, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  executionNameProblem,
  InvalidExecutionNameError,
  StepFunctionsStarter,
} from '../../../functions/adapters/aws/step-functions-starter.ts';
import { validateNowExecutionName } from '../../../functions/core/certificates/validate-now.ts';
import { FakeStepFunctions } from './fake-step-functions.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const CERTIFICATE_ID = '4f9c2e0a-7b1d-4c3e-9a8f-0123456789ab';
const INPUT = { certificateArn: `arn:aws:acm:us-east-1:111122223333:certificate/${CERTIFICATE_ID}` };

describe('StepFunctionsStarter', () => {
  let fake: FakeStepFunctions;
  let stateMachineArn: string;
  let starter: StepFunctionsStarter;

  beforeEach(() => {
    fake = new FakeStepFunctions();
    stateMachineArn = fake.createStateMachine('certwright-certificate-workflow');
    starter = new StepFunctionsStarter(fake.client, stateMachineArn);
  });

  it('starts one execution named by the caller, with the input as JSON', async () => {
    await starter.start(CERTIFICATE_ID, INPUT);

    expect(fake.startCalls()).toEqual([
      { stateMachineArn, name: CERTIFICATE_ID, input: JSON.stringify(INPUT) },
    ]);
    const executions = fake.executionsOf(stateMachineArn);
    expect(executions.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: CERTIFICATE_ID, status: 'RUNNING' },
    ]);
    expect(JSON.parse(executions[0]?.input ?? '')).toEqual(INPUT);
  });

  it("starts a ValidateNow run beside the certificate's own, under its own name, with once in the input", async () => {
    const interval = Math.floor(Date.parse('2026-01-01T00:00:00.000Z') / 10_000);
    const name = validateNowExecutionName(CERTIFICATE_ID, interval);
    expect(executionNameProblem(name)).toBeUndefined();
    await starter.start(CERTIFICATE_ID, INPUT);
    await starter.start(name, { ...INPUT, once: true });

    const executions = fake.executionsOf(stateMachineArn);
    expect(executions.map(({ name: started, status }) => ({ name: started, status }))).toEqual([
      { name: CERTIFICATE_ID, status: 'RUNNING' },
      { name: `${CERTIFICATE_ID}-now-${interval}`, status: 'RUNNING' },
    ]);
    expect(JSON.parse(executions[1]?.input ?? '')).toEqual({ ...INPUT, once: true });
  });

  it('starts a running name once: a second start succeeds without a second execution', async () => {
    await starter.start(CERTIFICATE_ID, INPUT);
    fake.advance(60_000);
    await starter.start(CERTIFICATE_ID, INPUT);
    await Promise.all([starter.start(CERTIFICATE_ID, INPUT), starter.start(CERTIFICATE_ID, INPUT)]);

    expect(fake.startCalls()).toHaveLength(4);
    expect(fake.executionsOf(stateMachineArn)).toHaveLength(1);
  });

  it('treats a start after the execution ended as already started (ExecutionAlreadyExists is swallowed)', async () => {
    await starter.start(CERTIFICATE_ID, INPUT);
    fake.advance(DAY_MS);
    fake.stop(stateMachineArn, CERTIFICATE_ID, 'SUCCEEDED');
    fake.advance(89 * DAY_MS);

    await expect(starter.start(CERTIFICATE_ID, INPUT)).resolves.toBeUndefined();

    expect(fake.executionsOf(stateMachineArn).map(({ name, status }) => ({ name, status }))).toEqual([
      { name: CERTIFICATE_ID, status: 'SUCCEEDED' },
    ]);
  });

  it('also swallows ExecutionAlreadyExists for a failed execution', async () => {
    await starter.start(CERTIFICATE_ID, INPUT);
    fake.stop(stateMachineArn, CERTIFICATE_ID, 'FAILED');
    await starter.start(CERTIFICATE_ID, INPUT);
    expect(fake.executionsOf(stateMachineArn).map(({ status }) => status)).toEqual(['FAILED']);
  });

  it('starts the name again once Step Functions has forgotten it, 90 days after it closed', async () => {
    await starter.start(CERTIFICATE_ID, INPUT);
    fake.stop(stateMachineArn, CERTIFICATE_ID);
    fake.advance(90 * DAY_MS);

    await starter.start(CERTIFICATE_ID, INPUT);

    expect(fake.executionsOf(stateMachineArn).map(({ status }) => status)).toEqual(['RUNNING']);
  });

  it.each([
    ['an empty name', '', 'it is empty'],
    ['81 characters', 'a'.repeat(81), 'it is 81 characters long, longer than 80'],
    ['a space', 'a b', 'it contains whitespace " " (U+0020)'],
    ['a tab', 'a\tb', 'it contains whitespace "\\t" (U+0009)'],
    ['a no-break space', 'a\u00a0b', 'it contains whitespace "\u00a0" (U+00A0)'],
    ['a slash', 'a/b', 'it contains "/" (U+002F)'],
    ['a colon', 'a:b', 'it contains ":" (U+003A)'],
    ['a backslash', 'a\\b', 'it contains "\\\\" (U+005C)'],
    ['a backtick', 'a`b', 'it contains "`" (U+0060)'],
    ['a control character', 'a\u0001b', 'it contains the control character "\\u0001" (U+0001)'],
    ['a C1 control character', 'a\u0085b', 'it contains the control character "\u0085" (U+0085)'],
    ['DEL', 'a\u007fb', 'it contains the control character "\u007f" (U+007F)'],
    ['an unpaired surrogate', 'a\ud800b', 'it contains the unpaired surrogate "\\ud800" (U+D800)'],
    ['U+FFFF', 'a\uffffb', 'it contains the noncharacter "\uffff" (U+FFFF)'],
  ])('refuses a name with %s clearly, without calling AWS', async (_, name, problem) => {
    const error = await starter.start(name, INPUT).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InvalidExecutionNameError);
    expect(error).toMatchObject({
      name: 'InvalidExecutionName',
      message: `${JSON.stringify(name)} is not a valid Step Functions execution name: ${problem}`,
    });
    expect(fake.mock.calls()).toHaveLength(0);
  });

  it('accepts every character of each rule that is not forbidden, up to 80 characters', () => {
    for (const name of [
      CERTIFICATE_ID,
      'a'.repeat(80),
      "cert-1_A.b+c=d@e!(f)'g",
      'zertifikat-\u00e9\u4e2d\u{1f512}',
    ]) {
      expect(executionNameProblem(name), name).toBeUndefined();
    }
    for (const character of '<>{}[]?*"#%\\^|~`$&,;:/') {
      expect(executionNameProblem(`a${character}b`), character).toBeDefined();
    }
  });

  it('lets any other error through: a state machine that does not exist', async () => {
    const orphan = new StepFunctionsStarter(
      fake.client,
      'arn:aws:states:us-east-1:111122223333:stateMachine:certwright-deleted',
    );

    const error = await orphan.start(CERTIFICATE_ID, INPUT).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    expect((error as Error).message).toBe(
      "State Machine Does Not Exist: 'arn:aws:states:us-east-1:111122223333:stateMachine:certwright-deleted'",
    );
  });
});

/**
 * aws-sdk-client-mock bypasses the SDK's deserializer; here a real client parses Step Functions' own answer,
 * to show the adapter recognizes ExecutionAlreadyExists as the SDK names it.
 */
describe('StepFunctionsStarter through the SDK deserializer', () => {
  function clientAnswering(statusCode: number, body: unknown) {
    const requests: Array<{ headers: Record<string, string>; body: string }> = [];
    const client = new SFNClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
          requests.push({ headers: request.headers, body: bodyText(request.body) });
          return {
            response: {
              statusCode,
              headers: { 'content-type': 'application/x-amz-json-1.0' },
              body: new TextEncoder().encode(JSON.stringify(body)),
            },
          };
        },
      },
    });
    return { client, requests };
  }

  const stateMachineArn = 'arn:aws:states:us-east-1:111122223333:stateMachine:certwright';

  it('swallows the wire ExecutionAlreadyExists', async () => {
    const { client, requests } = clientAnswering(400, {
      __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists',
      message: `Execution Already Exists: '${stateMachineArn.replace('stateMachine', 'execution')}:${CERTIFICATE_ID}'`,
    });

    await new StepFunctionsStarter(client, stateMachineArn).start(CERTIFICATE_ID, INPUT);

    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      stateMachineArn,
      name: CERTIFICATE_ID,
      input: JSON.stringify(INPUT),
    });
  });

  it('lets the wire StateMachineDoesNotExist through', async () => {
    const { client } = clientAnswering(400, {
      __type: 'com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${stateMachineArn}'`,
    });

    await expect(
      new StepFunctionsStarter(client, stateMachineArn).start(CERTIFICATE_ID, INPUT),
    ).rejects.toThrow(StateMachineDoesNotExist);
  });
});

/** A request body as text, however the SDK's serializer left it. */
function bodyText(body: unknown): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array);
}
