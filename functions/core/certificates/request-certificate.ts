import { approverAddresses } from '../approvals/approver-addresses.ts';
import { certificateArn, parseCertificateArn } from '../arn.ts';
import { checkDomainName, collectCertificateNames } from '../domain-names.ts';
import { InvalidDomainValidationOptionsError, InvalidParameterError, LimitExceededError } from '../errors.ts';
import type {
  CaKeyAlgorithm,
  CertificateOptions,
  CertificateRecord,
  DomainValidation,
  RequestableKeyAlgorithm,
  Tag,
} from '../model.ts';
import { checkAllowedDomains } from '../policy/allowed-domains.ts';
import { createWithinQuota } from '../policy/request-quota.ts';
import type { CertificateStore, Clock, Random, SecretMac, WorkflowStarter } from '../ports.ts';
import type { CertwrightSettings } from '../settings.ts';
import { validationRecordFor } from '../validation/validation-record.ts';
import { signatureAlgorithmName } from './signature-algorithm.ts';

export interface RequestCertificateDeps {
  store: CertificateStore;
  workflow: WorkflowStarter;
  clock: Clock;
  random: Random;
  mac: SecretMac;
  settings: CertwrightSettings;
  caAlgorithm: CaKeyAlgorithm;
  /** How DescribeCertificate names the issuer (ACM says "Amazon"). */
  issuerName: string;
  /**
   * Real waiting, for a request that finds its idempotency token claimed by another request that has not
   * written the certificate yet. Defaults to setTimeout; tests pass one that does not wait.
   */
  sleep?: (milliseconds: number) => Promise<void>;
}

/** ACM's ValidationMethod values. */
export type ValidationMethod = 'DNS' | 'EMAIL' | 'HTTP';

/** One entry of DomainValidationOptions. */
export interface DomainValidationOption {
  domainName: string;
  validationDomain: string;
}

/**
 * A RequestCertificate as the caller sent it, shape-checked but with ACM's defaults not yet applied:
 * requestCertificate applies them and refuses what this version does not support.
 */
export interface CertificateRequest {
  domainName: string;
  subjectAlternativeNames?: string[];
  /** DNS or EMAIL; omitted means EMAIL, as on ACM's wire. HTTP (CloudFront's) is refused. */
  validationMethod?: ValidationMethod;
  /** Refused whenever present: every certificate is signed by this deployment's CA. */
  certificateAuthorityArn?: string;
  /** RSA_2048 when omitted. */
  keyAlgorithm?: RequestableKeyAlgorithm;
  /** DomainValidationOptions in request order: at most one per certificate name. */
  domainValidationOptions?: readonly DomainValidationOption[];
  idempotencyToken?: string;
  tags?: Tag[];
  /** Each option takes ACM's default when omitted: CT logging ENABLED, export DISABLED. */
  options?: Partial<CertificateOptions>;
}

const DEFAULT_KEY_ALGORITHM: RequestableKeyAlgorithm = 'RSA_2048';
const DEFAULT_OPTIONS: CertificateOptions = {
  certificateTransparencyLoggingPreference: 'ENABLED',
  export: 'DISABLED',
};

const IDEMPOTENCY_WINDOW_SECONDS = 60 * 60;
/** How long a repeat request waits for the request that claimed its token to write the certificate. */
const CLAIMER_WAIT_MS = 2000;
const CLAIMER_POLL_MS = 200;

/** ACM's default when a request names no ValidationMethod. */
const DEFAULT_VALIDATION_METHOD = 'EMAIL';

/** The refusal of HTTP validation, which ACM offers only for certificates CloudFront manages. */
export function unsupportedValidationMethod(method: ValidationMethod): InvalidParameterError {
  return new InvalidParameterError(
    `ValidationMethod ${method} is not supported; request the certificate with ValidationMethod DNS or EMAIL.`,
  );
}

