import { ResourceNotFoundError, ValidationError } from '../errors.ts';
import type { CertificateOptions } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';
import { updateCertificate } from './update-certificate.ts';

/**
 * Changes the caller's certificate's options. The certificate transparency logging preference may change in
 * any status; Export is fixed when the certificate is requested, so naming the value it already has is
 * accepted and any other value is refused (ValidationException), changing nothing.
 */
export async function updateCertificateOptions(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
  options: Partial<CertificateOptions>,
): Promise<void> {
  const certificate = await findCertificate(deps, accountId, arn);
  const saved = await updateCertificate(deps.store, accountId, certificate.id, (current) => {
    if (options.export !== undefined && options.export !== current.options.export) {
      throw new ValidationError(
        `The Export option of certificate ${arn} is ${current.options.export} and cannot be changed after the certificate is requested.`,
      );
    }
    const preference = options.certificateTransparencyLoggingPreference;
    if (preference === undefined || preference === current.options.certificateTransparencyLoggingPreference) {
      return undefined;
    }
    return {
      ...current,
      options: { ...current.options, certificateTransparencyLoggingPreference: preference },
    };
  });
  if (!saved) throw new ResourceNotFoundError(`Could not find certificate ${arn}.`);
}
