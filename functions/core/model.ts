/** The certificate as the store keeps it. Wire shapes (CertificateDetail, ...) are derived from it. */

export const CERTIFICATE_STATUSES = [
  'PENDING_VALIDATION',
  'ISSUED',
  'INACTIVE',
  'EXPIRED',
  'VALIDATION_TIMED_OUT',
  'REVOKED',
  'FAILED',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export type DomainValidationStatus = 'PENDING_VALIDATION' | 'SUCCESS' | 'FAILED';
export type ValidationMethod = 'DNS' | 'EMAIL';

/** Key algorithms a request may ask for (ACM's three, plus RSA_3072 and RSA_4096). */
export const REQUESTABLE_KEY_ALGORITHMS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
] as const;
export type RequestableKeyAlgorithm = (typeof REQUESTABLE_KEY_ALGORITHMS)[number];
export type KeyAlgorithm = RequestableKeyAlgorithm | 'RSA_1024' | 'EC_secp521r1';

export function isRequestableKeyAlgorithm(algorithm: KeyAlgorithm): algorithm is RequestableKeyAlgorithm {
  return (REQUESTABLE_KEY_ALGORITHMS as readonly string[]).includes(algorithm);
}

/** The CA's own key: the algorithms a KMS SIGN_VERIFY key offers that a TLS CA may use. */
export type CaKeyAlgorithm = 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1';

export type CertificateType = 'AMAZON_ISSUED' | 'IMPORTED';

