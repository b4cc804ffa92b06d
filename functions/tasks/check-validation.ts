import middy from '@middy/core';
import { type CheckValidationDeps, checkValidation } from '../core/validation/check-validation.ts';
import type { CertificateTaskEvent } from './task-event.ts';

export function createCheckValidationHandler(deps: CheckValidationDeps) {
  return middy(async (event: CertificateTaskEvent) =>
    checkValidation(deps, event.certificateArn, event.attempt ?? 0, { once: event.once === true }),
  );
}
