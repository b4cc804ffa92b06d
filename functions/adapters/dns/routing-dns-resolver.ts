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
    this.routes = routes
      .map((route) => ({ zone: normalizeName(route.zone), resolver: route.resolver }))
      .sort((a, b) => b.zone.length - a.zone.length);
  }

  resolveCname(name: string): Promise<DnsLookup> {
    return this.resolverFor(name).resolveCname(name);
  }

  resolveTxt(name: string): Promise<DnsLookup> {
    return this.resolverFor(name).resolveTxt(name);
  }

  private resolverFor(name: string): DnsResolver {
    const normalized = normalizeName(name);
    const route = this.routes.find(({ zone }) => normalized === zone || normalized.endsWith(`.${zone}`));
    return route?.resolver ?? this.defaultResolver;
  }
}

function normalizeName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}