/** ACM's RevocationReason values, as RevokeCertificate takes them. */
export const REVOCATION_REASONS = [
  'UNSPECIFIED',
  'KEY_COMPROMISE',
  'CA_COMPROMISE',
  'AFFILIATION_CHANGED',
  'SUPERCEDED',
  'SUPERSEDED',
  'CESSATION_OF_OPERATION',
  'CERTIFICATE_HOLD',
  'REMOVE_FROM_CRL',
  'PRIVILEGE_WITHDRAWN',
  'A_A_COMPROMISE',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** A revocation claimed on a certificate body before it is recorded: the first claim's date and reason win. */
export interface RevocationClaim {
  serialHex: string;
  revokedAt: string;
  reason: RevocationReason;
}

export type RenewalStatus = 'PENDING_AUTO_RENEWAL' | 'PENDING_VALIDATION' | 'SUCCESS' | 'FAILED';

export type FailureReason =
  | 'NO_AVAILABLE_CONTACTS'
  | 'ADDITIONAL_VERIFICATION_REQUIRED'
  | 'DOMAIN_NOT_ALLOWED'
  | 'INVALID_PUBLIC_DOMAIN'
  | 'DOMAIN_VALIDATION_DENIED'
  | 'CAA_ERROR'
  | 'OTHER';

export interface ResourceRecord {
  Name: string;
  Type: 'CNAME';
  Value: string;
}

/** One name's most recent validation check, as the check step recorded it. */
export interface LastCheck {
  at: string;
  outcome: string;
  detail?: string;
  /** The record values found at the validation name when they were not the expected one. */
  found?: string[];
  /** The DNS server that answered (host:port), or the servers tried when none did. */
  server?: string;
  /** When the workflow plans to check this name again; unset once it is validated. */
  nextCheckAt?: string;
}

export interface DomainValidation {
  domainName: string;
  validationDomain: string;
  validationMethod: ValidationMethod;
  status: DomainValidationStatus;
  resourceRecord?: ResourceRecord;
  /** What the most recent DNS check saw, for diagnosis. */
  lastCheck?: LastCheck;
  /** EMAIL validation: the approver addresses the approval mail goes to. */
  validationEmails?: string[];
  /**
   * EMAIL validation: the one approval link that is valid now, as the SHA-256 (hex) of its token (the token
   * itself is only in the mail). A resend replaces it; an approval removes it.
   */
  approval?: { tokenHash: string; sentAt: string };
}

export interface Tag {
  Key: string;
  Value?: string;
}

export interface CertificateOptions {
  certificateTransparencyLoggingPreference: 'ENABLED' | 'DISABLED';
  export: 'ENABLED' | 'DISABLED';
}

export interface IssuedCertificate {
  certificatePem: string;
  /** PEM of the issuing chain, issuer first (for an import: the chain as imported, possibly empty). */
  chainPem: string;
  /** Serial as lowercase hex without separators. */
  serialHex: string;
  notBefore: string;
  notAfter: string;
  /** When this certificate body was stored: signed (AMAZON_ISSUED) or imported (IMPORTED). */
  issuedAt: string;
  /** The leaf private key (PKCS#8 DER) sealed by the key vault, bound to the certificate ARN. */
  sealedPrivateKey: string;
  /** ACM KeyUsageName values read from the certificate. */
  keyUsages: string[];
  /** ACM ExtendedKeyUsageName values with their OIDs, read from the certificate. */
  extendedKeyUsages: Array<{ name: string; oid: string }>;
  /**
   * When the `ACM Certificate Available` event for this issuance (or import) was published; unset until
   * then.
   */
  announcedAt?: string;
  /** RENEWAL: a managed renewal signed this body in place of an earlier one. Unset: a first issuance, an import. */
  origin?: 'RENEWAL';
}

/**
 * One managed renewal of a certificate. The certificate stays ISSUED with its current body throughout; a
 * successful renewal replaces the body (new key, new serial, same ARN) in one write.
 */
export interface RenewalState {
  status: RenewalStatus;
  /**
   * FAILED: a FailureReason (OTHER when the certificate expired or was revoked first); PENDING_VALIDATION:
   * PENDING_DOMAIN_VALIDATION (ACM's RenewalStatusReason).
   */
  statusReason?: string;
  updatedAt: string;
  /** 1 for a certificate's first renewal, then 2...: names the run `<certificate id>-renewal-<cycle>`. */
  cycle?: number;
  /**
   * The renewal's own check of each name (RenewalSummary.DomainValidationOptions), in the certificate's
   * name order; the certificate's domainValidations keep the issuance's. Unset until the renewal starts.
   */
  domainValidations?: DomainValidation[];
}

/** Which expiry notices went out for the current body (so each goes once). */
export interface ExpiryNotices {
  /** The UTC day (YYYY-MM-DD) of the last `ACM Certificate Approaching Expiration`: at most one a day. */
  approachingSentOn?: string;
  /** The days-to-expiry thresholds (45, 30, 15, 7, 3, 1) whose `Renewal Action Required` went out. */
  actionRequiredSent?: number[];
}

export interface CertificateRecord {
  arn: string;
  accountId: string;
  /** The ARN's last part: a UUID. */
  id: string;
  region: string;
  domainName: string;
  /** All names on the certificate, DomainName first, no duplicates. */
  subjectAlternativeNames: string[];
  type: CertificateType;
  status: CertificateStatus;
  failureReason?: FailureReason;
  /** A requested certificate's is one of REQUESTABLE_KEY_ALGORITHMS; an import may have any. */
  keyAlgorithm: KeyAlgorithm;
  /** e.g. SHA256WITHRSA, from the CA key. */
  signatureAlgorithm: string;
  /** Display name of the issuer, e.g. the CA's organisation. */
  issuer: string;
  subject: string;
  /** Requested certificates only; an import has none (the API shows one `{DomainName}` per name). */
  domainValidations: DomainValidation[];
  options: CertificateOptions;
  tags: Tag[];
  createdAt: string;
  /** When validation gives up (createdAt + the validation window); an import's createdAt. */
  validationDeadline: string;
  issued?: IssuedCertificate;
  /** IMPORTED: when the current certificate body was imported (ImportCertificate, first or re-import). */
  importedAt?: string;
  /** REVOKED: when and why. Revocation is permanent. */
  revocation?: { revokedAt: string; reason: RevocationReason };
  /**
   * ISSUED: a RevokeCertificate of this body under way, claimed before the revocation is recorded, so no
   * resource is associated with a certificate about to be revoked. Cleared when it becomes REVOKED.
   */
  revoking?: RevocationClaim;
  /** Managed renewal's state, as RenewalSummary shows it: unset until a renewal first starts. */
  renewal?: RenewalState;
  /** The expiry notices sent for the current certificate body; a renewal or re-import clears them. */
  expiryNotices?: ExpiryNotices;
  /**
   * When the schedule must next look at this ISSUED certificate (an expiry notice, the start of renewal):
   * the work queue's due time, never later than NotAfter. Unset: due from its announcement, so a run
   * visits it and plans the next visit. Announcing a body sets it, and the schedule after each visit.
   */
  scheduledWorkAt?: string;
  /** Set by the first ExportCertificate; `count` exports so far, the last at `lastExportedAt`. */
  exported?: { firstExportedAt: string; lastExportedAt: string; count: number };
  inUseBy: string[];
  /**
   * The issue step's claim to sign this certificate: only the run that holds it signs, so two runs racing
   * (a ValidateNow run and the certificate's own) never sign it twice. Cleared by the write to ISSUED.
   */
  issuing?: { claimId: string; claimedAt: string };
  /** When a ValidateNow last started a check: at most one every few seconds per certificate. */
  checkRequestedAt?: string;
  /** Optimistic-locking version; the store increments it on every write. */
  version: number;
}
