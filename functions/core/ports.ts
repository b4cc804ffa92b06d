/**
 * The ports core owns. Adapters (functions/adapters/aws, functions/adapters/local) implement them;
 * core never knows which one it talks to.
 */
import type {
  CaKeyAlgorithm,
  CertificateOptions,
  CertificateRecord,
  CertificateStatus,
  CertificateType,
  KeyAlgorithm,
  ResourceRecord,
  RevocationReason,
} from './model.ts';

export interface Clock {
  now(): Date;
}

export interface Random {
  bytes(length: number): Uint8Array;
  uuid(): string;
}

/** Page position handed back to the store; opaque to everything but the store. */
export type StorePageKey = Record<string, string | number>;

export interface CertificatePage {
  certificates: CertificateRecord[];
  nextKey?: StorePageKey;
}

/** CertificateStore.list's filters: a certificate passes when it matches each filter that is set. */
export interface CertificateListQuery {
  statuses?: CertificateStatus[];
  keyAlgorithms?: KeyAlgorithm[];
  types?: CertificateType[];
  /** ACM KeyUsageName values: the certificate's body has at least one of them. */
  keyUsages?: string[];
  /**
   * ACM ExtendedKeyUsageName values: the certificate's body has at least one of them; `NONE` matches a
   * certificate without extended key usages (a pending one included).
   */
  extendedKeyUsages?: string[];
  /** The Export option a requested certificate was created with. */
  exportOption?: CertificateOptions['export'];
  limit: number;
  startKey?: StorePageKey;
}

export interface IdempotencyClaim {
  /** The ARN bound to the token. */
  arn: string;
  /** This call made the claim: the ARN is the caller's own candidate. */
  claimedNow: boolean;
  /** The certificate was written under `arn` and its workflow started; it may have been deleted since. */
  created: boolean;
}

