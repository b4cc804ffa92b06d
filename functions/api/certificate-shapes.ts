import {
  type RenewalEligibilityPolicy,
  renewalEligibility,
} from '../core/certificates/renewal-eligibility.ts';
import { keyPairOrigin } from '../core/events/certificate-events.ts';
import type { CertificateRecord, CertificateStatus, DomainValidation, KeyAlgorithm } from '../core/model.ts';
import { renewalInProgress } from '../core/renewal/start-renewal.ts';
import type { CertificateMetadata } from '../core/search/certificate-metadata.ts';
import type { SearchResult } from '../core/search/search-certificates.ts';
import {
  colonHex,
  type DistinguishedName,
  type GeneralName,
  type X509Attributes,
} from '../core/search/x509-attributes.ts';
import { diagnoseValidation } from '../core/validation/validation-diagnosis.ts';

/** ACM's wire quirk: KeyAlgorithm comes back hyphenated ("RSA-2048") though the enum says RSA_2048. */
export function wireKeyAlgorithm(algorithm: KeyAlgorithm): string {
  return algorithm.replace('_', '-');
}

/** awsJson timestamps are epoch seconds. */
function epochSeconds(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso) / 1000;
}

/**
 * DomainValidation on the wire: the record (DNS) or the approver addresses (EMAIL); never the approval link.
 * ValidationDiagnosis is Certwright's own member (no ACM shape has it), which stock clients skip.
 */
function domainValidationShape(dv: DomainValidation, certificateStatus: CertificateStatus) {
  const diagnosis = validationDiagnosisShape(dv, certificateStatus);
  return {
    DomainName: dv.domainName,
    ValidationDomain: dv.validationDomain,
    ValidationStatus: dv.status,
    ValidationMethod: dv.validationMethod,
    ...(dv.resourceRecord ? { ResourceRecord: dv.resourceRecord } : {}),
    ...(dv.validationMethod === 'EMAIL' ? { ValidationEmails: dv.validationEmails ?? [] } : {}),
    ...(diagnosis ? { ValidationDiagnosis: diagnosis } : {}),
  };
}

function validationDiagnosisShape(dv: DomainValidation, certificateStatus: CertificateStatus) {
  const diagnosis = diagnoseValidation(dv, certificateStatus);
  if (!diagnosis) return undefined;
  return {
    CheckedAt: epochSeconds(diagnosis.checkedAt),
    NextCheckAt: epochSeconds(diagnosis.nextCheckAt),
    Outcome: diagnosis.outcome,
    Message: diagnosis.message,
    Found: diagnosis.found,
    Server: diagnosis.server,
  };
}

/**
 * DomainValidationOptions: a requested certificate's validations; for an import, as ACM shows one, a bare
 * `{DomainName}` per name.
 */
function domainValidationOptions(
  certificate: CertificateRecord,
): Array<Partial<ReturnType<typeof domainValidationShape>> & { DomainName: string }> {
  if (certificate.type === 'IMPORTED')
    return certificate.subjectAlternativeNames.map((name) => ({ DomainName: name }));
  return certificate.domainValidations.map((dv) => domainValidationShape(dv, certificate.status));
}

/**
 * RenewalSummary, once a managed renewal has started: the renewal's own check of each name (the issuance's
 * until the renewal records its own). While the renewal is under way its names are diagnosed as waiting.
 */
function renewalSummary(certificate: CertificateRecord) {
  const { renewal } = certificate;
  if (!renewal) return undefined;
  const validations = renewal.domainValidations ?? certificate.domainValidations;
  const diagnosedAs = renewalInProgress(certificate) ? 'PENDING_VALIDATION' : certificate.status;
  return {
    RenewalStatus: renewal.status,
    DomainValidationOptions: validations.map((dv) => domainValidationShape(dv, diagnosedAs)),
    RenewalStatusReason: renewal.statusReason,
    UpdatedAt: epochSeconds(renewal.updatedAt),
  };
}

/** Options: an import has only the transparency preference (DISABLED), as ACM shows it. */
function optionsShape(certificate: CertificateRecord) {
  const { options } = certificate;
  return certificate.type === 'IMPORTED'
    ? { CertificateTransparencyLoggingPreference: options.certificateTransparencyLoggingPreference }
    : {
        CertificateTransparencyLoggingPreference: options.certificateTransparencyLoggingPreference,
        Export: options.export,
      };
}

/** IssuedAt for a certificate Certwright signed, ImportedAt for an import. */
function issueTimes(certificate: CertificateRecord) {
  return certificate.type === 'IMPORTED'
    ? { ImportedAt: epochSeconds(certificate.importedAt) }
    : { IssuedAt: epochSeconds(certificate.issued?.issuedAt) };
}

