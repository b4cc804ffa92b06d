import type { Operation } from './api-services.ts';

/** RevokeCertificate, by X-Amz-Target name. */
export const REVOCATION_OPERATIONS: Record<string, Operation> = {};
