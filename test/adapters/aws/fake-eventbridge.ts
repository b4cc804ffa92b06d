/**
 * Amazon EventBridge behaving like the service for PutEvents, behind aws-sdk-client-mock. Event buses are
 * created by the test; accepted entries are kept as the envelope a rule target receives (`id` = the
 * EventId returned, `account` and `region` = the bus owner's, `time` in whole seconds, `detail` parsed).
 *
 * - A request of no entries or more than 10 fails whole (ValidationException).
 * - An entry fails alone, with the service's per-entry ErrorCode, when it lacks Source, DetailType or
 *   Detail (InvalidArgument), when its Detail is not a JSON object (MalformedDetail), or when its Source is
 *   reserved for AWS (`aws.*`: NotAuthorizedForSourceException). The response counts them in
 *   FailedEntryCount and keeps request order in Entries.
 * - `failNextEntries` and `failEntriesOf` make entries fail with a chosen code (InternalFailure,
 *   ThrottlingException...): the next ones sent, or those of one resource.
 * Any other command, and a bus that was not created, fail loudly.
 */
import { randomUUID } from 'node:crypto';
import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { EventEnvelope } from '../../../functions/adapters/local/event-log.ts';

const MAX_ENTRIES = 10;

export class FakeEventBridge {
  readonly client: EventBridgeClient;
  readonly mock: AwsClientStub<EventBridgeClient>;
  private readonly buses = new Map<string, EventEnvelope[]>();
  private readonly injectedFailures: Array<{ code: string; message: string }> = [];
  private readonly resourceFailures = new Map<string, { code: string; message: string; remaining: number }>();

  constructor(
    readonly account = '111122223333',
    readonly region = 'us-east-1',
  ) {
    this.client = new EventBridgeClient({
      region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    this.mock = this.attach(this.client);
  }

  /** Routes PutEvents of `client` (an instance, or a client class to catch every instance) to this fake. */
  attach(client: EventBridgeClient): AwsClientStub<EventBridgeClient> {
    const stub = mockClient(client);
    stub.onAnyCommand().callsFake(() => {
      throw new Error('FakeEventBridge implements only PutEvents');
    });
    stub.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => this.putEvents(input));
    return stub;
  }

  createEventBus(name: string): string {
    this.buses.set(name, []);
    return `arn:aws:events:${this.region}:${this.account}:event-bus/${name}`;
  }

  /** The events the bus accepted, in order, as a rule target receives them. */
  delivered(busName: string): EventEnvelope[] {
    return structuredClone(this.bus(busName));
  }

  /** The next `count` entries sent fail with `code`, whatever they are. */
  failNextEntries(count: number, code: string, message = `injected ${code}`): void {
    for (let index = 0; index < count; index++) this.injectedFailures.push({ code, message });
  }

  /** Entries with `resource` among their Resources fail with `code` the next `times` they are sent. */
  failEntriesOf(resource: string, code: string, times = Number.POSITIVE_INFINITY): void {
    this.resourceFailures.set(resource, { code, message: `injected ${code}`, remaining: times });
  }

  /** The PutEvents calls made so far. */
  putEventsCalls(): PutEventsCommandInput[] {
    return this.mock.commandCalls(PutEventsCommand).map((call) => call.args[0].input);
  }

  private putEvents(input: PutEventsCommandInput): PutEventsCommandOutput {
    const entries = input.Entries ?? [];
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw new EventBridgeServiceException({
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message:
          `1 validation error detected: Value '${entries.length} entries' at 'entries' failed to satisfy ` +
          `constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      });
    }
    const results = entries.map((entry) => this.putEntry(entry));
    return {
      $metadata: { httpStatusCode: 200 },
      FailedEntryCount: results.filter((result) => result.ErrorCode !== undefined).length,
      Entries: results,
    };
  }

  private putEntry(entry: PutEventsRequestEntry): PutEventsResultEntry {
    const bus = this.bus(entry.EventBusName ?? 'default');
    const injected = this.injectedFailures.shift() ?? this.resourceFailure(entry);
    if (injected) return { ErrorCode: injected.code, ErrorMessage: injected.message };
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter(s) Source, DetailType, Detail are missing.',
      };
    }
    if (entry.Source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    const detail = parseObject(entry.Detail);
    if (detail === undefined) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const id = randomUUID();
    bus.push({
      version: '0',
      id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.account,
      time: (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: entry.Resources ?? [],
      detail,
    });
    return { EventId: id };
  }

  private resourceFailure(entry: PutEventsRequestEntry): { code: string; message: string } | undefined {
    for (const resource of entry.Resources ?? []) {
      const failure = this.resourceFailures.get(resource);
      if (failure && failure.remaining > 0) {
        failure.remaining -= 1;
        return failure;
      }
    }
    return undefined;
  }

  private bus(name: string): EventEnvelope[] {
    const bus = this.buses.get(name.replace(/^arn:aws:events:[^:]+:\d+:event-bus\//, ''));
    if (!bus) throw new Error(`FakeEventBridge has no event bus ${name}`);
    return bus;
  }
}

function parseObject(json: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