export interface CertificateStore {
  /**
   * Writes a new certificate; does nothing if a certificate with this ARN already exists. Answers whether
   * this call wrote it.
   */
  create(certificate: CertificateRecord): Promise<boolean>;
  get(accountId: string, certificateId: string): Promise<CertificateRecord | undefined>;
  /**
   * Replaces the certificate if its stored version is still `certificate.version`, and returns it with the
   * version incremented. Throws ConcurrentModificationError when another write came first or it is gone.
   */
  save(certificate: CertificateRecord): Promise<CertificateRecord>;
  /**
   * Deletes the certificate if it exists (and, with `expectedVersion`, only if it is still at that version:
   * else ConcurrentModificationError). Answers whether this call deleted it.
   */
  delete(accountId: string, certificateId: string, expectedVersion?: number): Promise<boolean>;
  /**
   * One page of an account's certificates that pass every filter given, in key order (by certificate id),
   * which stays stable while certificates are added or removed. A missing or empty filter list leaves that
   * field open. At most `limit` certificates, and a `nextKey` to pass back while there may be more.
   */
  list(accountId: string, query: CertificateListQuery): Promise<CertificatePage>;
  /**
   * Binds an idempotency token to an ARN for `windowSeconds`, with a conditional write of the claim item.
   * Answers with the ARN bound to the token: `arn` itself with `claimedNow` if this call claimed it (or
   * the previous claim had lapsed), else the earlier ARN. `created` tells whether the claimer confirmed
   * (confirmIdempotencyClaim) that the certificate was written and its workflow started.
   */
  claimIdempotencyToken(
    accountId: string,
    token: string,
    arn: string,
    now: Date,
    windowSeconds: number,
  ): Promise<IdempotencyClaim>;
  /** Records a serial as used before anything is signed with it. Throws SerialCollisionError if taken. */
  reserveSerial(serialHex: string, certificateArn: string, now: Date): Promise<void>;
  /** References to every certificate in PENDING_VALIDATION, across accounts. */
  listPendingValidation(): Promise<Array<{ accountId: string; certificateId: string; arn: string }>>;
  /**
   * One page of references to ISSUED certificates, across accounts, with work due by `until`: NotAfter
   * reached, or an issuance not yet announced (due from its IssuedAt). Earliest due first, at most `limit`,
   * and a `nextKey` to pass back while there may be more. Read from an index, so the cost grows with the
   * number due, not the number stored; like any index read it may lag a write, so callers re-read.
   */
  listIssuedDueBy(
    until: Date,
    limit: number,
    startKey?: StorePageKey,
  ): Promise<{
    references: Array<{ accountId: string; certificateId: string; arn: string }>;
    nextKey?: StorePageKey;
  }>;
  /**
   * Marks the token's claim as created, if the claim still binds `arn` (a lapsed claim taken over by
   * another ARN is left alone). Idempotent.
   */
  confirmIdempotencyClaim(accountId: string, token: string, arn: string): Promise<void>;
  /** Writes the lookup from an approval token's hash to its certificate and domain. */
  saveApproval(approval: ApprovalRecord): Promise<void>;
  /** The approval written under this token hash, if any. */
  findApproval(tokenHash: string): Promise<ApprovalRecord | undefined>;
  /**
   * Counts one more certificate held by the account and one more request on `window.day`, in one
   * conditional write, if the account holds fewer than `limits.certificates` and made fewer than
   * `limits.requests` requests from `window.firstDay` on. Otherwise counts nothing and names the limit
   * reached (CERTIFICATES when both are). An account's first reservation seeds its counts from the
   * certificates it holds (each counted as a request on its createdAt day).
   */
  reserveQuota(accountId: string, window: RequestWindow, limits: QuotaLimits): Promise<QuotaOutcome>;
  /** Takes back a reservation whose certificate was not written: one certificate and one request fewer. */
  releaseQuota(accountId: string, reservation: QuotaReservation): Promise<void>;
  /** One certificate fewer held, after a certificate was deleted; the request that made it still counts. */
  releaseHeldCertificate(accountId: string): Promise<void>;
  /** The certificates the account holds and the requests it made from `window.firstDay` on, as counted. */
  quotaUsage(accountId: string, window: RequestWindow): Promise<QuotaUsage>;
  /**
   * The same counts as quotaUsage, but never writes: an account without counts yet is counted from the
   * certificates it holds, and its counts are left for its first reservation to write.
   */
  peekQuotaUsage(accountId: string, window: RequestWindow): Promise<QuotaUsage>;
  /** The account's configuration as last put, or undefined if it never was. */
  getAccountConfiguration(accountId: string): Promise<AccountConfiguration | undefined>;
  /**
   * Writes the account's configuration, replacing the one before (the last write wins), unless `request`'s
   * idempotency token was used by an earlier put of the account less than `windowSeconds` ago: then it
   * writes nothing and answers REPEATED. Tokens are remembered with the configuration.
   */
  putAccountConfiguration(
    accountId: string,
    configuration: AccountConfiguration,
    request: { idempotencyToken: string; now: Date; windowSeconds: number },
  ): Promise<'APPLIED' | 'REPEATED'>;
}

/** An account's settings, as GetAccountConfiguration and PutAccountConfiguration carry them. */
export interface AccountConfiguration {
  expiryEvents: { daysBeforeExpiry: number };
}

/** Requests made on UTC days `firstDay`..`day` (days since 1970-01-01) count toward the request quota. */
export interface RequestWindow {
  day: number;
  firstDay: number;
}

export interface QuotaLimits {
  /** Most certificates an account may hold. */
  certificates: number;
  /** Most requests an account may make within the request window. */
  requests: number;
}

/** A granted reservation: one certificate held and one request counted on `day`. */
export interface QuotaReservation {
  day: number;
}

export type QuotaOutcome =
  | { granted: true; reservation: QuotaReservation }
  | { granted: false; exceeded: 'CERTIFICATES' | 'REQUESTS' };

export interface QuotaUsage {
  certificates: number;
  requests: number;
}

/**
 * Where an emailed approval link leads: found by the SHA-256 (hex) of its token. Whether the link is still
 * good is decided on the certificate (DomainValidation.approval holds the one current hash).
 */
export interface ApprovalRecord {
  tokenHash: string;
  certificateArn: string;
  accountId: string;
  certificateId: string;
  domainName: string;
  /** ISO-8601: the certificate's validation deadline. */
  expiresAt: string;
}

