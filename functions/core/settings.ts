/** Per-deployment settings core reads. Adapters fill them from the environment; core never does. */
export interface PollSchedule {
  /** Seconds before the second check (the first runs at once). */
  initialSeconds: number;
  /** Each wait is the previous one times this factor... */
  factor: number;
  /** ...up to this cap. */
  maxSeconds: number;
}

export interface IssuanceProfile {
  validityDays: number;
  /** URL written into the CRL distribution point extension, if any. */
  crlUrl?: string;
  /** URL of the CA certificate written into authorityInfoAccess caIssuers, if any. */
  caIssuersUrl?: string;
  /** Certificate policy OIDs; DV is 2.23.140.1.2.1. */
  policyOids: string[];
}

/** Which names this deployment may certify. Entries: `example.com` (that name), `.example.com` (it and all below). */
export interface DomainPolicy {
  /** Names refused: the certificate ends FAILED with DOMAIN_NOT_ALLOWED. */
  denied: string[];
  /** When not empty, only names matching an entry may be requested (refused at request time). */
  allowed: string[];
}

export interface Quotas {
  /** Certificates an account may hold (as ACM counts: every status, expired and revoked included). */
  certificatesPerAccount: number;
  /** Certificates an account may request in any 365 days (deleted ones included). */
  requestsPerYear: number;
}

/**
 * The longest renewal window: a renewal waiting for its names checks at most hourly within one workflow
 * execution, whose history holds 25,000 events (about 9 a check), and 90 days of checks fit.
 */
export const MAX_RENEWAL_WINDOW_DAYS = 90;

export interface RenewalSettings {
  /** Managed renewal starts this many days before a certificate's NotAfter. */
  windowDays: number;
  /** Every certificate Certwright issued is eligible, in use or exported or not. */
  renewAllIssued: boolean;
  /** Where `Renewal Action Required` notices are mailed; none when empty. */
  notificationEmails: string[];
}

export interface CertwrightSettings {
  partition: string;
  region: string;
  /** CNAME targets are `_<token>.<validationDomain>.` */
  validationDomain: string;
  validationTimeoutHours: number;
  maxDomainsPerCertificate: number;
  pollSchedule: PollSchedule;
  profile: IssuanceProfile;
  /**
   * Base URL of the approval site, without a trailing slash: validation mails link to
   * `<approvalBaseUrl>/approvals/<token>`.
   */
  approvalBaseUrl: string;
  /** CAA issuer domain names (RFC 8659) that mean this CA: an `issue`/`issuewild` record naming one permits us. */
  caaIdentities: string[];
  domainPolicy: DomainPolicy;
  quotas: Quotas;
  renewal: RenewalSettings;
}

export const DEFAULT_SETTINGS: Omit<CertwrightSettings, 'region' | 'validationDomain' | 'approvalBaseUrl'> = {
  partition: 'aws',
  validationTimeoutHours: 72,
  maxDomainsPerCertificate: 10,
  pollSchedule: { initialSeconds: 5, factor: 2, maxSeconds: 300 },
  profile: { validityDays: 395, policyOids: ['2.23.140.1.2.1'] },
  caaIdentities: ['certwright'],
  domainPolicy: { denied: [], allowed: [] },
  quotas: { certificatesPerAccount: 100, requestsPerYear: 200 },
  renewal: { windowDays: 60, renewAllIssued: false, notificationEmails: [] },
};
