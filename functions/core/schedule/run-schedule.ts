import { getAccountConfiguration } from '../certificates/account-configuration.ts';
import { CertwrightError } from '../errors.ts';
import type { CertificateStore, Clock, EventPublisher } from '../ports.ts';
import { type ScheduleRenewalDeps, type VisitOutcome, visitCertificate } from './visit-certificate.ts';

export type { ScheduleRenewalDeps } from './visit-certificate.ts';
export { ANNOUNCE_GRACE_MS } from './visit-certificate.ts';

export interface ScheduleDeps {
  store: CertificateStore;
  events: EventPublisher;
  clock: Clock;
  /**
   * Managed renewal and Renewal Action Required (events and mail). A schedule composed without it expires,
   * announces and sends Approaching Expiration only.
   */
  renewal?: ScheduleRenewalDeps;
  /** Where due certificates are found: the store's index unless given (the local stack scans once at start). */
  findDue?: CertificateStore['listIssuedDueBy'];
  /**
   * Milliseconds the run may still take (a Lambda's remaining time). The run reads no new page when less
   * than TIME_RESERVE_MS is left, and reports itself unfinished: the rest stays due for the next run.
   */
  timeLeftMs?: () => number;
  /** Where failures that do not fail the run (a notice mail not sent) are reported: stderr as JSON unless given. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface ScheduleRun {
  /** Due certificates read. */
  examined: number;
  /** Moved to EXPIRED, with their event published. */
  expired: number;
  /** Issuances whose Available event the issue task never got out, published now. */
  announced: number;
  /** `ACM Certificate Approaching Expiration` events published. */
  approaching: number;
  /** `ACM Certificate Renewal Action Required` notices sent (event, and mail when configured). */
  actionRequired: number;
  /** Managed renewals started (new cycles). */
  renewalsStarted: number;
  /** Present when the run stopped for time before every due certificate was read. */
  unfinished?: true;
}

/** References read from the index per page; a page's certificates are visited at the same time. */
export const PAGE_SIZE = 25;

/** Time kept back for the page under way when the run has a time limit. */
export const TIME_RESERVE_MS = 60_000;

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
        `(${run.expired} expired, ${run.announced} announced, ${run.approaching} approaching expiration, ` +
        `${run.actionRequired} renewal action required, ${run.renewalsStarted} renewals started); ` +
        `first failure: ${String(failures[0])}`,
      { cause: failures[0] },
    );
  }
}

/**
 * The schedule's work, as of `now`, on every ISSUED certificate the work queue holds as due: past its
 * NotAfter it becomes EXPIRED with its `ACM Certificate Expired` event; an issuance left unannounced past
 * the grace period gets its `ACM Certificate Available` event; an announced one gets its expiry notices,
 * managed renewal when due, and its next visit (see visitCertificate). Each due certificate is re-read and
 * settled on its own; one that fails does not hold up the others, and the run then throws
 * ScheduleIncompleteError. Running it again sends nothing already sent and starts no renewal twice.
 */
export async function runSchedule(deps: ScheduleDeps, now: Date): Promise<ScheduleRun> {
  const findDue = deps.findDue ?? ((until, limit, key) => deps.store.listIssuedDueBy(until, limit, key));
  const daysBeforeExpiry = perRun((accountId: string) =>
    getAccountConfiguration(deps.store, accountId).then(
      (configuration) => configuration.expiryEvents.daysBeforeExpiry,
    ),
  );
  const visitDeps = { ...deps, daysBeforeExpiry, log: deps.log ?? logAsJson };
  const run: ScheduleRun = {
    examined: 0,
    expired: 0,
    announced: 0,
    approaching: 0,
    actionRequired: 0,
    renewalsStarted: 0,
  };
  const failures: unknown[] = [];
  let startKey: Awaited<ReturnType<typeof findDue>>['nextKey'];
  do {
    if (deps.timeLeftMs && deps.timeLeftMs() < TIME_RESERVE_MS) {
      run.unfinished = true;
      break;
    }
    const page = await findDue(now, PAGE_SIZE, startKey);
    run.examined += page.references.length;
    const outcomes = await Promise.allSettled(
      page.references.map((reference) => visitCertificate(visitDeps, reference, now)),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') count(run, outcome.value);
      else failures.push(outcome.reason);
    }
    startKey = page.nextKey;
  } while (startKey);
  if (failures.length > 0) throw new ScheduleIncompleteError(run, failures);
  return run;
}

function count(run: ScheduleRun, outcome: VisitOutcome): void {
  if (outcome.expired) run.expired += 1;
  if (outcome.announced) run.announced += 1;
  if (outcome.approaching) run.approaching += 1;
  if (outcome.actionRequired) run.actionRequired += 1;
  if (outcome.renewalStarted) run.renewalsStarted += 1;
}

/** Memoises an async lookup for the length of one run. */
function perRun<T>(lookup: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const answers = new Map<string, Promise<T>>();
  return (key) => {
    let answer = answers.get(key);
    if (!answer) {
      answer = lookup(key);
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    return answer;
  };
}

function logAsJson(entry: Record<string, unknown>): void {
  console.error(JSON.stringify(entry));
}
