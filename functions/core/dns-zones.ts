/** A DNS name as compared everywhere: lowercase, without the trailing dot of the absolute form. */
export function canonicalDnsName(name: string): string {
  return (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase();
}

/** The longest of `zones` (canonical names) that is `name` or an ancestor of it. */
export function closestZone(name: string, zones: readonly string[]): string | undefined {
  const canonical = canonicalDnsName(name);
  let closest: string | undefined;
  for (const zone of zones) {
    const contains = canonical === zone || canonical.endsWith(`.${zone}`);
    if (contains && zone.length > (closest?.length ?? -1)) closest = zone;
  }
  return closest;
}
