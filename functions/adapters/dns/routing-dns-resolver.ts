import { canonicalDnsName, closestZone } from '../../core/dns-zones.ts';
import type { DnsLookup, DnsResolver } from '../../core/ports.ts';

export interface DnsRoute {
  zone: string;
  resolver: DnsResolver;
}

/** Sends each query to the resolver of the longest zone containing the name, else to the default. */
export class RoutingDnsResolver implements DnsResolver {
  private readonly routes: DnsRoute[];

  constructor(
    routes: DnsRoute[],
    private readonly defaultResolver: DnsResolver,
  ) {
    this.routes = routes.map((route) => ({ zone: canonicalDnsName(route.zone), resolver: route.resolver }));
  }

  resolveCname(name: string): Promise<DnsLookup> {
    return this.resolverFor(name).resolveCname(name);
  }

  resolveTxt(name: string): Promise<DnsLookup> {
    return this.resolverFor(name).resolveTxt(name);
  }

  resolveCaa(name: string): Promise<DnsLookup> {
    return this.resolverFor(name).resolveCaa(name);
  }

  private resolverFor(name: string): DnsResolver {
    const zone = closestZone(
      name,
      this.routes.map((route) => route.zone),
    );
    return this.routes.find((route) => route.zone === zone)?.resolver ?? this.defaultResolver;
  }
}
