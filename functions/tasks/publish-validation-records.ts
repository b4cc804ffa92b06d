import middy from '@middy/core';
import {
  type PublishValidationDeps,
  publishValidationRecords,
} from '../core/validation/publish-validation-records.ts';
import type { CertificateTaskEvent } from './task-event.ts';

export function createPublishValidationRecordsHandler(deps: PublishValidationDeps) {
  return middy(async (event: CertificateTaskEvent) => {
    const { published, mailed } = await publishValidationRecords(deps, event.certificateArn);
    return { attempt: 0, published, mailed };
  });
}
