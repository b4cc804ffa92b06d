/** What every workflow task receives (the state's Parameters). */
export interface CertificateTaskEvent {
  certificateArn: string;
  attempt?: number;
  /** A ValidateNow run: check once, outside the poll schedule. */
  once?: boolean;
  /** A managed renewal's run: the task works on the certificate's renewal, not on its request. */
  renewal?: boolean;
  /**
   * A renewal run's cycle, as its first step found it (0 before that step answered): a task of another cycle
   * than the renewal under way does nothing.
   */
  cycle?: number;
  error?: { Error?: string; Cause?: string };
}

/** The renewal cycle a task event names; undefined when the run has not learnt it (0 or absent). */
export function eventCycle(event: CertificateTaskEvent): number | undefined {
  return typeof event.cycle === 'number' && event.cycle > 0 ? event.cycle : undefined;
}
