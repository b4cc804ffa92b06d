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

  it('puts placeholders only in Task Resources, and gives each Task its own task handler', () => {
    const tasks = Object.entries(STATES).filter(([, state]) => state.Type === 'Task');
    const handlers = tasks.map(([, state]) => taskOf(state));
    expect(handlers.every((handler) => handler !== undefined)).toBe(true);
    expect(new Set(handlers).size).toBe(tasks.length);
    expect([...TEXT.matchAll(PLACEHOLDER)]).toHaveLength(tasks.length);
  });

  it('maps each placeholder to a distinct task name', () => {
    const names = Object.values(WORKFLOW_TASKS);
    expect(new Set(names).size).toBe(names.length);
  });

  it('catches every error of every Task into RecordFailure, except RecordFailure itself', () => {
    const tasks = Object.entries(STATES).filter(([, state]) => state.Type === 'Task');
    expect(tasks.map(([name]) => name)).toContain('RecordFailure');
    for (const [name, state] of tasks) {
      if (name === 'RecordFailure') {
        expect(state.Catch ?? []).toEqual([]);
        continue;
      }
      const catchAll = (state.Catch ?? []).find((catcher) => catcher.ErrorEquals.includes('States.ALL'));
      expect(catchAll, `${name} has no States.ALL catcher`).toBeDefined();
      expect(catchAll?.Next).toBe('RecordFailure');
      // The error lands where RecordFailure's Parameters read it ($.error), not over the input.
      expect(catchAll?.ResultPath).toBe('$.error');
    }
  });

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

  it('records the failure and then fails the execution', () => {
    const recordFailure = STATES.RecordFailure as State;
    expect(taskOf(recordFailure)).toBe('record-failure');
    expect(recordFailure.Next).toBeDefined();
    expect(STATES[recordFailure.Next as string]?.Type).toBe('Fail');
  });

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
    expect(runKind.Choices).toEqual([
      {
        And: [
          { Variable: '$.once', IsPresent: true },
          { Variable: '$.once', BooleanEquals: true },
        ],
        Next: 'CheckNow',
      },
    ]);
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

interface ChoiceRule {
  Variable?: string;
  Next?: string;
  And?: ChoiceRule[];
  [comparison: string]: unknown;
}
