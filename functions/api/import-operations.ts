import { importCertificate } from '../core/imports/import-certificate.ts';
import { checkTags } from '../core/tags.ts';
import type { Operation } from './api-services.ts';
import { optionalBlob, optionalString, requiredBlob } from './wire-input.ts';

/** ImportCertificate's blob members and their length bounds in decoded bytes. */
const CERTIFICATE_BYTES = { min: 1, max: 32768 };
const PRIVATE_KEY_BYTES = { min: 1, max: 5120 };
const CHAIN_BYTES = { min: 1, max: 2097152 };

const importCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = await importCertificate(services, accountId, {
    certificate: requiredBlob(input, 'Certificate', 'certificate', CERTIFICATE_BYTES),
    privateKey: requiredBlob(input, 'PrivateKey', 'privateKey', PRIVATE_KEY_BYTES),
    certificateChain: optionalBlob(input, 'CertificateChain', 'certificateChain', CHAIN_BYTES),
    certificateArn: optionalString(input, 'CertificateArn'),
    tags: input.Tags === undefined || input.Tags === null ? undefined : checkTags(input.Tags),
  });
  return { CertificateArn: arn };
};

/** ImportCertificate, by X-Amz-Target name. */
export const IMPORT_OPERATIONS: Record<string, Operation> = {
  ImportCertificate: importCertificateOperation,
};
