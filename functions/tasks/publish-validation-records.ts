import middy from '@middy/core';
import type { CertificateStore, DnsZoneWriter } from '../core/ports.ts';
import { publishValidationRecords } from '../core/validation/publish-validation-records.ts';
import type { CertificateTaskEvent } from './task-event.ts';

export function createPublishValidationRecordsHandler(deps: {
  store: CertificateStore;
  zoneWriter: DnsZoneWriter;
}) {
  return middy(async (event: CertificateTaskEvent) => {
    const published = await publishValidationRecords(deps, event.certificateArn);
    return { attempt: 0, published };
  });
}
