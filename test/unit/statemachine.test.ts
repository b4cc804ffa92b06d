import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  CaaForbiddenError,
  CertificateLintError,
  CertificateNotValidatedError,
} from '../../functions/core/errors.ts';
import { CERTIFICATE_WORKFLOW_FILE, WORKFLOW_TASKS } from '../../statemachines/workflow-tasks.ts';

interface AslValidationResult {
  isValid: boolean;
  errorsText(separator?: string): string;
}
type AslValidator = (definition: unknown, options?: Record<string, boolean>) => AslValidationResult;

// asl-validator is CommonJS, and it mutates the definition it is given: always pass a copy.
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next: string }>;
  Catch?: Catcher[];
  Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
}

/** What Lambda itself throws when an invocation fails for reasons of its own (throttling, a broken sandbox). */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

const TEXT = readFileSync(CERTIFICATE_WORKFLOW_FILE, 'utf8');
const DEFINITION = JSON.parse(TEXT) as Definition;
const STATES = DEFINITION.States;
const PLACEHOLDER = /\$\{([^}]*)\}/g;
/** The Task states of a certificate request's run, and of a managed renewal's run. */
const REQUEST_TASKS = ['PublishValidationRecords', 'CheckValidation', 'IssueCertificate', 'RecordFailure'];
const RENEWAL_TASKS = ['RenewalPublish', 'RenewalCheck', 'RenewalIssue', 'RenewalRecordFailure'];

/** The task a Task state's `${Placeholder}` Resource stands for. */
function taskOf(state: State): string | undefined {
  const key = /^\$\{(\w+)\}$/.exec(state.Resource ?? '')?.[1];
  return key && Object.hasOwn(WORKFLOW_TASKS, key)
    ? WORKFLOW_TASKS[key as keyof typeof WORKFLOW_TASKS]
    : undefined;
}

function transitions(state: State): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((choice) => choice.Next),
    ...(state.Catch ?? []).map((catcher) => catcher.Next),
  ];
}

function reachableFrom(start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name) || !STATES[name]) continue;
    seen.add(name);
    queue.push(...transitions(STATES[name]));
  }
  return seen;
}

