import type { CaaRecord } from '../ports.ts';

/** A CAA record as a zone file writes it: `0 issue "letsencrypt.org"`. */
export function presentCaa(record: CaaRecord): string {
  return `${record.flags} ${record.tag} "${record.value.replace(/["\\]/g, '\\$&')}"`;
}
