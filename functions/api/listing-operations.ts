import type { Operation } from './api-services.ts';

/** SearchCertificates, by X-Amz-Target name. */
export const LISTING_OPERATIONS: Record<string, Operation> = {};
