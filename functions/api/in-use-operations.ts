import type { Operation } from './api-services.ts';

/** Certwright's own operations recording which resources use a certificate, by X-Amz-Target name. */
export const IN_USE_OPERATIONS: Record<string, Operation> = {};
