/**
 * The CA bootstrap custom resource, answered by the issuance function (the CA: the only one that may sign
 * with the CA key) as the `onEvent` handler of the CDK Provider framework. Create and Update make the CA
 * certificate unless one is stored (re-deploys keep it); Delete does nothing (the CA stays with the table).
 * The issuance function's workflow task events pass through unchanged: the two are told apart by shape.
 */
import { X509Certificate } from 'node:crypto';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { type BootstrapCaInput, bootstrapCa } from '../core/issuance/bootstrap-ca.ts';

/** The one CA of a deployment: its physical id never changes, so CloudFormation never replaces it. */
export const CA_RESOURCE_PHYSICAL_ID = 'certwright-ca';

export type CaBootstrapDeps = Omit<BootstrapCaInput, 'subject' | 'validityYears'>;

/** What the Provider framework passes back to CloudFormation (Data must stay well under 4 KB). */
export interface CustomResourceResponse {
  PhysicalResourceId: string;
  Data?: { SerialNumber: string; Fingerprint: string; Created: string };
}

/** A CloudFormation custom-resource event, as the Provider framework hands it to `onEvent`. */
export function isCustomResourceEvent(event: unknown): event is CloudFormationCustomResourceEvent {
  if (typeof event !== 'object' || event === null) return false;
  const { RequestType, ServiceToken, ResourceProperties } = event as Record<string, unknown>;
  return (
    (RequestType === 'Create' || RequestType === 'Update' || RequestType === 'Delete') &&
    (typeof ServiceToken === 'string' ||
      (typeof ResourceProperties === 'object' && ResourceProperties !== null))
  );
}

export function createCaBootstrapResourceHandler(deps: CaBootstrapDeps) {
  return async (event: CloudFormationCustomResourceEvent): Promise<CustomResourceResponse> => {
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
    const properties = event.ResourceProperties as Record<string, unknown>;
    const ca = await bootstrapCa({
      ...deps,
      subject: caSubject(properties.CaSubject),
      validityYears: caValidityYears(properties.CaValidityYears),
    });
    const certificate = new X509Certificate(ca.certificatePem);
    return {
      PhysicalResourceId: CA_RESOURCE_PHYSICAL_ID,
      Data: {
        SerialNumber: certificate.serialNumber.toLowerCase(),
        Fingerprint: certificate.fingerprint256,
        Created: String(ca.created),
      },
    };
  };
}

type Handler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/** One handler for both: custom-resource events to the bootstrap, everything else to the task handler. */
export function withCaBootstrap<TEvent, TResult>(
  task: Handler<TEvent, TResult>,
  bootstrap: (event: CloudFormationCustomResourceEvent) => Promise<CustomResourceResponse>,
): Handler<TEvent | CloudFormationCustomResourceEvent, TResult | CustomResourceResponse> {
  return (event, context) =>
    isCustomResourceEvent(event) ? bootstrap(event) : task(event as TEvent, context);
}

function caSubject(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(
      `the custom resource property CaSubject must be a distinguished name, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** CloudFormation passes every property as a string. */
function caValidityYears(value: unknown): number {
  const years =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(years)) {
    throw new Error(
      `the custom resource property CaValidityYears must be a whole number of years, got ${JSON.stringify(value)}`,
    );
  }
  return years;
}
