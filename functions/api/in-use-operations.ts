import { associateCertificate, disassociateCertificate } from '../core/certificates/in-use.ts';
import type { ApiServices, Operation } from './api-services.ts';
import { requiredString, type WireInput } from './wire-input.ts';

function inUseDeps(services: ApiServices) {
  return { store: services.store, region: services.settings.region };
}

function inUseMembers(input: WireInput): [certificateArn: string, resourceArn: string] {
  return [
    requiredString(input, 'CertificateArn', 'certificateArn'),
    requiredString(input, 'ResourceArn', 'resourceArn'),
  ];
}

/** Certwright's own operation: `ResourceArn` uses the certificate from now on (InUseBy). */
const associateCertificateOperation: Operation = async (services, accountId, input) => {
  await associateCertificate(inUseDeps(services), accountId, ...inUseMembers(input));
  return {};
};

/** Certwright's own operation: `ResourceArn` no longer uses the certificate. */
const disassociateCertificateOperation: Operation = async (services, accountId, input) => {
  await disassociateCertificate(inUseDeps(services), accountId, ...inUseMembers(input));
  return {};
};

/** Certwright's own operations recording which resources use a certificate, by X-Amz-Target name. */
export const IN_USE_OPERATIONS: Record<string, Operation> = {
  AssociateCertificate: associateCertificateOperation,
  DisassociateCertificate: disassociateCertificateOperation,
};
