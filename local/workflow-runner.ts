import './promise-with-resolvers.ts';
import { readFileSync } from 'node:fs';
import {
  ExecutionAbortedError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { WorkflowInput, WorkflowStarter } from '../functions/core/ports.ts';
import type { CertificateTaskEvent } from '../functions/tasks/task-event.ts';
import {
  CERTIFICATE_WORKFLOW_FILE,
  WORKFLOW_TASKS,
  type WorkflowTaskName,
} from '../statemachines/workflow-tasks.ts';

export type TaskHandler = (input: CertificateTaskEvent) => Promise<unknown>;
type LocalTaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

export interface WorkflowRunnerOptions {
  /** Milliseconds to use instead of each Wait state's own duration (tests). */
  waitTimeOverrides?: Record<string, number>;
  /** Milliseconds between retries instead of the Retry policy's intervals (tests). */
  retryIntervalMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

interface TaskState {
  Type?: string;
  Resource?: string;
  Retry?: unknown[];
}

function localFunctionArn(task: WorkflowTaskName): string {
  return `arn:aws:lambda:local:000000000000:function:certwright-${task}`;
}

/**
 * The local Step Functions: runs the same ASL file that AWS runs, with aws-local-stepfunctions, dispatching
 * each Task state to the same handler its Lambda function runs. One execution per name at a time.
 */
export class LocalWorkflowRunner implements WorkflowStarter {
  private readonly stateMachine: StateMachine;
  private readonly handlersByState: LocalTaskHandlers = {};
  private readonly retryStates: string[] = [];
  private readonly running = new Map<string, { abort(): void; done: Promise<void> }>();
  /** Task handler calls under way: an aborted execution settles at once, its current task does not. */
  private readonly tasksInFlight = new Set<Promise<unknown>>();

  constructor(
    handlers: Record<WorkflowTaskName, TaskHandler>,
    private readonly options: WorkflowRunnerOptions = {},
  ) {
    let text = readFileSync(CERTIFICATE_WORKFLOW_FILE, 'utf8');
    for (const [placeholder, task] of Object.entries(WORKFLOW_TASKS)) {
      text = text.replaceAll(`\${${placeholder}}`, localFunctionArn(task));
    }
    const definition = JSON.parse(text) as StateMachineDefinition & { States: Record<string, TaskState> };
    const tasksByArn = new Map(Object.values(WORKFLOW_TASKS).map((task) => [localFunctionArn(task), task]));
    for (const [stateName, state] of Object.entries(definition.States)) {
      const task = state.Type === 'Task' ? tasksByArn.get(state.Resource ?? '') : undefined;
      if (!task) continue;
      this.handlersByState[stateName] = this.tracked(handlers[task]) as unknown as LocalTaskHandlers[string];
      if (state.Retry) this.retryStates.push(stateName);
    }
    this.stateMachine = new StateMachine(definition);
  }

  async start(executionName: string, input: WorkflowInput): Promise<void> {
    if (this.running.has(executionName)) return;
    const retryIntervalMs = this.options.retryIntervalMs;
    const json = {
      certificateArn: input.certificateArn,
      ...(input.once ? { once: true } : {}),
      ...(input.renewal ? { renewal: true } : {}),
    };
    const execution = this.stateMachine.run(json, {
      overrides: {
        taskResourceLocalHandlers: this.handlersByState,
        waitTimeOverrides: this.options.waitTimeOverrides,
        retryIntervalOverrides:
          retryIntervalMs === undefined
            ? undefined
            : Object.fromEntries(this.retryStates.map((state) => [state, retryIntervalMs])),
      },
    });
    const done = execution.result.then(
      (output) => this.options.log?.({ message: 'workflow finished', executionName, output }),
      (error: unknown) => {
        if (error instanceof ExecutionAbortedError) return;
        this.options.log?.({ message: 'workflow failed', executionName, error: String(error) });
      },
    );
    this.running.set(executionName, {
      abort: execution.abort,
      done: done.finally(() => this.running.delete(executionName)),
    });
  }

  isRunning(executionName: string): boolean {
    return this.running.has(executionName);
  }

  /** Resolves when no execution and no task is running (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.tasksInFlight.size > 0) {
      await Promise.allSettled([...[...this.running.values()].map((run) => run.done), ...this.tasksInFlight]);
    }
  }

  private tracked(handler: TaskHandler): TaskHandler {
    return (input) => {
      const call = handler(input);
      this.tasksInFlight.add(call);
      void call.then(
        () => this.tasksInFlight.delete(call),
        () => this.tasksInFlight.delete(call),
      );
      return call;
    };
  }

  stop(): void {
    for (const run of this.running.values()) run.abort();
  }
}
