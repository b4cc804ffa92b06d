import { certificateArn, parseCertificateArn } from '../arn.ts';
import { collectCertificateNames } from '../domain-names.ts';
import { InvalidDomainValidationOptionsError } from '../errors.ts';
import type {
  CaKeyAlgorithm,
  CertificateOptions,
  CertificateRecord,
  DomainValidation,
  RequestableKeyAlgorithm,
  Tag,
} from '../model.ts';
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
}

export interface CertificateRequest {
  domainName: string;
  subjectAlternativeNames?: string[];
  keyAlgorithm: RequestableKeyAlgorithm;
  /** ValidationDomain per DomainName, from DomainValidationOptions. */
  validationDomains: Record<string, string>;
  idempotencyToken?: string;
  tags: Tag[];
  options: CertificateOptions;
}

const IDEMPOTENCY_WINDOW_SECONDS = 60 * 60;

/**
 * Records a DNS-validated certificate request and starts its workflow. The answer never waits for key
 * generation or DNS: the validation records are derived at once, everything slow happens in the workflow.
 * With an idempotency token, every request in the window converges on one ARN, one record, one workflow.
 */
export async function requestCertificate(
  deps: RequestCertificateDeps,
  accountId: string,
  request: CertificateRequest,
): Promise<string> {
  const names = collectCertificateNames(
    request.domainName,
    request.subjectAlternativeNames,
    deps.settings.maxDomainsPerCertificate,
  );
  const validationDomains = checkValidationDomains(names, request.validationDomains);
  const now = deps.clock.now();
  const candidate = certificateArn({
    partition: deps.settings.partition,
    region: deps.settings.region,
    accountId,
    certificateId: deps.random.uuid(),
  });
  const arn = request.idempotencyToken
    ? await deps.store.claimIdempotencyToken(
        accountId,
        request.idempotencyToken,
        candidate,
        now,
        IDEMPOTENCY_WINDOW_SECONDS,
      )
    : candidate;
  const { certificateId } = parseCertificateArn(arn);

  if (!(await deps.store.get(accountId, certificateId))) {
    const domainValidations = await Promise.all(
      names.map(
        async (name): Promise<DomainValidation> => ({
          domainName: name,
          validationDomain: validationDomains[name] ?? name,
          validationMethod: 'DNS',
          status: 'PENDING_VALIDATION',
          resourceRecord: await validationRecordFor(
            deps.mac,
            accountId,
            name,
            deps.settings.validationDomain,
          ),
        }),
      ),
    );
    const certificate: CertificateRecord = {
      arn,
      accountId,
      id: certificateId,
      region: deps.settings.region,
      domainName: names[0] as string,
      subjectAlternativeNames: names,
      type: 'AMAZON_ISSUED',
      status: 'PENDING_VALIDATION',
      keyAlgorithm: request.keyAlgorithm,
      signatureAlgorithm: signatureAlgorithmName(deps.caAlgorithm),
      issuer: deps.issuerName,
      subject: `CN=${names[0]}`,
      domainValidations,
      options: request.options,
      tags: request.tags,
      createdAt: now.toISOString(),
      validationDeadline: new Date(
        now.getTime() + deps.settings.validationTimeoutHours * 3600_000,
      ).toISOString(),
      inUseBy: [],
      version: 0,
    };
    await deps.store.create(certificate);
  }
  await deps.workflow.start(certificateId, { certificateArn: arn });
  return arn;
}

/** A ValidationDomain must name one of the certificate's domains and be that domain or a superdomain of it. */
function checkValidationDomains(names: string[], requested: Record<string, string>): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [domainName, validationDomain] of Object.entries(requested)) {
    const name = domainName.toLowerCase();
    const domain = validationDomain.toLowerCase();
    if (!names.includes(name)) {
      throw new InvalidDomainValidationOptionsError(
        `DomainValidationOptions contains ${domainName}, which is not one of the certificate's domain names.`,
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
