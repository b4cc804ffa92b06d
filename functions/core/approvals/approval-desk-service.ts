import { parseCertificateArn } from '../arn.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { ApprovalRecord, CertificateStore, Clock } from '../ports.ts';
import type { ApprovalDesk, ApprovalLookup, ApprovalProblem } from './approval-desk.ts';
import { type ApprovalScope, scopeValidations, withScopeValidations } from './approval-scope.ts';
import { approvalTokenHash, isApprovalTokenShape } from './approval-token.ts';
import { recordedApproverDomain } from './approver-addresses.ts';

export interface ApprovalDeskDeps {
  store: CertificateStore;
  clock: Clock;
}

/**
 * The approval desk over the store. A token is looked up by its hash; whether it still works is decided on
 * the certificate, whose domain holds the hash of the one current link. Approving is a single conditional
 * write that marks the domain SUCCESS and removes that hash, so a link works once: of two concurrent
 * approvals one wins, the other re-reads and answers USED. A renewal's link approves the domain on the
 * renewal's own validations, while that renewal is under way.
 */
export function createApprovalDesk(deps: ApprovalDeskDeps): ApprovalDesk {
  return {
    async describe(token) {
      const approval = await findApproval(deps.store, token);
      if (!approval) return problem('UNKNOWN');
      const certificate = await deps.store.get(approval.accountId, approval.certificateId);
      return judge(approval, certificate, deps.clock.now());
    },

    async approve(token) {
      const approval = await findApproval(deps.store, token);
      if (!approval) return problem('UNKNOWN');
      let verdict: ApprovalLookup = problem('UNKNOWN');
      await updateCertificate(deps.store, approval.accountId, approval.certificateId, (current) => {
        verdict = judge(approval, current, deps.clock.now());
        const scope = linkScope(approval, current);
        const validations = scopeValidations(current, scope);
        if (!verdict.ok || !validations) return undefined;
        const approvedNow = validations.map((dv) =>
          dv.domainName === approval.domainName ? approved(dv) : dv,
        );
        return withScopeValidations(current, scope, approvedNow);
      });
      return verdict;
    },
  };
}

async function findApproval(store: CertificateStore, token: string): Promise<ApprovalRecord | undefined> {
  if (!isApprovalTokenShape(token)) return undefined;
  return store.findApproval(approvalTokenHash(token));
}

/**
 * What a link can do now. An approved domain's links are USED (also once its certificate is issued); a
 * link past its deadline, or of a certificate (or renewal) that stopped waiting, is EXPIRED; a link that is
 * no longer the domain's current one was replaced by a resend or a renewal's new mail, and is USED.
 */
function judge(
  approval: ApprovalRecord,
  certificate: CertificateRecord | undefined,
  now: Date,
): ApprovalLookup {
  if (!certificate || certificate.arn !== approval.certificateArn) return problem('UNKNOWN');
  const scope = linkScope(approval, certificate);
  const validations =
    scope === 'ISSUANCE' ? certificate.domainValidations : (certificate.renewal?.domainValidations ?? []);
  const dv = validations.find((candidate) => candidate.domainName === approval.domainName);
  if (dv?.validationMethod !== 'EMAIL') return problem('UNKNOWN');
  if (dv.status === 'SUCCESS') return problem('USED');
  if (now.getTime() >= Date.parse(approval.expiresAt) || !scopeValidations(certificate, scope)) {
    return problem('EXPIRED');
  }
  if (dv.approval?.tokenHash !== approval.tokenHash) return problem('USED');
  return {
    ok: true,
    request: {
      domainName: dv.domainName,
      validationDomain: recordedApproverDomain(dv),
      certificateArn: certificate.arn,
      accountId: certificate.accountId,
      region: parseCertificateArn(certificate.arn).region,
      expiresAt: approval.expiresAt,
    },
  };
}

/**
 * Whose link this is: a renewal's when the certificate's renewal holds its hash as the domain's current
 * link, or holds a newer link of its own while the certificate is past its request (a renewal link made
 * stale by a later one); else the certificate's request.
 */
function linkScope(approval: ApprovalRecord, certificate: CertificateRecord): ApprovalScope {
  const renewal = certificate.renewal;
  const dv = renewal?.domainValidations?.find((candidate) => candidate.domainName === approval.domainName);
  const ownsLink =
    dv?.approval?.tokenHash === approval.tokenHash ||
    (certificate.status === 'ISSUED' && dv?.validationMethod === 'EMAIL' && dv.status !== 'SUCCESS');
  return renewal && ownsLink ? { renewalCycle: renewal.cycle ?? 1 } : 'ISSUANCE';
}

function approved(dv: DomainValidation): DomainValidation {
  const { approval: _used, ...rest } = dv;
  return { ...rest, status: 'SUCCESS' };
}

function problem(kind: ApprovalProblem): ApprovalLookup {
  return { ok: false, problem: kind };
}
