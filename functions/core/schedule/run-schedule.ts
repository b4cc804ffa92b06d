import { CertwrightError } from '../errors.ts';
import { announceIssuance, awaitsAnnouncement } from '../events/announce-issuance.ts';
import type { CertificateStore, Clock, EventPublisher } from '../ports.ts';
import { expireCertificate, hasExpired } from './expire-certificate.ts';

export interface ScheduleDeps {
  store: CertificateStore;
  events: EventPublisher;
  clock: Clock;
  /** Where due certificates are found: the store's index unless given (the local stack scans once at start). */
  findDue?: CertificateStore['listIssuedDueBy'];
}

export interface ScheduleRun {
  /** Due certificates read. */
  examined: number;
  /** Moved to EXPIRED, with their event published. */
  expired: number;
  /** Issuances whose Available event the issue task never got out, published now. */
  announced: number;
}

/** References read from the index per page. */
const PAGE_SIZE = 25;

/**
 * How long the issue task has to announce its own issuance (its workflow retries span minutes) before the
 * schedule publishes it instead; sooner would publish the same event twice for no reason.
 */
export const ANNOUNCE_GRACE_MS = 60 * 60 * 1000;

/** Some due certificates could not be settled; the others were. The next run tries them again. */
export class ScheduleIncompleteError extends CertwrightError {
  override name = 'ScheduleIncomplete' as const;
  readonly code = 'ScheduleIncomplete';

  constructor(
    readonly run: ScheduleRun,
    readonly failures: unknown[],
  ) {
    super(
      `${failures.length} of ${run.examined} due certificates could not be settled ` +
        `(${run.expired} expired, ${run.announced} announced); first failure: ${String(failures[0])}`,
      { cause: failures[0] },
    );
  }
}

/**
 * The schedule's work, as of `now`: every ISSUED certificate past its NotAfter becomes EXPIRED with its
 * `ACM Certificate Expired` event, and an issuance left unannounced past the grace period gets its
 * `ACM Certificate Available` event. Each due certificate is re-read (the index may lag) and settled on
 * its own; one that fails does not hold up the others, and the run then throws ScheduleIncompleteError.
 * Running it again publishes nothing already settled.
 */
export async function runSchedule(deps: ScheduleDeps, now: Date): Promise<ScheduleRun> {
  const findDue = deps.findDue ?? ((until, limit, key) => deps.store.listIssuedDueBy(until, limit, key));
  const run: ScheduleRun = { examined: 0, expired: 0, announced: 0 };
  const failures: unknown[] = [];
  let startKey: Awaited<ReturnType<typeof findDue>>['nextKey'];
  do {
    const page = await findDue(now, PAGE_SIZE, startKey);
    for (const reference of page.references) {
      run.examined += 1;
      try {
        const outcome = await settle(deps, reference, now);
        if (outcome) run[outcome] += 1;
      } catch (error) {
        failures.push(error);
      }
    }
    startKey = page.nextKey;
  } while (startKey);
  if (failures.length > 0) throw new ScheduleIncompleteError(run, failures);
  return run;
}

async function settle(
  deps: ScheduleDeps,
  reference: { accountId: string; certificateId: string },
  now: Date,
): Promise<'expired' | 'announced' | undefined> {
  const certificate = await deps.store.get(reference.accountId, reference.certificateId);
  if (certificate?.status !== 'ISSUED' || !certificate.issued) return undefined;
  if (hasExpired(certificate, now)) {
    await expireCertificate(deps, certificate, now);
    return 'expired';
  }
  const announceFrom = Date.parse(certificate.issued.issuedAt) + ANNOUNCE_GRACE_MS;
  if (awaitsAnnouncement(certificate) && now.getTime() >= announceFrom) {
    await announceIssuance(deps, certificate);
    return 'announced';
  }
  return undefined;
}
