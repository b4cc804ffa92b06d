import { checkCaa } from '../caa/check-caa.ts';
import type { DnsResolver, DomainProbeAnswer, DomainProbeName } from '../ports.ts';
import { type DnsProof, findDnsProof } from '../validation/dns-proof.ts';
import { withoutTrailingDot } from '../validation/validation-record.ts';

export interface ProbeDomainsDeps {
  resolver: DnsResolver;
  /** settings.caaIdentities */
  caaIdentities: readonly string[];
}

/**
 * Looks up, for each name, its validation record (when it has one) and whether CAA lets this CA issue for
 * it, as the validation check would right now. A record shared by several names is looked up once.
 */
export async function probeDomains(
  deps: ProbeDomainsDeps,
  names: readonly DomainProbeName[],
): Promise<DomainProbeAnswer[]> {
  const proofs = new Map<string, Promise<DnsProof>>();
  const proofOf = (name: DomainProbeName) => {
    const record = name.resourceRecord;
    if (!record) return undefined;
    const key = `${record.Name.toLowerCase()} ${record.Value.toLowerCase()}`;
    let proof = proofs.get(key);
    if (!proof) {
      proof = findDnsProof(deps.resolver, record);
      proofs.set(key, proof);
    }
    return proof;
  };
  return Promise.all(
    names.map(async (name): Promise<DomainProbeAnswer> => {
      const [proof, caa] = await Promise.all([
        proofOf(name),
        checkCaa(name.domainName, { resolver: deps.resolver, identities: deps.caaIdentities }),
      ]);
      const permitted = caa.outcome === 'LOOKUP_FAILED' ? null : caa.outcome === 'PERMITTED';
      return {
        domainName: name.domainName,
        ...(proof && name.resourceRecord ? { record: recordAnswer(proof, name.resourceRecord.Value) } : {}),
        caa: { permitted, message: caa.message },
      };
    }),
  );
}

function recordAnswer(proof: DnsProof, expected: string): NonNullable<DomainProbeAnswer['record']> {
  return {
    inPlace: proof.proven,
    found: proof.proven ? [withoutTrailingDot(expected)] : (proof.found ?? []),
    outcome: proof.outcome,
    ...(proof.detail ? { detail: proof.detail } : {}),
  };
}