/** CertificateDetail, as DescribeCertificate returns it; eligibility under the deployment's renewal policy. */
export function certificateDetail(certificate: CertificateRecord, policy: RenewalEligibilityPolicy) {
  const issued = certificate.issued;
  return {
    CertificateArn: certificate.arn,
    DomainName: certificate.domainName,
    SubjectAlternativeNames: certificate.subjectAlternativeNames,
    DomainValidationOptions: domainValidationOptions(certificate),
    Serial: issued ? colonHex(issued.serialHex) : undefined,
    Subject: certificate.subject,
    Issuer: certificate.issuer,
    CreatedAt: epochSeconds(certificate.createdAt),
    ...issueTimes(certificate),
    Status: certificate.status,
    RevokedAt: epochSeconds(certificate.revocation?.revokedAt),
    RevocationReason: certificate.revocation?.reason,
    FailureReason: certificate.failureReason,
    NotBefore: epochSeconds(issued?.notBefore),
    NotAfter: epochSeconds(issued?.notAfter),
    KeyAlgorithm: wireKeyAlgorithm(certificate.keyAlgorithm),
    SignatureAlgorithm: certificate.signatureAlgorithm,
    InUseBy: certificate.inUseBy,
    Type: certificate.type,
    RenewalSummary: renewalSummary(certificate),
    KeyUsages: (issued?.keyUsages ?? []).map((Name) => ({ Name })),
    ExtendedKeyUsages: (issued?.extendedKeyUsages ?? []).map(({ name, oid }) => ({ Name: name, OID: oid })),
    RenewalEligibility: renewalEligibility(certificate, policy),
    Options: optionsShape(certificate),
    CertificateKeyPairOrigin: keyPairOrigin(certificate),
  };
}

const SUMMARY_NAME_LIMIT = 100;

/**
 * CertificateSummary, as ListCertificates returns it: every member of ACM's shape but ManagedBy, which
 * only CloudFront sets. Eligibility under the deployment's renewal policy.
 */
export function certificateSummary(certificate: CertificateRecord, policy: RenewalEligibilityPolicy) {
  const issued = certificate.issued;
  return {
    CertificateArn: certificate.arn,
    DomainName: certificate.domainName,
    SubjectAlternativeNameSummaries: certificate.subjectAlternativeNames.slice(0, SUMMARY_NAME_LIMIT),
    HasAdditionalSubjectAlternativeNames: certificate.subjectAlternativeNames.length > SUMMARY_NAME_LIMIT,
    Status: certificate.status,
    Type: certificate.type,
    KeyAlgorithm: wireKeyAlgorithm(certificate.keyAlgorithm),
    KeyUsages: issued?.keyUsages ?? [],
    ExtendedKeyUsages: (issued?.extendedKeyUsages ?? []).map(({ name }) => name),
    ExportOption: certificate.type === 'IMPORTED' ? undefined : certificate.options.export,
    InUse: certificate.inUseBy.length > 0,
    Exported: certificate.exported !== undefined,
    RenewalEligibility: renewalEligibility(certificate, policy),
    NotBefore: epochSeconds(issued?.notBefore),
    NotAfter: epochSeconds(issued?.notAfter),
    CreatedAt: epochSeconds(certificate.createdAt),
    ...issueTimes(certificate),
    RevokedAt: epochSeconds(certificate.revocation?.revokedAt),
    CertificateKeyPairOrigin: keyPairOrigin(certificate),
  };
}

/** CertificateSearchResult, as SearchCertificates returns it; X509Attributes only once there is a body. */
export function certificateSearchResult(result: SearchResult) {
  return {
    CertificateArn: result.arn,
    X509Attributes: result.x509 && x509AttributesShape(result.x509),
    CertificateMetadata: { AcmCertificateMetadata: acmCertificateMetadata(result.metadata) },
  };
}

/** KeyAlgorithm in the enum's own spelling: ACM's hyphenated quirk is only known for Describe and List. */
function x509AttributesShape(attributes: X509Attributes) {
  return {
    Issuer: distinguishedNameShape(attributes.issuer),
    Subject: distinguishedNameShape(attributes.subject),
    SubjectAlternativeNames: attributes.subjectAlternativeNames.map(generalNameShape),
    ExtendedKeyUsages: attributes.extendedKeyUsages,
    KeyAlgorithm: attributes.keyAlgorithm,
    KeyUsages: attributes.keyUsages,
    SerialNumber: attributes.serialNumber,
    NotAfter: attributes.notAfter.getTime() / 1000,
    NotBefore: attributes.notBefore.getTime() / 1000,
  };
}

function distinguishedNameShape(name: DistinguishedName) {
  const { customAttributes, ...named } = name;
  return {
    ...pascalCaseKeys(named),
    CustomAttributes: customAttributes?.map(({ objectIdentifier, value }) => ({
      ObjectIdentifier: objectIdentifier,
      Value: value,
    })),
  };
}

function generalNameShape(name: GeneralName) {
  if ('directoryName' in name) return { DirectoryName: distinguishedNameShape(name.directoryName) };
  if ('otherName' in name) {
    return { OtherName: { ObjectIdentifier: name.otherName.objectIdentifier, Value: name.otherName.value } };
  }
  return pascalCaseKeys(name);
}

function acmCertificateMetadata(metadata: CertificateMetadata) {
  const { createdAt, issuedAt, importedAt, revokedAt, ...rest } = metadata;
  return {
    ...pascalCaseKeys(rest),
    CreatedAt: epochSeconds(createdAt),
    IssuedAt: epochSeconds(issuedAt),
    ImportedAt: epochSeconds(importedAt),
    RevokedAt: epochSeconds(revokedAt),
  };
}

/** Core's camelCase members as ACM's PascalCase ones (`commonName` → `CommonName`). */
function pascalCaseKeys(object: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [`${key.charAt(0).toUpperCase()}${key.slice(1)}`, value]),
  );
}
