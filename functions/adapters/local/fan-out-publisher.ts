import type { CertificateEvent, EventPublisher } from '../../core/ports.ts';

/**
 * Publishes to a primary publisher, whose success or failure is the publish's (the local event log, the
 * record), and then hands the same events to followers (webhooks), whose failures are logged and never
 * fail the publish.
 */
export class FanOutPublisher implements EventPublisher {
  constructor(
    private readonly primary: EventPublisher,
    private readonly followers: readonly EventPublisher[],
    private readonly log: (entry: Record<string, unknown>) => void = (entry) =>
      console.log(JSON.stringify(entry)),
  ) {}

  async publish(events: CertificateEvent[]): Promise<void> {
    await this.primary.publish(events);
    for (const follower of this.followers) {
      await follower
        .publish(events)
        .catch((error: unknown) =>
          this.log({ level: 'error', message: 'event follower failed', error: String(error) }),
        );
    }
  }
}
