import middy from '@middy/core';
import { CaCertificateNotInstalledError } from '../core/errors.ts';
import { type PublishCrlDeps, type PublishedCrl, publishCrl } from '../core/revocation/publish-crl.ts';

export type PublishCrlResult =
  | PublishedCrl
  | { skipped: 'CA_CERTIFICATE_NOT_INSTALLED' }
  | { skipped: 'ANOTHER_PUBLISH_UNDER_WAY' };

/**
 * The CRL function's handler: the schedule rule's event, or the API's refresh request after a revocation.
 * Neither carries anything the run needs: every run publishes the whole CRL as of now. An intermediate CA
 * still waiting for its certificate has issued nothing, so there is nothing to publish yet.
 */
export function createPublishCrlHandler(deps: PublishCrlDeps) {
  return middy(async (_event: unknown): Promise<PublishCrlResult> => {
    try {
      // Another run holds the lease: it publishes again after it, if anything was revoked meanwhile.
      return (await publishCrl(deps)) ?? { skipped: 'ANOTHER_PUBLISH_UNDER_WAY' };
    } catch (error) {
      if (error instanceof CaCertificateNotInstalledError) return { skipped: 'CA_CERTIFICATE_NOT_INSTALLED' };
      throw error;
    }
  });
}
