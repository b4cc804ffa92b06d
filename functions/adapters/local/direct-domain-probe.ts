import type { DnsResolver, DomainProbe, DomainProbeAnswer, DomainProbeName } from '../../core/ports.ts';
import { probeDomains } from '../../core/preflight/probe-domains.ts';

/** The local stack's DomainProbe: one process, so the lookups run in place with the stack's resolver. */
export class DirectDomainProbe implements DomainProbe {
  constructor(
    private readonly resolver: DnsResolver,
    private readonly caaIdentities: readonly string[],
  ) {}

  probe(names: DomainProbeName[]): Promise<DomainProbeAnswer[]> {
    return probeDomains({ resolver: this.resolver, caaIdentities: this.caaIdentities }, names);
  }
}
