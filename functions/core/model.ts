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

/** The CA's own key: the algorithms a KMS SIGN_VERIFY key offers that a TLS CA may use. */
export type CaKeyAlgorithm = 'RSA_2048' | 'EC_prime256v1' | 'EC_secp384r1';

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
  /** PEM of the issuing chain, issuer first. */
  chainPem: string;
  /** Serial as lowercase hex without separators. */
  serialHex: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  /** The leaf private key (PKCS#8 DER) sealed by the key vault, bound to the certificate ARN. */
  sealedPrivateKey: string;
  /** ACM KeyUsageName values read from the signed certificate. */
  keyUsages: string[];
  /** ACM ExtendedKeyUsageName values with their OIDs, read from the signed certificate. */
  extendedKeyUsages: Array<{ name: string; oid: string }>;
  /** When the `ACM Certificate Available` event for this issuance was published; unset until then. */
  announcedAt?: string;
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
  type: 'AMAZON_ISSUED';
  status: CertificateStatus;
  failureReason?: FailureReason;
  keyAlgorithm: RequestableKeyAlgorithm;
  /** e.g. SHA256WITHRSA, from the CA key. */
  signatureAlgorithm: string;
  /** Display name of the issuer, e.g. the CA's organisation. */
  issuer: string;
  subject: string;
  domainValidations: DomainValidation[];
  options: CertificateOptions;
  tags: Tag[];
  createdAt: string;
  /** When validation gives up (createdAt + the validation window). */
  validationDeadline: string;
  issued?: IssuedCertificate;
  inUseBy: string[];
  /** When a ValidateNow last started a check: at most one every few seconds per certificate. */
  checkRequestedAt?: string;
  /** Optimistic-locking version; the store increments it on every write. */
  version: number;
}
