import type { Operation } from './api-services.ts';

/** ImportCertificate, by X-Amz-Target name. */
export const IMPORT_OPERATIONS: Record<string, Operation> = {};
