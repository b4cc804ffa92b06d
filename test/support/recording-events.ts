import type { CertificateEvent, EventPublisher } from '../../functions/core/ports.ts';

/** Keeps every event published; `failNext` makes the next publishes throw, as a bus that is down would. */
export class RecordingEvents implements EventPublisher {
  readonly published: CertificateEvent[] = [];
  private failures = 0;

  failNext(times = 1): this {
    this.failures += times;
    return this;
  }

  async publish(events: CertificateEvent[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('the event bus is unavailable');
    }
    this.published.push(...events);
  }

  /** The published events about one certificate, by detail-type. */
  of(certificateArn: string): string[] {
    return this.published
      .filter((event) => event.certificateArn === certificateArn)
      .map((event) => event.detailType);
  }
}
