import { parseCertificateArn } from '../arn.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { ApprovalRecord, CertificateStore, Clock } from '../ports.ts';
import type { ApprovalDesk, ApprovalLookup, ApprovalProblem } from './approval-desk.ts';
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
 * approvals one wins, the other re-reads and answers USED.
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
        if (!verdict.ok) return undefined;
        return {
          ...current,
          domainValidations: current.domainValidations.map((dv) =>
            dv.domainName === approval.domainName ? approved(dv) : dv,
          ),
        };
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
 * link past its deadline, or of a certificate that stopped waiting, is EXPIRED; a link that is no longer
 * the domain's current one was replaced by a resend, and is USED.
 */
function judge(
  approval: ApprovalRecord,
  certificate: CertificateRecord | undefined,
  now: Date,
): ApprovalLookup {
  const dv = certificate?.domainValidations.find((candidate) => candidate.domainName === approval.domainName);
  if (!certificate || certificate.arn !== approval.certificateArn || dv?.validationMethod !== 'EMAIL') {
    return problem('UNKNOWN');
  }
  if (dv.status === 'SUCCESS') return problem('USED');
  if (now.getTime() >= Date.parse(approval.expiresAt) || certificate.status !== 'PENDING_VALIDATION') {
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

function approved(dv: DomainValidation): DomainValidation {
  const { approval: _used, ...rest } = dv;
  return { ...rest, status: 'SUCCESS' };
}

function problem(kind: ApprovalProblem): ApprovalLookup {
  return { ok: false, problem: kind };
}