/** One revoked certificate, as the CRL lists it. */
export interface RevocationEntry {
  /** Lowercase hex without separators, as IssuedCertificate.serialHex. */
  serialHex: string;
  certificateArn: string;
  /** ISO-8601. */
  revokedAt: string;
  reason: RevocationReason;
  /** ISO-8601: the certificate's NotAfter (an entry may leave the CRL once the certificate has expired). */
  notAfter: string;
}

/** The CA's revocation list, kept beside the certificates (DynamoDB in AWS and locally). */
export interface RevocationStore {
  /**
   * Records a revocation, unless its serial is recorded already: the first entry wins. Answers the entry as
   * stored (on a repeat, the first one's date and reason).
   */
  recordRevocation(entry: RevocationEntry): Promise<RevocationEntry>;
  /** Every revocation recorded, across accounts, in serial order. */
  listRevocations(): Promise<RevocationEntry[]>;
  /** The next CRL number: strictly greater than every number handed out before (RFC 5280 §5.2.3). */
  nextCrlNumber(): Promise<bigint>;
  /**
   * Takes the lease to publish the CRL for `holder` until `until`, if nobody holds it or its holder's lease
   * has lapsed by `now`. Answers whether this call took it.
   */
  acquirePublishLease(holder: string, now: Date, until: Date): Promise<boolean>;
  /** Gives the lease back, if `holder` still holds it. */
  releasePublishLease(holder: string): Promise<void>;
}

/** Where the signed CRL is published: an S3 object in AWS, a file the local server serves. */
export interface CrlPublisher {
  publish(crlDer: Uint8Array): Promise<void>;
}

/**
 * Asks for the CRL to be regenerated soon, after a revocation: in AWS an asynchronous invoke of the CRL
 * function (the API may not sign), locally a call in the same process. Resolves once the request is handed
 * over, not when the CRL is published.
 */
export interface CrlRefresh {
  request(): Promise<void>;
}