describe('certificate-workflow.asl.json', () => {
  it('is valid ASL by asl-validator with its default options (placeholders and all)', () => {
    const copy = structuredClone(DEFINITION);
    const result = aslValidator(copy);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is judged on the file as written: the validator catches a broken transition', () => {
    const broken = structuredClone(DEFINITION);
    (broken.States.CheckValidation as State).Next = 'NoSuchState';
    const result = aslValidator(broken);
    expect(result.isValid).toBe(false);
    expect(result.errorsText('\n')).toContain('NoSuchState');
  });

  it('uses only placeholders that WORKFLOW_TASKS maps, and every one it maps', () => {
    const placeholders = new Set([...TEXT.matchAll(PLACEHOLDER)].map((match) => match[1]));
    expect([...placeholders].sort()).toEqual(Object.keys(WORKFLOW_TASKS).sort());
  });

  it('puts placeholders only in Task Resources, and gives each Task of a branch its own task handler', () => {
    const tasks = Object.entries(STATES).filter(([, state]) => state.Type === 'Task');
    const handlers = tasks.map(([, state]) => taskOf(state));
    expect(handlers.every((handler) => handler !== undefined)).toBe(true);
    for (const branch of [REQUEST_TASKS, RENEWAL_TASKS]) {
      expect(new Set(branch.map((name) => taskOf(STATES[name] as State))).size).toBe(branch.length);
    }
    expect([...REQUEST_TASKS, ...RENEWAL_TASKS].sort()).toEqual(tasks.map(([name]) => name).sort());
    expect([...TEXT.matchAll(PLACEHOLDER)]).toHaveLength(tasks.length);
  });

  it('maps each placeholder to a distinct task name', () => {
    const names = Object.values(WORKFLOW_TASKS);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ['RecordFailure', REQUEST_TASKS],
    ['RenewalRecordFailure', RENEWAL_TASKS],
  ])(
    'catches every error of every Task of its branch into %s, except that one itself',
    (recorder, branch) => {
      expect(branch).toContain(recorder);
      for (const name of branch) {
        const state = STATES[name] as State;
        if (name === recorder) {
          expect(state.Catch ?? []).toEqual([]);
          continue;
        }
        const catchAll = (state.Catch ?? []).find((catcher) => catcher.ErrorEquals.includes('States.ALL'));
        expect(catchAll, `${name} has no States.ALL catcher`).toBeDefined();
        expect(catchAll?.Next).toBe(recorder);
        // The error lands where the recorder's Parameters read it ($.error), not over the input.
        expect(catchAll?.ResultPath).toBe('$.error');
      }
    },
  );

  it('retries every Task on Lambda service errors: the first retrier that matches them tries again', () => {
    const tasks = Object.entries(STATES).filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      for (const error of LAMBDA_SERVICE_ERRORS) {
        // Step Functions applies the first retrier whose ErrorEquals matches.
        const retrier = (state.Retry ?? []).find(
          (candidate) =>
            candidate.ErrorEquals.includes(error) || candidate.ErrorEquals.includes('States.ALL'),
        );
        expect(retrier, `${name} does not retry ${error}`).toBeDefined();
        expect(retrier?.MaxAttempts ?? 3, `${name} does not retry ${error}`).toBeGreaterThan(0);
      }
    }
  });

  it('fails an EMAIL request at once when the deployment has no mail sender: retrying cannot help', () => {
    const retriers = STATES.PublishValidationRecords?.Retry ?? [];
    expect(retriers[0]).toEqual({ ErrorEquals: ['MailNotConfigured'], MaxAttempts: 0 });
  });

  it('never retries issuance errors that would recur (lint failure, unvalidated names): the CA signs once', () => {
    const retriers =
      (STATES.IssueCertificate as State & { Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }> })
        .Retry ?? [];
    const first = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('CertificateLintFailed'));
    const catchAll = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('States.ALL'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(catchAll);
    expect(retriers[first]?.ErrorEquals).toContain(new CertificateNotValidatedError('x').name);
    expect(retriers[first]?.ErrorEquals).toContain(new CertificateLintError('x').name);
    expect(retriers[first]?.MaxAttempts).toBe(0);
  });

  it('does not retry a check that CAA forbade: the certificate has already failed for good', () => {
    const retriers = STATES.CheckValidation?.Retry ?? [];
    expect(retriers[0]).toEqual({ ErrorEquals: [new CaaForbiddenError('x').name], MaxAttempts: 0 });
  });

  it.each(['RecordFailure', 'RenewalRecordFailure'])(
    '%s records the failure and then fails the execution',
    (name) => {
      const recordFailure = STATES[name] as State;
      expect(taskOf(recordFailure)).toBe('record-failure');
      expect(recordFailure.Next).toBeDefined();
      expect(STATES[recordFailure.Next as string]?.Type).toBe('Fail');
    },
  );

  it('reaches every state from StartAt', () => {
    expect(STATES[DEFINITION.StartAt]).toBeDefined();
    const reachable = reachableFrom(DEFINITION.StartAt);
    expect([...reachable].sort()).toEqual(Object.keys(STATES).sort());
  });

  it('has every Next, Default and Catch target defined, and every Choice has a Default', () => {
    for (const [name, state] of Object.entries(STATES)) {
      for (const target of transitions(state)) {
        expect(STATES[target], `${name} → ${target}`).toBeDefined();
      }
      if (state.Type === 'Choice') {
        expect(state.Default, `${name} has no Default`).toBeDefined();
        expect(state.Choices?.length).toBeGreaterThan(0);
      }
    }
  });

  it('ends every path: non-terminal states have Next, terminal ones are Succeed or Fail', () => {
    for (const [name, state] of Object.entries(STATES)) {
      if (state.Type === 'Choice') continue;
      if (state.Type === 'Succeed' || state.Type === 'Fail') {
        expect(state.Next, name).toBeUndefined();
      } else {
        expect(state.Next !== undefined || state.End === true, `${name} neither has Next nor End`).toBe(true);
      }
    }
  });

  it('routes every outcome checkValidation can return; a once run ends instead of waiting', () => {
    const decision = STATES.ValidationDecision as Omit<State, 'Choices'> & { Choices: ChoiceRule[] };
    expect(decision.Choices).toEqual([
      { Variable: '$.check.outcome', StringEquals: 'VALIDATED', Next: 'IssueCertificate' },
      {
        And: [
          { Variable: '$.check.outcome', StringEquals: 'PENDING' },
          { Variable: '$.once', BooleanEquals: true },
        ],
        Next: 'CheckedNowStillPending',
      },
      { Variable: '$.check.outcome', StringEquals: 'PENDING', Next: 'WaitForValidation' },
      { Variable: '$.check.outcome', StringEquals: 'TIMED_OUT', Next: 'ValidationTimedOut' },
    ]);
    expect(decision.Default).toBe('Stopped');
    expect(STATES.CheckedNowStillPending?.Type).toBe('Succeed');
    expect(STATES.WaitForValidation).toMatchObject({
      SecondsPath: '$.check.waitSeconds',
      Next: 'CheckValidation',
    });
  });

  it('starts a run with once: true at the check, and every other run at publishing with once false', () => {
    const runKind = STATES[DEFINITION.StartAt] as Omit<State, 'Choices'> & { Choices: ChoiceRule[] };
    expect(runKind.Type).toBe('Choice');
    // IsPresent comes first: comparing a missing path is a runtime error in Step Functions.
    expect(runKind.Choices[0]).toEqual({
      And: [
        { Variable: '$.once', IsPresent: true },
        { Variable: '$.once', BooleanEquals: true },
      ],
      Next: 'CheckNow',
    });
    expect(runKind.Default).toBe('ScheduledRun');
    expect(STATES.ScheduledRun).toMatchObject({
      Type: 'Pass',
      Parameters: { 'certificateArn.$': '$.certificateArn', once: false },
      Next: 'PublishValidationRecords',
    });
    expect(STATES.CheckNow).toMatchObject({
      Type: 'Pass',
      Result: { attempt: 0 },
      ResultPath: '$.check',
      Next: 'CheckValidation',
    });
    expect((STATES.CheckValidation as State & { Parameters?: unknown }).Parameters).toEqual({
      'certificateArn.$': '$.certificateArn',
      'attempt.$': '$.check.attempt',
      'once.$': '$.once',
    });
    // Both kinds of run reach the check with $.once set, so the decision may compare it.
    expect(reachableFrom('CheckNow').has('PublishValidationRecords')).toBe(false);
    expect(reachableFrom('ScheduledRun').has('IssueCertificate')).toBe(true);
  });
});

