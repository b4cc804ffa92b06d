/**
 * EventPublisher for the local stack: an append-only JSON-lines file, one event per line in EventBridge's
 * envelope (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`, `detail`),
 * so a consumer reads the same fields as from an EventBridge rule target. `account` is the certificate's
 * account (the local stack serves several; in AWS it is the account that owns the bus).
 *
 * Each batch is written with one appendFile (O_APPEND, one write), so lines of concurrent publishes never
 * interleave. A failed write throws; a retry may write some events twice (at least once).
 */
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { CERTIFICATE_EVENT_SOURCE } from '../../core/events/certificate-events.ts';
import type { CertificateEvent, EventPublisher } from '../../core/ports.ts';

export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** The event in EventBridge's envelope, with the given id. */
export function eventEnvelope(event: CertificateEvent, id: string): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': event.detailType,
    source: CERTIFICATE_EVENT_SOURCE,
    account: event.accountId,
    time: event.time,
    region: event.region,
    resources: [event.certificateArn],
    detail: event.detail,
  };
}

export class EventLog implements EventPublisher {
  constructor(
    readonly path: string,
    private readonly newId: () => string = randomUUID,
  ) {}

  async publish(events: CertificateEvent[]): Promise<void> {
    if (events.length === 0) return;
    const lines = events.map((event) => `${JSON.stringify(this.envelope(event))}\n`);
    await appendFile(this.path, lines.join(''), { encoding: 'utf8', mode: 0o600 });
  }

  private envelope(event: CertificateEvent): EventEnvelope {
    return eventEnvelope(event, this.newId());
  }
}
