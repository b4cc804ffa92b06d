import middy from '@middy/core';
import type { DomainProbeAnswer, DomainProbeName } from '../core/ports.ts';
import { probeDomains } from '../core/preflight/probe-domains.ts';
import { checkRenewalValidation } from '../core/validation/check-renewal-validation.ts';
import { type CheckValidationDeps, checkValidation } from '../core/validation/check-validation.ts';
import { type CertificateTaskEvent, eventCycle } from './task-event.ts';

/** The API's CheckDomains asks this function for the DNS half of its answer (the API may not resolve names). */
export interface DomainProbeEvent {
  probe: { names: DomainProbeName[] };
}

export interface DomainProbeResult {
  domains: DomainProbeAnswer[];
}

export function isDomainProbeEvent(event: object): event is DomainProbeEvent {
  return 'probe' in event;
}

export function createCheckValidationHandler(deps: CheckValidationDeps) {
  return middy(async (event: CertificateTaskEvent | DomainProbeEvent) => {
    if (isDomainProbeEvent(event)) {
      const result: DomainProbeResult = {
        domains: await probeDomains(
          { resolver: deps.resolver, caaIdentities: deps.caaIdentities },
          probeNames(event),
        ),
      };
      return result;
    }
    if (event.renewal === true) return checkRenewal(deps, event);
    return checkValidation(deps, event.certificateArn, event.attempt ?? 0, { once: event.once === true });
  });
}

/** A renewal run's check; a run that never learnt its cycle (no renewal was under way) stops. */
async function checkRenewal(deps: CheckValidationDeps, event: CertificateTaskEvent) {
  const cycle = eventCycle(event);
  const attempt = (event.attempt ?? 0) + 1;
  if (cycle === undefined) return { outcome: 'STOPPED', attempt, waitSeconds: 0, cycle: 0 };
  return checkRenewalValidation(deps, event.certificateArn, cycle, event.attempt ?? 0);
}

/** The names of a probe event, shape-checked: only strings reach the resolver. */
function probeNames(event: DomainProbeEvent): DomainProbeName[] {
  const names: unknown = event.probe?.names;
  if (!Array.isArray(names)) throw new TypeError('A probe event needs probe.names, a list');
  return names.map((entry: unknown) => {
    const { domainName, resourceRecord } = (entry ?? {}) as Record<string, unknown>;
    if (typeof domainName !== 'string') throw new TypeError('Each probe name needs a domainName string');
    if (resourceRecord === undefined) return { domainName };
    const { Name, Value } = (resourceRecord ?? {}) as Record<string, unknown>;
    if (typeof Name !== 'string' || typeof Value !== 'string')
      throw new TypeError('A probe resourceRecord needs Name and Value strings');
    return { domainName, resourceRecord: { Name, Type: 'CNAME', Value } };
  });
}
