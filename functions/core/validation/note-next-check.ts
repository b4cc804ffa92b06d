import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord, LastCheck } from '../model.ts';
import type { CertificateStore } from '../ports.ts';

/**
 * Adds the next check's time to the names whose CAA lookup failed in the check made at `checkedAt`: they are
 * proven, but wait for that check like the names without proof.
 */
export async function noteNextCheck(
  store: CertificateStore,
  certificate: CertificateRecord,
  checkedAt: string,
  nextCheckAt: string,
): Promise<void> {
  const waitsForCaa = (check: LastCheck | undefined) =>
    check?.at === checkedAt && check.outcome === 'CAA_LOOKUP_FAILED' && check.nextCheckAt === undefined;
  await updateCertificate(store, certificate.accountId, certificate.id, (current) =>
    current.status === 'PENDING_VALIDATION' &&
    current.domainValidations.some((dv) => waitsForCaa(dv.lastCheck))
      ? {
          ...current,
          domainValidations: current.domainValidations.map((dv) =>
            dv.lastCheck && waitsForCaa(dv.lastCheck)
              ? { ...dv, lastCheck: { ...dv.lastCheck, nextCheckAt } }
              : dv,
          ),
        }
      : undefined,
  );
}
