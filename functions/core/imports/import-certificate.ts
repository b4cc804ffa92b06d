import { certificateArn, parseCertificateArn } from '../arn.ts';
import { findCertificate } from '../certificates/find-certificate.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { ResourceNotFoundError, ValidationError } from '../errors.ts';
import { announceIssuance } from '../events/announce-issuance.ts';
import type { CertificateRecord, IssuedCertificate, Tag } from '../model.ts';
import { createWithinQuota } from '../policy/request-quota.ts';
import type { CertificateStore, Clock, EventPublisher, KeyVault, Random } from '../ports.ts';
import type { CertwrightSettings } from '../settings.ts';
import { type CheckedImport, checkImport, type ImportInput } from './checked-import.ts';
import { checkReimport } from './reimport-rules.ts';

export interface ImportCertificateDeps {
  store: CertificateStore;
  clock: Clock;
  random: Random;
  vault: KeyVault;
  events: EventPublisher;
  settings: Pick<CertwrightSettings, 'partition' | 'region' | 'quotas'>;
}

export interface ImportCertificateRequest extends ImportInput {
  /** Re-import: the imported certificate whose body is replaced. */
  certificateArn?: string;
  /** First import only. */
  tags?: Tag[];
}

export const TAGS_ON_REIMPORT = 'Tagging is not permitted on re-import.';

/**
 * ImportCertificate: stores a certificate, its private key (sealed, bound to the ARN) and its chain after
 * checking them (checkImport), as an IMPORTED certificate in ISSUED, then publishes
 * `ACM Certificate Available` (Action IMPORT, or REIMPORT for a new body under an existing ARN).
 *
 * A first import counts against the account's quotas exactly like a request (ACM keeps separate import
 * quotas of the same default size; here one count serves both): the slot is reserved just before the write
 * and given back if the write does not happen. A re-import keeps the ARN, tags and CreatedAt, replaces the
 * body in one versioned write (concurrent re-imports each land, the last one wins), and reserves nothing.
 * The event goes out after the write; if publishing fails the import still stands and the schedule
 * publishes the event later.
 */
export async function importCertificate(
  deps: ImportCertificateDeps,
  accountId: string,
  request: ImportCertificateRequest,
): Promise<string> {
  const { certificateArn: arn } = request;
  if (arn !== undefined) {
    parseCertificateArn(arn);
    if (request.tags !== undefined) throw new ValidationError(TAGS_ON_REIMPORT);
  }
  const current =
    arn === undefined
      ? undefined
      : await findCertificate({ store: deps.store, region: deps.settings.region }, accountId, arn);
  const now = deps.clock.now();
  const checked = await checkImport(request, now);
  const saved = current
    ? await reimport(deps, current, checked, now)
    : await importNew(deps, accountId, checked, request.tags ?? [], now);
  await announceIssuance(deps, saved).catch(() => {
    // Unannounced, the certificate stays on the schedule's list, which publishes the event.
  });
  return saved.arn;
}

async function importNew(
  deps: ImportCertificateDeps,
  accountId: string,
  checked: CheckedImport,
  tags: Tag[],
  now: Date,
): Promise<CertificateRecord> {
  const { partition, region } = deps.settings;
  const id = deps.random.uuid();
  const arn = certificateArn({ partition, region, accountId, certificateId: id });
  const sealedPrivateKey = await deps.vault.seal(checked.privateKeyPkcs8Der, arn);
  const at = now.toISOString();
  const certificate = withBody(
    {
      arn,
      accountId,
      id,
      region,
      type: 'IMPORTED',
      domainValidations: [],
      options: { certificateTransparencyLoggingPreference: 'DISABLED', export: 'DISABLED' },
      tags,
      createdAt: at,
      validationDeadline: at,
      inUseBy: [],
      version: 0,
    },
    checked,
    sealedPrivateKey,
    now,
  );
  if (!(await createWithinQuota(deps.store, deps.settings.quotas, certificate, now))) {
    throw new Error(`Certificate ${certificate.arn} already exists; its id was not unique`);
  }
  return certificate;
}

async function reimport(
  deps: ImportCertificateDeps,
  current: CertificateRecord,
  checked: CheckedImport,
  now: Date,
): Promise<CertificateRecord> {
  checkReimport(current, checked);
  const sealedPrivateKey = await deps.vault.seal(checked.privateKeyPkcs8Der, current.arn);
  const saved = await updateCertificate(deps.store, current.accountId, current.id, (stored) => {
    checkReimport(stored, checked);
    return withBody(stored, checked, sealedPrivateKey, now);
  });
  if (!saved) throw new ResourceNotFoundError(`Could not find certificate ${current.arn}.`);
  return saved;
}

type RecordWithoutBody = Omit<
  CertificateRecord,
  | 'domainName'
  | 'subjectAlternativeNames'
  | 'status'
  | 'keyAlgorithm'
  | 'signatureAlgorithm'
  | 'issuer'
  | 'subject'
  | 'issued'
  | 'importedAt'
>;

/** The certificate with `checked` as its body, imported at `now`: ISSUED, not yet announced. */
function withBody(
  certificate: RecordWithoutBody,
  checked: CheckedImport,
  sealedPrivateKey: string,
  now: Date,
): CertificateRecord {
  const at = now.toISOString();
  const issued: IssuedCertificate = {
    certificatePem: checked.certificatePem,
    chainPem: checked.chainPem,
    serialHex: checked.serialHex,
    notBefore: checked.notBefore,
    notAfter: checked.notAfter,
    issuedAt: at,
    sealedPrivateKey,
    keyUsages: checked.keyUsages,
    extendedKeyUsages: checked.extendedKeyUsages,
  };
  return {
    ...certificate,
    domainName: checked.domainName,
    subjectAlternativeNames: checked.subjectAlternativeNames,
    status: 'ISSUED',
    keyAlgorithm: checked.keyAlgorithm,
    signatureAlgorithm: checked.signatureAlgorithm,
    issuer: checked.issuer,
    subject: checked.subject,
    issued,
    importedAt: at,
  };
}
