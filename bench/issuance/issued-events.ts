import { type FSWatcher, watch } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** A safety net under the file watcher, which is enough on Linux (inotify). */
const REREAD_INTERVAL_MS = 100;
const AVAILABLE = 'ACM Certificate Available';

/**
 * Learns that certificates are issued from the stack's event log (`ACM Certificate Available`, written as
 * issuance completes) instead of asking the API: polling DescribeCertificate would round each issuance up to
 * the poll interval, and at concurrency 16 load the service with the askers' requests.
 */
export class IssuedEvents {
  private readonly issued = new Set<string>();
  private readonly waiters = new Map<string, () => void>();
  private readonly watcher: FSWatcher;
  private readonly timer: NodeJS.Timeout;
  private offset = 0;
  private partialLine = '';
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {
    const file = basename(path);
    this.watcher = watch(dirname(path), (_, name) => {
      if (name === file) this.readNewLines();
    });
    this.timer = setInterval(() => this.readNewLines(), REREAD_INTERVAL_MS);
  }

  /** Resolves once the certificate's Available event is in the log; rejects after `timeoutMs`. */
  async waitFor(arn: string, timeoutMs: number): Promise<void> {
    if (this.issued.has(arn)) return;
    let timeout: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.waiters.set(arn, resolve);
        timeout = setTimeout(() => reject(new Error(`${arn} not issued within ${timeoutMs} ms`)), timeoutMs);
        this.readNewLines();
      });
    } finally {
      clearTimeout(timeout);
      this.waiters.delete(arn);
    }
  }

  close(): void {
    this.watcher.close();
    clearInterval(this.timer);
  }

  private readNewLines(): void {
    this.reading = this.reading.then(() => this.readAppended()).catch(() => {});
  }

  private async readAppended(): Promise<void> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (!handle) return; // No event yet.
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return;
      const chunk = Buffer.alloc(size - this.offset);
      await handle.read(chunk, 0, chunk.length, this.offset);
      this.offset = size;
      const lines = (this.partialLine + chunk.toString('utf8')).split('\n');
      this.partialLine = lines.pop() ?? '';
      for (const line of lines) this.record(line);
    } finally {
      await handle.close();
    }
  }

  private record(line: string): void {
    const event = JSON.parse(line) as { 'detail-type': string; resources: string[] };
    if (event['detail-type'] !== AVAILABLE) return;
    for (const arn of event.resources) {
      this.issued.add(arn);
      this.waiters.get(arn)?.();
    }
  }
}
