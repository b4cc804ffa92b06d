/**
 * What the approval site (the public pages an approver opens from the validation mail) may ask of core.
 * The site renders the answers; core decides them.
 */

/** What an approver is asked to approve, shown before anything changes. */
export interface ApprovalRequest {
  domainName: string;
  /** The domain the approver addresses belong to (the validation domain). */
  validationDomain: string;
  certificateArn: string;
  accountId: string;
  region: string;
  /** ISO-8601: when the link stops working. */
  expiresAt: string;
}

/**
 * Why a link cannot be used: UNKNOWN (never issued, or mistyped), USED (approved already, or replaced by a
 * resend), EXPIRED (past the validation deadline, or the certificate is no longer pending).
 */
export type ApprovalProblem = 'UNKNOWN' | 'USED' | 'EXPIRED';

export type ApprovalLookup = { ok: true; request: ApprovalRequest } | { ok: false; problem: ApprovalProblem };

export interface ApprovalDesk {
  /** GET: what the token would approve. Changes nothing. */
  describe(token: string): Promise<ApprovalLookup>;
  /** POST: approves the token's domain, once; a second use answers USED and changes nothing. */
  approve(token: string): Promise<ApprovalLookup>;
}
