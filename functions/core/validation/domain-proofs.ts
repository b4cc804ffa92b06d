import type { DomainValidation } from '../model.ts';
import type { DnsResolver } from '../ports.ts';
import { type DnsProof, findDnsProof } from './dns-proof.ts';

/** Looks up the proof of each DNS-validated name still pending, by name; EMAIL names have none to look up. */
export async function collectProofs(
  resolver: DnsResolver,
  validations: readonly DomainValidation[],
): Promise<Map<string, DnsProof>> {
  const proofs = await Promise.all(
    validations.map(async (dv) =>
      dv.status === 'PENDING_VALIDATION' && dv.validationMethod === 'DNS' && dv.resourceRecord
        ? ([[dv.domainName, await findDnsProof(resolver, dv.resourceRecord)]] as const)
        : [],
    ),
  );
  return new Map(proofs.flat());
}

/**
 * A pending name with what its check saw: SUCCESS when proven, else still pending with the time of the next
 * check (a `once` check, which has none, keeps the one planned before).
 */
export function applyProof(
  dv: DomainValidation,
  proofs: Map<string, DnsProof>,
  at: string,
  nextCheckAt: string | undefined,
): DomainValidation {
  const proof = proofs.get(dv.domainName);
  if (!proof || dv.status !== 'PENDING_VALIDATION') return dv;
  const next = proof.proven ? undefined : (nextCheckAt ?? dv.lastCheck?.nextCheckAt);
  const { detail, found, server } = proof;
  return {
    ...dv,
    status: proof.proven ? 'SUCCESS' : 'PENDING_VALIDATION',
    lastCheck: { at, outcome: proof.outcome, ...defined({ detail, found, server, nextCheckAt: next }) },
  };
}

/** The entries whose value is set: the store keeps no empty members. */
function defined<T extends object>(entries: T): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<T>;
}
