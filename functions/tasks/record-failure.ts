import middy from '@middy/core';
import { recordFailure } from '../core/certificates/record-failure.ts';
import type { CertificateStore } from '../core/ports.ts';
import type { CertificateTaskEvent } from './task-event.ts';

export function createRecordFailureHandler(deps: { store: CertificateStore }) {
  return middy(async (event: CertificateTaskEvent) => {
    console.error(JSON.stringify({ level: 'error', message: 'Certificate workflow failed', ...event }));
    await recordFailure(deps, event.certificateArn);
    return {};
  });
}
