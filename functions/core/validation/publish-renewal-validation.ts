import { parseCertificateArn } from '../arn.ts';
import {
  mailApprovals,
  type PublishedValidation,
  type PublishValidationDeps,
  writeRecords,
} from './publish-validation-records.ts';
import { renewalDeadline, renewalUnderWay } from './renewal-run.ts';

/** What a renewal run's first step did, and the cycle the run works on from then on (0: none, stop). */
export type PublishedRenewalValidation = PublishedValidation & { cycle: number };

/**
 * A renewal run's first step, for the renewal under way on an ISSUED certificate: the DNS-validated names'
 * records are written again into managed zones (the same records as at issuance, so this is harmless), and
 * each EMAIL-validated name not yet mailed in this cycle gets a fresh approval mail with a new single-use
 * link, valid until the certificate's NotAfter. Nothing is done, and the cycle answered is 0, when no renewal
 * is under way: the run then stops.
 */
export async function publishRenewalValidation(
  deps: PublishValidationDeps,
  arn: string,
): Promise<PublishedRenewalValidation> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const certificate = await deps.store.get(accountId, certificateId);
  const renewal = renewalUnderWay(certificate);
  if (!certificate || !renewal) return { published: [], mailed: [], cycle: 0 };
  const validations = renewal.domainValidations;
  const mailable = deps.clock.now().getTime() < Date.parse(renewalDeadline(certificate));
  return {
    published: await writeRecords(deps, validations),
    mailed: mailable
      ? await mailApprovals(deps, certificate, validations, { renewalCycle: renewal.cycle })
      : [],
    cycle: renewal.cycle,
  };
}
