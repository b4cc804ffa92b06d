import {
  type RenewalEligibility,
  type RenewalEligibilityPolicy,
  renewalEligibility,
} from '../certificates/renewal-eligibility.ts';
import { keyPairOrigin } from '../events/certificate-events.ts';
import type { CertificateKeyPairOrigin } from '../listing/key-pair-origins.ts';
import type { CertificateRecord, CertificateStatus, CertificateType, RenewalStatus } from '../model.ts';

/** ACM's AcmCertificateMetadata: what SearchCertificates knows of a certificate besides its body. */
export interface CertificateMetadata {
  status: CertificateStatus;
  renewalStatus?: RenewalStatus;
  type: CertificateType;
  inUse: boolean;
  exported: boolean;
  /** Requested certificates only: an import has no Export option. */
  exportOption?: 'ENABLED' | 'DISABLED';
  /** Never set: Certwright has no CloudFront. */
  managedBy?: 'CLOUDFRONT';
  /** Requested certificates only. */
  validationMethod?: 'DNS' | 'EMAIL';
  certificateKeyPairOrigin: CertificateKeyPairOrigin;
  /** Never set: Certwright has no ACME server. */
  acmeEndpointArn?: string;
  acmeAccountId?: string;
  createdAt: string;
  issuedAt?: string;
  importedAt?: string;
  revokedAt?: string;
  renewalEligibility: RenewalEligibility;
}

/** The metadata of one certificate; its eligibility under the deployment's renewal policy. */
export function certificateMetadata(
  certificate: CertificateRecord,
  policy: RenewalEligibilityPolicy,
): CertificateMetadata {
  const requested = certificate.type === 'AMAZON_ISSUED';
  return {
    status: certificate.status,
    renewalStatus: certificate.renewal?.status,
    type: certificate.type,
    inUse: certificate.inUseBy.length > 0,
    exported: certificate.exported !== undefined,
    exportOption: requested ? certificate.options.export : undefined,
    validationMethod: requested ? certificate.domainValidations[0]?.validationMethod : undefined,
    certificateKeyPairOrigin: keyPairOrigin(certificate),
    createdAt: certificate.createdAt,
    issuedAt: requested ? certificate.issued?.issuedAt : undefined,
    importedAt: requested ? undefined : certificate.importedAt,
    revokedAt: certificate.revocation?.revokedAt,
    renewalEligibility: renewalEligibility(certificate, policy),
  };
}
