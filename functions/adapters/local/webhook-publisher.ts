/**
 * EventPublisher for the local stack's webhooks (CERTWRIGHT_WEBHOOK_URLS): POSTs each event as JSON, in
 * EventBridge's envelope with the same fields as the event log's lines, to every URL. The envelope's `id` is
 * the webhook's own, not the one on the event's log line: the log and the hooks each assign one.
 *
 * Delivery happens in the background: publish only queues the deliveries and resolves at once, so a hook
 * that is down never delays or fails the event log write it follows. Each delivery is retried with
 * exponential backoff (any answer but a 2xx, or no answer within the timeout, counts as a failure) and given
 * up after `maxAttempts`, with a log line. Deliveries are at least once: a hook that answered too late gets
 * the event again; the envelope's `id` is the same on every attempt, for the hook to recognise a repeat.
 * A URL's user info (https://user:password@host/...) is sent as HTTP Basic authorization.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { CertificateEvent, EventPublisher } from '../../core/ports.ts';
import { eventEnvelope } from './event-log.ts';

export interface WebhookPublisherOptions {
  /** Attempts of one delivery, the first included. */
  maxAttempts?: number;
  /** Wait before the first retry; doubled before each later one. */
  initialBackoffMs?: number;
  /** How long one attempt may take. */
  timeoutMs?: number;
  log?: (entry: Record<string, unknown>) => void;
  /** How to wait between attempts; tests pass one that does not sleep. */
  sleep?: (milliseconds: number) => Promise<unknown>;
  newId?: () => string;
}

export class WebhookPublisher implements EventPublisher {
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly timeoutMs: number;
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly sleep: (milliseconds: number) => Promise<unknown>;
  private readonly newId: () => string;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    readonly urls: readonly string[],
    options: WebhookPublisherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.log = options.log ?? ((entry) => console.log(JSON.stringify(entry)));
    this.sleep =
      options.sleep ?? ((milliseconds) => delay(milliseconds, undefined, { signal: this.stopping.signal }));
    this.newId = options.newId ?? randomUUID;
  }

  async publish(events: CertificateEvent[]): Promise<void> {
    if (this.stopping.signal.aborted) return;
    for (const event of events) {
      const body = JSON.stringify(eventEnvelope(event, this.newId()));
      for (const url of this.urls) this.track(this.deliver(url, body, event));
    }
  }

  /** Resolves once every delivery queued so far has succeeded or been given up. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** No new deliveries; those waiting for a retry give up (with their log line). Resolves when all ended. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(url: string, body: string, event: CertificateEvent): Promise<void> {
    let failure = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      failure = await this.attempt(url, body);
      if (failure === '') return;
      if (attempt === this.maxAttempts || this.stopping.signal.aborted) break;
      try {
        await this.sleep(this.initialBackoffMs * 2 ** (attempt - 1));
      } catch {
        break;
      }
    }
    this.log({
      level: 'error',
      message: 'webhook delivery given up',
      url: withoutCredentials(url),
      detailType: event.detailType,
      certificateArn: event.certificateArn,
      error: failure,
    });
  }

  /** One POST; answers '' on success, else what went wrong. */
  private async attempt(url: string, body: string): Promise<string> {
    try {
      const target = requestTarget(url);
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? '' : `HTTP ${response.status}`;
    } catch (error) {
      return String(error);
    }
  }
}

/** The URL as logged: without user info or query, which may carry a hook's secret. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** fetch refuses a URL with user info: it goes in an Authorization header (Basic) instead. */
function requestTarget(url: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, headers: {} };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.href,
    headers: { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` },
  };
}
