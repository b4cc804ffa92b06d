import { InvalidParameterError } from '../errors.ts';
import { checkAllowedDomains } from '../policy/allowed-domains.ts';
import { type PolicyRules, policyFailure } from '../policy/policy-failure.ts';
import type { DomainPolicy } from '../settings.ts';

export interface NamePolicyVerdict {
  allowed: boolean;
  /** NOT_ALLOWED: RequestCertificate refuses the name; the others are the FailureReason the request ends with. */
  reason?: 'NOT_ALLOWED' | 'DOMAIN_NOT_ALLOWED' | 'INVALID_PUBLIC_DOMAIN';
  message?: string;
}

/** What the deployment's domain policy does with one name: the allow list, then the workflow's rules. */
export function namePolicyVerdict(
  name: string,
  policy: DomainPolicy,
  ownZone: PolicyRules['ownZone'],
): NamePolicyVerdict {
  try {
    checkAllowedDomains([name], policy.allowed);
  } catch (error) {
    if (!(error instanceof InvalidParameterError)) throw error;
    return {
      allowed: false,
      reason: 'NOT_ALLOWED',
      message: `RequestCertificate refuses it: ${error.message}`,
    };
  }
  const failure = policyFailure([name], { denied: policy.denied, ownZone });
  if (failure?.reason === 'INVALID_PUBLIC_DOMAIN') {
    return {
      allowed: false,
      reason: failure.reason,
      message: `${name} is a public suffix or a wildcard directly under one: the certificate would fail with INVALID_PUBLIC_DOMAIN.`,
    };
  }
  if (failure?.reason === 'DOMAIN_NOT_ALLOWED') {
    return {
      allowed: false,
      reason: failure.reason,
      message: `${name} is on this deployment's deny list: the certificate would fail with DOMAIN_NOT_ALLOWED.`,
    };
  }
  return { allowed: true };
}