/** The CA key. In AWS a KMS SIGN_VERIFY key; locally a key file. The private key never leaves it. */
export interface CaSigner {
  readonly algorithm: CaKeyAlgorithm;
  /** SubjectPublicKeyInfo, DER. */
  publicKeySpki(): Promise<Uint8Array>;
  /**
   * Signs `message` (the DER to-be-signed bytes): RSASSA-PKCS1-v1_5 with SHA-256 for RSA keys, ECDSA with
   * SHA-256 (P-256) or SHA-384 (P-384). ECDSA signatures are returned DER-encoded, as KMS returns them.
   */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Where the issuing CA certificate (and any chain above it) lives. */
export interface IssuerSource {
  current(): Promise<{ certificatePem: string; chainPem: string[] }>;
}

/** Envelope encryption of leaf private keys, bound to a context (the certificate ARN). */
export interface KeyVault {
  seal(plaintext: Uint8Array, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<Uint8Array>;
}

/** A keyed MAC over the deployment secret; the secret itself stays inside the adapter. */
export interface SecretMac {
  mac(purpose: string, data: string): Promise<Uint8Array>;
}

export type DnsOutcome = 'FOUND' | 'NXDOMAIN' | 'NODATA' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT' | 'ERROR';

export interface DnsLookup {
  outcome: DnsOutcome;
  /**
   * Record data when FOUND: CNAME targets (without trailing dot), TXT strings (chunks joined), or CAA
   * records in presentation form (`0 issue "certwright"`).
   */
  values: string[];
  /** The server that answered (host:port), or the servers tried. */
  server: string;
  detail?: string;
  /** CAA answers (resolveCaa) when FOUND, in answer order. */
  caa?: CaaRecord[];
}

/** One CAA resource record (RFC 8659 §4.1). */
export interface CaaRecord {
  /** The flags octet; 128 is the Issuer Critical Flag. */
  flags: number;
  /** The property tag as published (tags match case-insensitively). */
  tag: string;
  value: string;
}

export interface DnsResolver {
  resolveCname(name: string): Promise<DnsLookup>;
  resolveTxt(name: string): Promise<DnsLookup>;
  /** The CAA RRset at `name` by normal resolution: a CNAME at the name is followed. */
  resolveCaa(name: string): Promise<DnsLookup>;
}

/** Writes validation records into DNS zones the deployment manages (Route 53 or the local zones). */
export interface DnsZoneWriter {
  /** True when `name` falls inside a zone this writer may change. */
  manages(name: string): boolean;
  upsertCname(name: string, value: string): Promise<void>;
}

/**
 * Starts the certificate workflow. Callers name executions deterministically (the certificate id), and
 * `start` is idempotent by name: starting a name whose execution is still running does not run it twice,
 * and resolves as if it had started it. In AWS, Step Functions also refuses a name used in the last 90
 * days, finished or not; the AWS adapter swallows that ExecutionAlreadyExists, so a repeat start is a
 * no-op there. The local runner only knows the executions still running and forgets finished ones: a
 * start after a restart (or after the run ended) runs the workflow again, which is how the local stack
 * resumes pending certificates after a crash. The workflow itself stops at once for a certificate that is
 * no longer PENDING_VALIDATION, so a second run of a finished one does nothing harmful; callers still start
 * only certificates that have work to do.
 */
export interface WorkflowStarter {
  start(executionName: string, input: WorkflowInput): Promise<void>;
}

/**
 * A workflow execution's input. `renewal`: a managed renewal's run (see RenewalState). `once`: check the names once and issue if they are proven, else end (a
 * ValidateNow's short run, named `<certificate id>-now-<n>` beside the certificate's own execution).
 */
export interface WorkflowInput {
  certificateArn: string;
  once?: boolean;
  /** A managed renewal's run (`<certificate id>-renewal-<cycle>`): validate again and re-issue. */
  renewal?: boolean;
}

/** ACM's EventBridge detail-types, which Certwright's events carry unchanged. */
export type CertificateEventType =
  | 'ACM Certificate Available'
  | 'ACM Certificate Expired'
  | 'ACM Certificate Approaching Expiration'
  | 'ACM Certificate Renewal Action Required'
  | 'ACM Certificate Revoked';

/** One certificate event, before it gets an envelope (id, source, version) from the publisher. */
export interface CertificateEvent {
  detailType: CertificateEventType;
  /** The certificate's ARN: the event's only resource. */
  certificateArn: string;
  accountId: string;
  region: string;
  /** ISO-8601. */
  time: string;
  /** ACM's detail fields for this detail-type. */
  detail: Record<string, unknown>;
}

/** Sends certificate events: EventBridge in AWS, an append-only JSON-lines log locally. */
export interface EventPublisher {
  /** Publishes every event or throws; a retry may publish some of them twice (at least once, as EventBridge). */
  publish(events: CertificateEvent[]): Promise<void>;
}

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends mail from the deployment's sender address: SES in AWS; SMTP or an outbox directory locally. */
export interface Mailer {
  /** Resolves once the message is accepted for delivery (sent, queued, or written to the outbox). */
  send(message: MailMessage): Promise<{ messageId: string }>;
}

/**
 * A domain's WHOIS contacts, which EMAIL validation may mail besides the five approver addresses (off
 * unless a deployment configures a WHOIS server). Never rejects: any failure (no answer, a timeout, an
 * answer too large or without usable contacts) answers an empty list, because a WHOIS failure must never
 * block validation; the approver addresses are mailed either way.
 */
export interface WhoisLookup {
  /** The registrant, administrative and technical contacts' addresses, lowercase, without duplicates. */
  contacts(domain: string): Promise<string[]>;
}

/** One name for a DomainProbe: its validation record when it validates by DNS. */
export interface DomainProbeName {
  domainName: string;
  resourceRecord?: ResourceRecord;
}

/** What DNS says about one name right now. */
export interface DomainProbeAnswer {
  domainName: string;
  /** Only for a name probed with a resourceRecord. */
  record?: {
    inPlace: boolean;
    /** The record values found at the record's name (the expected one when in place). */
    found: string[];
    /** The dns-proof outcome (CNAME_MATCH, NO_RECORD, NXDOMAIN, RESOLVER_ERROR...). */
    outcome: string;
    detail?: string;
  };
  /** permitted null: the CAA lookup failed, so nothing is known yet. */
  caa: { permitted: boolean | null; message: string };
}

/**
 * The DNS half of a pre-flight check (validation record and CAA lookups), done where DNS lookups are
 * allowed: the API front end may not resolve names, so in AWS this invokes the check-validation function.
 */
export interface DomainProbe {
  probe(names: DomainProbeName[]): Promise<DomainProbeAnswer[]>;
}
