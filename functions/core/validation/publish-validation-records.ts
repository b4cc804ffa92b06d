import { parseCertificateArn } from '../arn.ts';
import type { CertificateStore, DnsZoneWriter } from '../ports.ts';
import { withoutTrailingDot } from './validation-record.ts';

/**
 * Writes the validation CNAMEs of a pending certificate into the DNS zones this deployment manages
 * (Route 53 hosted zones, or the local zones), as ACM's console does with "Create records in Route 53".
 * Names outside those zones are left to the user. Returns the record names written.
 */
export async function publishValidationRecords(
  deps: { store: CertificateStore; zoneWriter: DnsZoneWriter },
  arn: string,
): Promise<string[]> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const certificate = await deps.store.get(accountId, certificateId);
  if (certificate?.status !== 'PENDING_VALIDATION') return [];
  const records = new Map<string, string>();
  for (const dv of certificate.domainValidations) {
    const record = dv.resourceRecord;
    if (dv.validationMethod !== 'DNS' || !record) continue;
    const name = withoutTrailingDot(record.Name);
    if (deps.zoneWriter.manages(name)) records.set(name, withoutTrailingDot(record.Value));
  }
  for (const [name, value] of records) await deps.zoneWriter.upsertCname(name, value);
  return [...records.keys()];
}
