import { parseCertificateArn } from '../core/arn.ts';
import { renewCertificate } from '../core/certificates/renew-certificate.ts';
import { exportCertificate } from '../core/export/export-certificate.ts';
import type { Operation } from './api-services.ts';
import { requiredBlob, requiredString } from './wire-input.ts';

const exportCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  parseCertificateArn(arn);
  const passphrase = requiredBlob(input, 'Passphrase', 'passphrase', { min: 4, max: 128 });
  try {
    const exported = await exportCertificate(
      {
        store: services.store,
        region: services.settings.region,
        vault: services.vault,
        clock: services.clock,
      },
      accountId,
      arn,
      passphrase,
    );
    return {
      Certificate: exported.certificatePem,
      CertificateChain: exported.chainPem || undefined,
      PrivateKey: exported.encryptedPrivateKeyPem,
    };
  } finally {
    passphrase.fill(0);
  }
};

const renewCertificateOperation: Operation = async (services, accountId, input) => {
  await renewCertificate(
    {
      store: services.store,
      workflow: services.workflow,
      region: services.settings.region,
      clock: services.clock,
      renewal: services.settings.renewal,
    },
    accountId,
    requiredString(input, 'CertificateArn', 'certificateArn'),
  );
  return {};
};

/** ExportCertificate and RenewCertificate, by X-Amz-Target name. */
export const EXPORT_OPERATIONS: Record<string, Operation> = {
  ExportCertificate: exportCertificateOperation,
  RenewCertificate: renewCertificateOperation,
};
