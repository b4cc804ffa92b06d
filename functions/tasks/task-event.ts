/** What every workflow task receives (the state's Parameters). */
export interface CertificateTaskEvent {
  certificateArn: string;
  attempt?: number;
  /** A ValidateNow run: check once, outside the poll schedule. */
  once?: boolean;
  error?: { Error?: string; Cause?: string };
}
