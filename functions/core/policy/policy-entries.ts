/**
 * Domain policy entries and what a certificate name has to do with them.
 *
 * An entry `example.com` stands for that one name; `.example.com` for example.com and every name below it.
 * Entries and names compare case-insensitively (ASCII; names are ASCII by then), a trailing dot ignored.
 * A certificate name `www.example.com` serves that name; a wildcard `*.example.com` serves every name
 * exactly one label below example.com (not example.com itself, not deeper names), as TLS clients match it.
 */
import { baseDomain, isWildcard } from '../domain-names.ts';

export interface PolicyEntry {
  /** Lowercase, without the leading or a trailing dot. */
  domain: string;
  /** `.example.com`: the domain and every name below it. */
  subtree: boolean;
}

export function parsePolicyEntry(entry: string): PolicyEntry {
  const lower = entry.trim().toLowerCase();
  const bare = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  return bare.startsWith('.') ? { domain: bare.slice(1), subtree: true } : { domain: bare, subtree: false };
}

function isAtOrBelow(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

function parentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** Whether the entry stands for `name` itself (a name with no wildcard). */
function entryContains(entry: PolicyEntry, name: string): boolean {
  return entry.subtree ? isAtOrBelow(name, entry.domain) : name === entry.domain;
}

/**
 * Whether a certificate for `certificateName` would serve at least one name the entry stands for: what a
 * deny entry refuses. `*.example.com` touches `.secret.example.com` and `secret.example.com` (it serves
 * secret.example.com) and `.example.com`, but neither `example.com` nor `a.b.example.com`.
 */
export function touchesEntry(certificateName: string, entry: PolicyEntry): boolean {
  const name = certificateName.toLowerCase();
  if (!isWildcard(name)) return entryContains(entry, name);
  if (name === entry.domain) return true;
  const base = baseDomain(name);
  return parentOf(entry.domain) === base || (entry.subtree && isAtOrBelow(base, entry.domain));
}

/**
 * Whether every name a certificate for `certificateName` serves is one the entry stands for: what an allow
 * entry permits. A wildcard is covered only by `.d` where its base is d or below d (or by an entry spelled
 * exactly as the wildcard).
 */
export function coveredByEntry(certificateName: string, entry: PolicyEntry): boolean {
  const name = certificateName.toLowerCase();
  if (!isWildcard(name)) return entryContains(entry, name);
  return name === entry.domain || (entry.subtree && isAtOrBelow(baseDomain(name), entry.domain));
}

/** The names (as given) that touch any of the entries: the names a deny list refuses. */
export function deniedNames(names: readonly string[], denied: readonly string[]): string[] {
  const entries = denied.map(parsePolicyEntry);
  return names.filter((name) => entries.some((entry) => touchesEntry(name, entry)));
}

/** The names (as given) no entry covers: the names an allow list refuses. An empty list allows every name. */
export function namesNotAllowed(names: readonly string[], allowed: readonly string[]): string[] {
  if (allowed.length === 0) return [];
  const entries = allowed.map(parsePolicyEntry);
  return names.filter((name) => !entries.some((entry) => coveredByEntry(name, entry)));
}
