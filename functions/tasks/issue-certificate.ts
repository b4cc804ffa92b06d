import middy from '@middy/core';
import { type IssueCertificateDeps, issueCertificate } from '../core/issuance/issue-certificate.ts';
import type { CertificateTaskEvent } from './task-event.ts';

export function createIssueCertificateHandler(deps: IssueCertificateDeps) {
  return middy(async (event: CertificateTaskEvent) => issueCertificate(deps, event.certificateArn));
}
