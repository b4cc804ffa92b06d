import { resendValidationEmail } from '../core/approvals/resend-validation-email.ts';
import { parseCertificateArn } from '../core/arn.ts';
import {
  DAYS_BEFORE_EXPIRY,
  getAccountConfiguration,
  putAccountConfiguration,
} from '../core/certificates/account-configuration.ts';
import { addTagsToCertificate } from '../core/certificates/add-tags-to-certificate.ts';
import { deleteCertificate } from '../core/certificates/delete-certificate.ts';
import { findCertificate } from '../core/certificates/find-certificate.ts';
import { getCertificatePem } from '../core/certificates/get-certificate.ts';
import { listTagsForCertificate } from '../core/certificates/list-tags-for-certificate.ts';
import { removeTagsFromCertificate } from '../core/certificates/remove-tags-from-certificate.ts';
import {
  type DomainValidationOption,
  requestCertificate,
  type ValidationMethod,
} from '../core/certificates/request-certificate.ts';
import { updateCertificateOptions } from '../core/certificates/update-certificate-options.ts';
import { validateNow } from '../core/certificates/validate-now.ts';
import { constraintViolation } from '../core/constraint-violation.ts';
import { REQUESTABLE_KEY_ALGORITHMS } from '../core/model.ts';
import { checkDomains, type DomainsCheckResult } from '../core/preflight/check-domains.ts';
import { checkIdempotencyToken, checkTags, checkTagsToRemove } from '../core/tags.ts';
import { WireError } from './acm-errors.ts';
import type { ApiServices, Operation } from './api-services.ts';
import { certificateDetail } from './certificate-shapes.ts';
import { DOMAIN_VALIDATION_OPERATIONS } from './domain-validation-operations.ts';
import { EXPORT_OPERATIONS } from './export-operations.ts';
import { IMPORT_OPERATIONS } from './import-operations.ts';
import { IN_USE_OPERATIONS } from './in-use-operations.ts';
import { LISTING_OPERATIONS } from './listing-operations.ts';
import { RESOURCE_TAG_OPERATIONS } from './resource-tag-operations.ts';
import { REVOCATION_OPERATIONS } from './revocation-operations.ts';
import {
  optionalEnum,
  optionalInteger,
  optionalList,
  optionalObject,
  optionalString,
  optionalStringList,
  requiredString,
  type WireInput,
} from './wire-input.ts';

const ENABLED_DISABLED = ['ENABLED', 'DISABLED'] as const;
const VALIDATION_METHODS: readonly ValidationMethod[] = ['DNS', 'EMAIL', 'HTTP'];

function storeDeps(services: ApiServices) {
  return { store: services.store, region: services.settings.region };
}

const requestCertificateOperation: Operation = async (services, accountId, input) => {
  const domainName = requiredString(input, 'DomainName', 'domainName');
  const validationMethod = optionalEnum(input, 'ValidationMethod', 'validationMethod', VALIDATION_METHODS);
  const token = optionalString(input, 'IdempotencyToken');
  if (token !== undefined) checkIdempotencyToken(token);
  const options = optionalObject(input, 'Options') ?? {};
  const arn = await requestCertificate(services, accountId, {
    domainName,
    subjectAlternativeNames: optionalStringList(input, 'SubjectAlternativeNames'),
    validationMethod,
    certificateAuthorityArn: optionalString(input, 'CertificateAuthorityArn'),
    keyAlgorithm: optionalEnum(input, 'KeyAlgorithm', 'keyAlgorithm', REQUESTABLE_KEY_ALGORITHMS),
    domainValidationOptions: domainValidationOptions(optionalList(input, 'DomainValidationOptions')),
    idempotencyToken: token,
    tags: input.Tags === undefined || input.Tags === null ? undefined : checkTags(input.Tags),
    options: certificateOptions(options),
  });
  return { CertificateArn: arn };
};

/** ACM's CertificateOptions structure, each member optional. */
function certificateOptions(options: Record<string, unknown>) {
  return {
    certificateTransparencyLoggingPreference: optionalEnum(
      options,
      'CertificateTransparencyLoggingPreference',
      'options.certificateTransparencyLoggingPreference',
      ENABLED_DISABLED,
    ),
    export: optionalEnum(options, 'Export', 'options.export', ENABLED_DISABLED),
  };
}

function domainValidationOptions(options: unknown[] | undefined): DomainValidationOption[] | undefined {
  return options?.map((option, index) => {
    if (typeof option !== 'object' || option === null || Array.isArray(option)) {
      throw new WireError(
        'SerializationException',
        'Member DomainValidationOptions must be a list of structures.',
      );
    }
    const field = `domainValidationOptions.${index + 1}.member`;
    return {
      domainName: requiredString(option as WireInput, 'DomainName', `${field}.domainName`),
      validationDomain: requiredString(option as WireInput, 'ValidationDomain', `${field}.validationDomain`),
    };
  });
}

const describeCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  const certificate = await findCertificate(storeDeps(services), accountId, arn);
  return { Certificate: certificateDetail(certificate, services.settings.renewal) };
};

const getCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  const pem = await getCertificatePem(storeDeps(services), accountId, arn);
  // An import without a chain has none to return: the member is left out, as ACM does.
  return { Certificate: pem.certificatePem, CertificateChain: pem.chainPem || undefined };
};

const deleteCertificateOperation: Operation = async (services, accountId, input) => {
  await deleteCertificate(
    storeDeps(services),
    accountId,
    requiredString(input, 'CertificateArn', 'certificateArn'),
  );
  return {};
};

