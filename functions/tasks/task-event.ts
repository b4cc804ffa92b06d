/** What every workflow task receives (the state's Parameters). */
export interface CertificateTaskEvent {
  certificateArn: string;
  attempt?: number;
  error?: { Error?: string; Cause?: string };
}
