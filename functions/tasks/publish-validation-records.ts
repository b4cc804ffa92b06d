import middy from '@middy/core';
import { publishRenewalValidation } from '../core/validation/publish-renewal-validation.ts';
import {
  type PublishValidationDeps,
  publishValidationRecords,
} from '../core/validation/publish-validation-records.ts';
import type { CertificateTaskEvent } from './task-event.ts';

export function createPublishValidationRecordsHandler(deps: PublishValidationDeps) {
  return middy(async (event: CertificateTaskEvent) => {
    if (event.renewal === true) {
      const { published, mailed, cycle } = await publishRenewalValidation(deps, event.certificateArn);
      return { attempt: 0, cycle, published, mailed };
    }
    const { published, mailed } = await publishValidationRecords(deps, event.certificateArn);
    return { attempt: 0, published, mailed };
  });
}
