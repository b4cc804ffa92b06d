/**
 * The CA bootstrap custom resource, answered by the issuance function (the CA: the only one that may sign
 * with the CA key) as the `onEvent` handler of the CDK Provider framework. Create and Update bootstrap the
 * CA unless one is installed (re-deploys keep it); Delete does nothing (the CA stays with the table).
 * The issuance function's workflow task events pass through unchanged: the two are told apart by shape.
 *
 * Properties (strings, as CloudFormation passes them): `CaSubject`; `CaMode` `ROOT` (the default: a
 * self-signed root, valid `CaValidityYears`) or `INTERMEDIATE` (a CSR until `CaCertificatePem`, the
 * certificate the operator's root signed, and `CaChainPem`, the certificates above it up to the root, are
 * given and installed).
 */
import { X509Certificate } from 'node:crypto';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { type BootstrapCaInput, bootstrapCa } from '../core/issuance/bootstrap-ca.ts';
import {
  type BootstrapIntermediateCaInput,
  bootstrapIntermediateCa,
} from '../core/issuance/bootstrap-intermediate-ca.ts';

/** The one CA of a deployment: its physical id never changes, so CloudFormation never replaces it. */
export const CA_RESOURCE_PHYSICAL_ID = 'certwright-ca';

export type CaBootstrapDeps = Omit<BootstrapCaInput, 'subject' | 'validityYears' | 'store'> &
  Pick<BootstrapIntermediateCaInput, 'store'>;

/** Placeholder for a Data value that does not apply (CloudFormation outputs need every key, non-empty). */
export const NOT_APPLICABLE = '-';

/**
 * The resource's attributes. The keys are the same in every answer, since stack outputs reference them:
 * `CaStatus` ACTIVE (a CA certificate is installed: its `Fingerprint`, `SerialNumber`) or
 * PENDING_CERTIFICATE (the `Csr` to have signed by the root); `Created` is `true` when this call installed
 * the CA certificate.
 */
export interface CaResourceData {
  CaStatus: 'ACTIVE' | 'PENDING_CERTIFICATE';
  Csr: string;
  Fingerprint: string;
  SerialNumber: string;
  Created: string;
}

/** What the Provider framework passes back to CloudFormation (Data must stay well under 4 KB). */
export interface CustomResourceResponse {
  PhysicalResourceId: string;
  Data?: CaResourceData;
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
    const subject = caSubject(properties.CaSubject);
    const certificatePem = optionalPem(properties, 'CaCertificatePem');
    const chainPem = optionalPem(properties, 'CaChainPem');

    if (caMode(properties.CaMode) === 'ROOT') {
      if (certificatePem !== undefined || chainPem !== undefined) {
        throw new Error(
          'the custom resource properties CaCertificatePem and CaChainPem are for CaMode INTERMEDIATE only',
        );
      }
      const ca = await bootstrapCa({
        ...deps,
        subject,
        validityYears: caValidityYears(properties.CaValidityYears),
      });
      return { PhysicalResourceId: CA_RESOURCE_PHYSICAL_ID, Data: activeData(ca.certificatePem, ca.created) };
    }

    if (chainPem !== undefined && certificatePem === undefined) {
      throw new Error('the custom resource property CaChainPem was given without CaCertificatePem');
    }
    if (certificatePem !== undefined && chainPem === undefined) {
      throw new Error(
        'the custom resource property CaCertificatePem needs CaChainPem: the certificates above it, ' +
          'its issuer first, up to and including the root',
      );
    }
    const ca = await bootstrapIntermediateCa({ ...deps, subject, certificatePem, chainPem });
    return {
      PhysicalResourceId: CA_RESOURCE_PHYSICAL_ID,
      Data:
        ca.status === 'ACTIVE'
          ? activeData(ca.certificatePem, ca.created)
          : {
              CaStatus: 'PENDING_CERTIFICATE',
              Csr: ca.csrPem,
              Fingerprint: NOT_APPLICABLE,
              SerialNumber: NOT_APPLICABLE,
              Created: 'false',
            },
    };
  };
}

function activeData(certificatePem: string, created: boolean): CaResourceData {
  const certificate = new X509Certificate(certificatePem);
  return {
    CaStatus: 'ACTIVE',
    Csr: NOT_APPLICABLE,
    Fingerprint: certificate.fingerprint256,
    SerialNumber: certificate.serialNumber.toLowerCase(),
    Created: String(created),
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

function caMode(value: unknown): 'ROOT' | 'INTERMEDIATE' {
  if (value === undefined || value === '') return 'ROOT';
  if (value === 'ROOT' || value === 'INTERMEDIATE') return value;
  throw new Error(
    `the custom resource property CaMode must be ROOT or INTERMEDIATE, got ${JSON.stringify(value)}`,
  );
}

/** A PEM property; absent or blank means not given (a stack may pass an empty string). */
function optionalPem(properties: Record<string, unknown>, name: string): string | undefined {
  const value = properties[name];
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') {
    throw new Error(`the custom resource property ${name} must be PEM text, got ${typeof value}`);
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
