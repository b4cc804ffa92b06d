import middy from '@middy/core';
import { recordFailure, recordRenewalFailure } from '../core/certificates/record-failure.ts';
import type { CertificateStore, Clock } from '../core/ports.ts';
import { type CertificateTaskEvent, eventCycle } from './task-event.ts';

/** The clock dates a renewal's failure. */
export function createRecordFailureHandler(deps: { store: CertificateStore; clock: Clock }) {
  return middy(async (event: CertificateTaskEvent) => {
    console.error(JSON.stringify({ level: 'error', message: 'Certificate workflow failed', ...event }));
    if (event.renewal === true) {
      await recordRenewalFailure(deps, event.certificateArn, eventCycle(event));
    } else {
      await recordFailure(deps, event.certificateArn);
    }
    return {};
  });
}