/**
 * Records a certificate request and starts its workflow. The answer never waits for key generation, DNS or
 * mail: the validation records (DNS) or approver addresses (EMAIL) are derived at once, everything slow
 * happens in the workflow.
 *
 * With an idempotency token, every request in the window converges on one ARN, one record, one workflow.
 * The request that claims the token writes the certificate, starts its workflow, then confirms the claim.
 * A repeat of a confirmed claim gets the ARN and nothing else: not even a certificate deleted since comes
 * back, as ACM keeps answering a token with its ARN. A repeat of an unconfirmed claim waits briefly for the
 * claimer's certificate and finishes the job itself (write if still missing, start, confirm), which heals
 * a claimer that crashed half way; every step is idempotent, so racing the live claimer is harmless.
 *
 * Names outside the deployment's allow list are refused here; the deny list and public suffixes fail the
 * certificate in the workflow's first step, as ACM fails them after accepting the request. The account's
 * quotas (certificates held, requests in the last 365 days) are reserved just before the certificate is
 * written, once per certificate written: a repeat that finds its certificate counts nothing.
 */
export async function requestCertificate(
  deps: RequestCertificateDeps,
  accountId: string,
  request: CertificateRequest,
): Promise<string> {
  checkSupported(request);
  const names = collectCertificateNames(
    request.domainName,
    request.subjectAlternativeNames,
    deps.settings.maxDomainsPerCertificate,
  );
  const validationDomains = checkDomainValidationOptions(names, request.domainValidationOptions ?? []);
  checkAllowedDomains(names, deps.settings.domainPolicy.allowed);
  const now = deps.clock.now();
  const candidate = certificateArn({
    partition: deps.settings.partition,
    region: deps.settings.region,
    accountId,
    certificateId: deps.random.uuid(),
  });
  const create = async (arn: string) => {
    await createWithinQuota(
      deps.store,
      deps.settings.quotas,
      await newCertificate(deps, accountId, arn, names, validationDomains, request, now),
      now,
    );
    await startWorkflow(deps, arn);
  };

  const token = request.idempotencyToken;
  if (token === undefined) {
    await create(candidate);
    return candidate;
  }
  const claim = await deps.store.claimIdempotencyToken(
    accountId,
    token,
    candidate,
    now,
    IDEMPOTENCY_WINDOW_SECONDS,
  );
  if (claim.created) return claim.arn;
  let existing = claim.claimedNow ? undefined : await awaitClaimerCertificate(deps, accountId, claim.arn);
  if (!existing) {
    try {
      await create(claim.arn);
    } catch (error) {
      // A repeat refused a slot may be racing a slow claimer, whose certificate holds the slot it reserved.
      if (claim.claimedNow || !(error instanceof LimitExceededError)) throw error;
      existing = await deps.store.get(accountId, parseCertificateArn(claim.arn).certificateId);
      if (!existing) throw error;
    }
  }
  if (existing?.status === 'PENDING_VALIDATION') await startWorkflow(deps, claim.arn);
  await deps.store.confirmIdempotencyClaim(accountId, token, claim.arn);
  return claim.arn;
}

function checkSupported(request: CertificateRequest): void {
  if (request.validationMethod === 'HTTP') throw unsupportedValidationMethod(request.validationMethod);
  if (request.certificateAuthorityArn !== undefined) {
    throw new InvalidParameterError(
      "CertificateAuthorityArn is not supported: certificates are signed by this deployment's CA.",
    );
  }
}

/** Starts the workflow named after the certificate id (a start of a running execution is a no-op). */
async function startWorkflow(deps: RequestCertificateDeps, arn: string): Promise<void> {
  await deps.workflow.start(parseCertificateArn(arn).certificateId, { certificateArn: arn });
}

/** The certificate the claimer of a token wrote, once it shows up within CLAIMER_WAIT_MS. */
async function awaitClaimerCertificate(
  deps: RequestCertificateDeps,
  accountId: string,
  arn: string,
): Promise<CertificateRecord | undefined> {
  const { certificateId } = parseCertificateArn(arn);
  const sleep = deps.sleep ?? defaultSleep;
  for (let waited = 0; ; waited += CLAIMER_POLL_MS) {
    const certificate = await deps.store.get(accountId, certificateId);
    if (certificate || waited >= CLAIMER_WAIT_MS) return certificate;
    await sleep(CLAIMER_POLL_MS);
  }
}

function defaultSleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function newCertificate(
  deps: RequestCertificateDeps,
  accountId: string,
  arn: string,
  names: string[],
  validationDomains: Record<string, string>,
  request: CertificateRequest,
  now: Date,
): Promise<CertificateRecord> {
  const method = request.validationMethod ?? DEFAULT_VALIDATION_METHOD;
  const domainValidations = await Promise.all(
    names.map(async (name): Promise<DomainValidation> => {
      const given = validationDomains[name];
      const pending = {
        domainName: name,
        validationDomain: given ?? name,
        status: 'PENDING_VALIDATION' as const,
      };
      if (method === 'EMAIL') {
        return { ...pending, validationMethod: 'EMAIL', validationEmails: approverAddresses(name, given) };
      }
      return {
        ...pending,
        validationMethod: 'DNS',
        resourceRecord: await validationRecordFor(deps.mac, accountId, name, deps.settings.validationDomain),
      };
    }),
  );
  return {
    arn,
    accountId,
    id: parseCertificateArn(arn).certificateId,
    region: deps.settings.region,
    domainName: names[0] as string,
    subjectAlternativeNames: names,
    type: 'AMAZON_ISSUED',
    status: 'PENDING_VALIDATION',
    keyAlgorithm: request.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM,
    signatureAlgorithm: signatureAlgorithmName(deps.caAlgorithm),
    issuer: deps.issuerName,
    subject: `CN=${names[0]}`,
    domainValidations,
    options: {
      certificateTransparencyLoggingPreference:
        request.options?.certificateTransparencyLoggingPreference ??
        DEFAULT_OPTIONS.certificateTransparencyLoggingPreference,
      export: request.options?.export ?? DEFAULT_OPTIONS.export,
    },
    tags: request.tags ?? [],
    createdAt: now.toISOString(),
    validationDeadline: new Date(
      now.getTime() + deps.settings.validationTimeoutHours * 3600_000,
    ).toISOString(),
    inUseBy: [],
    version: 0,
  };
}

/**
 * Checks DomainValidationOptions and returns ValidationDomain by certificate name. Both members must be
 * well-formed names (ValidationException, checked for every entry first, as ACM's framework does); each
 * DomainName must be one of the certificate's names, named once; its ValidationDomain must be that name or
 * a superdomain of it.
 */
export function checkDomainValidationOptions(
  names: string[],
  options: readonly DomainValidationOption[],
): Record<string, string> {
  options.forEach(({ domainName, validationDomain }, index) => {
    const field = `domainValidationOptions.${index + 1}.member`;
    checkDomainName(domainName, `${field}.domainName`);
    checkDomainName(validationDomain, `${field}.validationDomain`);
  });
  const checked: Record<string, string> = {};
  for (const { domainName, validationDomain } of options) {
    const name = domainName.toLowerCase();
    const domain = validationDomain.toLowerCase();
    if (!names.includes(name)) {
      throw new InvalidDomainValidationOptionsError(
        `DomainValidationOptions contains ${domainName}, which is not one of the certificate's domain names.`,
      );
    }
    if (Object.hasOwn(checked, name)) {
      throw new InvalidDomainValidationOptionsError(
        `DomainValidationOptions contains ${domainName} more than once.`,
      );
    }
    const bare = name.startsWith('*.') ? name.slice(2) : name;
    if (domain !== name && domain !== bare && !bare.endsWith(`.${domain}`)) {
      throw new InvalidDomainValidationOptionsError(
        `ValidationDomain ${validationDomain} is not ${domainName} or a superdomain of it.`,
      );
    }
    checked[name] = domain;
  }
  return checked;
}