const resendValidationEmailOperation: Operation = async (services, accountId, input) => {
  await resendValidationEmail(
    {
      store: services.store,
      mailer: services.mailer,
      clock: services.clock,
      random: services.random,
      approvalBaseUrl: services.settings.approvalBaseUrl,
      region: services.settings.region,
    },
    accountId,
    {
      certificateArn: requiredString(input, 'CertificateArn', 'certificateArn'),
      domain: requiredString(input, 'Domain', 'domain'),
      validationDomain: requiredString(input, 'ValidationDomain', 'validationDomain'),
    },
  );
  return {};
};

const addTagsToCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  parseCertificateArn(arn);
  await addTagsToCertificate(storeDeps(services), accountId, arn, checkTags(input.Tags));
  return {};
};

const removeTagsFromCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  parseCertificateArn(arn);
  await removeTagsFromCertificate(storeDeps(services), accountId, arn, checkTagsToRemove(input.Tags));
  return {};
};

const listTagsForCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  return { Tags: await listTagsForCertificate(storeDeps(services), accountId, arn) };
};

const getAccountConfigurationOperation: Operation = async (services, accountId) => {
  const configuration = await getAccountConfiguration(services.store, accountId);
  return { ExpiryEvents: { DaysBeforeExpiry: configuration.expiryEvents.daysBeforeExpiry } };
};

const putAccountConfigurationOperation: Operation = async (services, accountId, input) => {
  const idempotencyToken = checkIdempotencyToken(input.IdempotencyToken);
  const expiryEvents = optionalObject(input, 'ExpiryEvents');
  const daysBeforeExpiry =
    expiryEvents &&
    optionalInteger(expiryEvents, 'DaysBeforeExpiry', 'expiryEvents.daysBeforeExpiry', DAYS_BEFORE_EXPIRY);
  await putAccountConfiguration(services, accountId, { idempotencyToken, daysBeforeExpiry });
  return {};
};

const updateCertificateOptionsOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  const options = optionalObject(input, 'Options');
  if (options === undefined) throw constraintViolation(null, 'options', 'Member must not be null');
  await updateCertificateOptions(storeDeps(services), accountId, arn, certificateOptions(options));
  return {};
};

/** Certwright's own operation: check a pending certificate's names now instead of at the next poll. */
const validateNowOperation: Operation = async (services, accountId, input) => {
  await validateNow(
    { ...storeDeps(services), workflow: services.workflow, clock: services.clock },
    accountId,
    requiredString(input, 'CertificateArn', 'certificateArn'),
  );
  return {};
};

const CHECK_METHODS = ['DNS', 'EMAIL'] as const;

/** Certwright's own operation: how each name would fare if it were requested now. Writes nothing. */
const checkDomainsOperation: Operation = async (services, accountId, input) => {
  const domainNames = optionalStringList(input, 'DomainNames');
  if (domainNames === undefined) throw constraintViolation(null, 'domainNames', 'Member must not be null');
  const result = await checkDomains(services, accountId, {
    domainNames,
    validationMethod: optionalEnum(input, 'ValidationMethod', 'validationMethod', CHECK_METHODS),
    domainValidationOptions: domainValidationOptions(optionalList(input, 'DomainValidationOptions')),
  });
  return domainsCheckShape(result);
};

function domainsCheckShape(result: DomainsCheckResult): object {
  return {
    Domains: result.domains.map((domain) => ({
      DomainName: domain.domainName,
      ValidationMethod: domain.validationMethod,
      ResourceRecord: domain.resourceRecord,
      RecordInPlace: domain.recordInPlace,
      RecordFound: domain.recordFound,
      Caa: { Permitted: domain.caa.permitted, Message: domain.caa.message },
      Policy: {
        Allowed: domain.policy.allowed,
        Reason: domain.policy.reason,
        Message: domain.policy.message,
      },
      SharesRecordWith: domain.sharesRecordWith,
      Note: domain.note,
      ValidationEmails: domain.validationEmails,
    })),
    Quota: {
      CertificatesHeld: result.quota.certificatesHeld,
      CertificatesLimit: result.quota.certificatesLimit,
      RequestsLastYear: result.quota.requestsLastYear,
      RequestsLimit: result.quota.requestsLimit,
    },
    WouldValidateNow: result.wouldValidateNow,
  };
}

/** Operations by X-Amz-Target name (the part after `CertificateManager.`). */
export type { ApiServices } from './api-services.ts';

export const OPERATIONS: Record<string, Operation> = {
  RequestCertificate: requestCertificateOperation,
  DescribeCertificate: describeCertificateOperation,
  GetCertificate: getCertificateOperation,
  DeleteCertificate: deleteCertificateOperation,
  ResendValidationEmail: resendValidationEmailOperation,
  AddTagsToCertificate: addTagsToCertificateOperation,
  RemoveTagsFromCertificate: removeTagsFromCertificateOperation,
  ListTagsForCertificate: listTagsForCertificateOperation,
  GetAccountConfiguration: getAccountConfigurationOperation,
  PutAccountConfiguration: putAccountConfigurationOperation,
  UpdateCertificateOptions: updateCertificateOptionsOperation,
  ValidateNow: validateNowOperation,
  CheckDomains: checkDomainsOperation,
  ...IMPORT_OPERATIONS,
  ...EXPORT_OPERATIONS,
  ...REVOCATION_OPERATIONS,
  ...LISTING_OPERATIONS,
  ...DOMAIN_VALIDATION_OPERATIONS,
  ...RESOURCE_TAG_OPERATIONS,
  ...IN_USE_OPERATIONS,
};