describe('certificate-workflow.asl.json, the renewal branch', () => {
  it('takes a run with renewal: true (and only such a run) into the renewal branch', () => {
    const runKind = STATES[DEFINITION.StartAt] as Omit<State, 'Choices'> & { Choices: ChoiceRule[] };
    expect(runKind.Choices[1]).toEqual({
      And: [
        { Variable: '$.renewal', IsPresent: true },
        { Variable: '$.renewal', BooleanEquals: true },
      ],
      Next: 'RenewalRun',
    });
    expect(runKind.Choices).toHaveLength(2);
    const renewalStates = reachableFrom('RenewalRun');
    const requestStates = new Set([...reachableFrom('ScheduledRun'), ...reachableFrom('CheckNow')]);
    // The branches share only their terminal states.
    const shared = [...renewalStates].filter((name) => requestStates.has(name));
    expect(shared.sort()).toEqual(['Done', 'Stopped']);
    expect(RENEWAL_TASKS.every((name) => renewalStates.has(name))).toBe(true);
  });

  it('starts with the cycle unknown (0), as Parameters: no Pass Result the interpreter could drop', () => {
    expect(STATES.RenewalRun).toEqual({
      Type: 'Pass',
      Comment: expect.any(String),
      Parameters: { 'certificateArn.$': '$.certificateArn', renewal: true, check: { attempt: 0, cycle: 0 } },
      Next: 'RenewalPublish',
    });
  });

  it('passes renewal: true to every task, and the cycle its first step learnt to every later one', () => {
    const parameters = (name: string) => (STATES[name] as State & { Parameters?: unknown }).Parameters;
    expect(parameters('RenewalPublish')).toEqual({ 'certificateArn.$': '$.certificateArn', renewal: true });
    expect(parameters('RenewalCheck')).toEqual({
      'certificateArn.$': '$.certificateArn',
      'attempt.$': '$.check.attempt',
      'cycle.$': '$.check.cycle',
      renewal: true,
    });
    expect(parameters('RenewalIssue')).toEqual({
      'certificateArn.$': '$.certificateArn',
      'cycle.$': '$.check.cycle',
      renewal: true,
    });
    expect(parameters('RenewalRecordFailure')).toEqual({
      'certificateArn.$': '$.certificateArn',
      'cycle.$': '$.check.cycle',
      'error.$': '$.error',
      renewal: true,
    });
    // The publish and check answers land on $.check, where the next step reads attempt and cycle.
    expect(STATES.RenewalPublish).toMatchObject({ ResultPath: '$.check', Next: 'RenewalCheck' });
    expect(STATES.RenewalCheck).toMatchObject({ ResultPath: '$.check', Next: 'RenewalDecision' });
  });

  it('routes every outcome of a renewal check: issue, wait and check again, end at NotAfter, or stop', () => {
    const decision = STATES.RenewalDecision as Omit<State, 'Choices'> & { Choices: ChoiceRule[] };
    expect(decision.Choices).toEqual([
      { Variable: '$.check.outcome', StringEquals: 'VALIDATED', Next: 'RenewalIssue' },
      { Variable: '$.check.outcome', StringEquals: 'PENDING', Next: 'WaitForRenewalValidation' },
      { Variable: '$.check.outcome', StringEquals: 'TIMED_OUT', Next: 'RenewalExpired' },
    ]);
    expect(decision.Default).toBe('Stopped');
    expect(STATES.WaitForRenewalValidation).toMatchObject({
      SecondsPath: '$.check.waitSeconds',
      Next: 'RenewalCheck',
    });
    expect(STATES.RenewalIssue?.Next).toBe('Done');
  });

  it('retries the renewal tasks as the request path retries its own', () => {
    const pairs = [
      ['PublishValidationRecords', 'RenewalPublish'],
      ['CheckValidation', 'RenewalCheck'],
      ['IssueCertificate', 'RenewalIssue'],
      ['RecordFailure', 'RenewalRecordFailure'],
    ] as const;
    for (const [request, renewal] of pairs) {
      expect(STATES[renewal]?.Retry, renewal).toEqual(STATES[request]?.Retry);
      expect(taskOf(STATES[renewal] as State), renewal).toBe(taskOf(STATES[request] as State));
    }
  });
});

interface ChoiceRule {
  Variable?: string;
  Next?: string;
  And?: ChoiceRule[];
  [comparison: string]: unknown;
}
