import type { FailureReason } from '../model.ts';
import { deniedNames } from './policy-entries.ts';
import { isPublicSuffixName } from './public-suffix.ts';

export interface PolicyFailure {
  reason: Extract<FailureReason, 'INVALID_PUBLIC_DOMAIN' | 'DOMAIN_NOT_ALLOWED'>;
  /** The certificate's names that broke the rule, in the certificate's order. */
  domainNames: string[];
}

export interface PolicyRules {
  /** Deny-list entries (`example.com`, `.example.com`). */
  denied: readonly string[];
  /** True for names inside the deployment's own DNS zones. */
  ownZone: (name: string) => boolean;
}

/**
 * Why a certificate for `names` must fail, if it must: INVALID_PUBLIC_DOMAIN when any name is a public
 * suffix or a wildcard directly under one, else DOMAIN_NOT_ALLOWED when any name touches the deny list.
 */
export function policyFailure(names: readonly string[], rules: PolicyRules): PolicyFailure | undefined {
  const publicSuffixes = names.filter((name) => isPublicSuffixName(name, rules.ownZone));
  if (publicSuffixes.length > 0) return { reason: 'INVALID_PUBLIC_DOMAIN', domainNames: publicSuffixes };
  const denied = deniedNames(names, rules.denied);
  if (denied.length > 0) return { reason: 'DOMAIN_NOT_ALLOWED', domainNames: denied };
  return undefined;
}
