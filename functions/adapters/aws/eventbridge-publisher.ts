/**
 * EventPublisher on Amazon EventBridge: PutEvents onto the deployment's event bus, source
 * CERTIFICATE_EVENT_SOURCE, ACM's detail-types, the certificate ARN as the one resource.
 *
 * - Batches of at most 10 entries (PutEvents' limit), sent one after another.
 * - PutEvents can accept some entries and fail others (FailedEntryCount, a per-entry ErrorCode). Entries that
 *   failed with a retryable code (InternalFailure, ThrottlingException) are sent again, alone, after a
 *   short backoff; after the last attempt, or at once for any other code (AccessDeniedException,
 *   MalformedDetail, NotAuthorizedForSourceException...), publish throws an error naming the codes.
 *   Entries already accepted stay published, so a caller's retry may publish them twice (at least once).
 * - Errors of the whole request (throttling, network) are retried by the SDK's own retry strategy.
 *
 * EventBridge fills in the envelope: `id`, `version`, and `account` (the account that owns the bus, which is
 * the deployment's; the certificate's own account is in its ARN in `resources`).
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { CERTIFICATE_EVENT_SOURCE } from '../../core/events/certificate-events.ts';
import type { CertificateEvent, EventPublisher } from '../../core/ports.ts';

/** PutEvents takes at most 10 entries. */
export const MAX_ENTRIES_PER_PUT = 10;
const RETRYABLE_ERROR_CODES = new Set(['InternalFailure', 'ThrottlingException']);

export interface EventBridgePublisherOptions {
  /** Sends of one entry, the first included. */
  maxAttempts?: number;
  /** Wait before the first resend; doubled before each later one. */
  initialBackoffMs?: number;
  /** How to wait; tests pass one that does not sleep. */
  sleep?: (milliseconds: number) => Promise<unknown>;
}

export class EventBridgePublisher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly sleep: (milliseconds: number) => Promise<unknown>;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    options: EventBridgePublisherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.sleep = options.sleep ?? delay;
  }

  async publish(events: CertificateEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_PUT) {
      await this.putBatch(events.slice(start, start + MAX_ENTRIES_PER_PUT).map((event) => this.entry(event)));
    }
  }

  private async putBatch(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      const output = await this.client.send(new PutEventsCommand({ Entries: pending }));
      const failed = failedEntries(pending, output.Entries);
      if (failed.length === 0) return;
      const codes = [...new Set(failed.map(({ result }) => result.ErrorCode ?? 'no EventId'))];
      const retryable = codes.every((code) => RETRYABLE_ERROR_CODES.has(code));
      if (!retryable || attempt >= this.maxAttempts) {
        const messages = [...new Set(failed.map(({ result }) => result.ErrorMessage).filter(Boolean))];
        throw new Error(
          `EventBridge did not accept ${failed.length} of ${entries.length} events on bus ${this.eventBusName} ` +
            `after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${codes.join(', ')}` +
            (messages.length > 0 ? ` (${messages.join('; ')})` : ''),
        );
      }
      await this.sleep(this.initialBackoffMs * 2 ** (attempt - 1));
      pending = failed.map(({ entry }) => entry);
    }
  }

  private entry(event: CertificateEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.eventBusName,
      Source: CERTIFICATE_EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Resources: [event.certificateArn],
      Time: new Date(event.time),
    };
  }
}

/** The entries PutEvents did not accept, with their results (in request order); no EventId counts as failed. */
function failedEntries(
  entries: PutEventsRequestEntry[],
  results: PutEventsResultEntry[] = [],
): Array<{ entry: PutEventsRequestEntry; result: PutEventsResultEntry }> {
  return entries
    .map((entry, index) => ({ entry, result: results[index] ?? {} }))
    .filter(({ result }) => result.ErrorCode !== undefined || result.EventId === undefined);
}
