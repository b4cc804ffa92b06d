import type { Operation } from './api-services.ts';

/** ExportCertificate and RenewCertificate, by X-Amz-Target name. */
export const EXPORT_OPERATIONS: Record<string, Operation> = {};
