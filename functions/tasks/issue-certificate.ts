import middy from '@middy/core';
import {
  type IssueCertificateDeps,
  issueCertificate,
  renewIssuedCertificate,
} from '../core/issuance/issue-certificate.ts';
import { type CertificateTaskEvent, eventCycle } from './task-event.ts';

export function createIssueCertificateHandler(deps: IssueCertificateDeps) {
  return middy(async (event: CertificateTaskEvent) => {
    if (event.renewal !== true) return issueCertificate(deps, event.certificateArn);
    const cycle = eventCycle(event);
    return cycle === undefined
      ? { outcome: 'STOPPED' }
      : renewIssuedCertificate(deps, event.certificateArn, cycle);
  });
}
