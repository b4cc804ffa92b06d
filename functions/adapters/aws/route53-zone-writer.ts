/**
 * DnsZoneWriter on Route 53: writes DNS validation CNAMEs into the hosted zones the deployment names in its
 * configuration, as ACM's console does with "Create records in Route 53".
 *
 * - Routing: a name belongs to the longest configured zone that is the name itself or one of its ancestors
 *   (case-insensitive, trailing dot optional), the same closest-zone rule as the local zones. With
 *   `example.com` and `sub.example.com` both configured, `_x.www.sub.example.com` is written into
 *   `sub.example.com`. The zone apex counts as inside its zone, so `manages(apex)` is true as it is for the
 *   local zones, but a CNAME cannot sit at an apex: `upsertCname` rejects it before calling Route 53.
 *   (Validation names are always below the apex: `_<token>.<domain>`.)
 * - Writes: one ChangeResourceRecordSets with a single UPSERT of the CNAME (TTL 300, absolute names with
 *   trailing dots). UPSERT makes a repeat write a no-op and a changed value a replacement, so the call is
 *   idempotent and safe for the workflow's retries.
 * - No wait for INSYNC: the change is accepted (PENDING) and reaches every Route 53 name server within
 *   about a minute; the workflow polls DNS until the record answers anyway, so waiting here would only
 *   keep a Lambda running (and need route53:GetChange).
 * - Errors: PriorRequestNotComplete and throttling are retried by the SDK's retry strategy (they are in its
 *   throttling error codes). Anything left (InvalidChangeBatch, NoSuchHostedZone, AccessDenied, retries
 *   exhausted) is rethrown with the record, the zone and Route 53's own messages in the text; the error
 *   keeps the AWS error's `name` (so a workflow Retry/Catch can match it) and the original as `cause`.
 */
import { ChangeResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { canonicalDnsName, closestZone } from '../../core/dns-zones.ts';
import type { DnsZoneWriter } from '../../core/ports.ts';

/** A hosted zone the deployment may write validation records into, as configured. */
export interface Route53HostedZone {
  /** The zone's DNS name, e.g. `example.com` (case and a trailing dot do not matter). */
  zoneName: string;
  /** The hosted zone id, `Z0123456789ABCDEFGHIJ` or `/hostedzone/Z0123456789ABCDEFGHIJ`. */
  hostedZoneId: string;
}

/** The TTL of the validation CNAMEs, as ACM's console creates them. */
export const VALIDATION_RECORD_TTL = 300;

const HOSTED_ZONE_PREFIX = '/hostedzone/';

export class Route53ZoneWriter implements DnsZoneWriter {
  /** Canonical zone name (lowercase, no trailing dot) → the zone with its bare hosted zone id. */
  private readonly zonesByName = new Map<string, Route53HostedZone>();

  constructor(
    private readonly client: Route53Client,
    zones: readonly Route53HostedZone[],
  ) {
    for (const zone of zones) {
      const zoneName = canonicalDnsName(zone.zoneName.trim());
      const hostedZoneId = bareHostedZoneId(zone.hostedZoneId);
      if (zoneName === '') throw new Error('a Route 53 hosted zone needs a zone name');
      if (!/^[A-Za-z0-9]+$/.test(hostedZoneId)) {
        throw new Error(`hosted zone ${zoneName} has an invalid hosted zone id: ${zone.hostedZoneId}`);
      }
      const earlier = this.zonesByName.get(zoneName);
      if (earlier !== undefined) {
        throw new Error(
          `hosted zone ${zoneName} is configured twice (${earlier.hostedZoneId} and ${hostedZoneId})`,
        );
      }
      this.zonesByName.set(zoneName, { zoneName, hostedZoneId });
    }
  }

  manages(name: string): boolean {
    return this.zoneFor(name) !== undefined;
  }

  /** The configured hosted zone `name` is written into (canonical zone name, bare id), if any. */
  zoneFor(name: string): Route53HostedZone | undefined {
    const zoneName = closestZone(name, [...this.zonesByName.keys()]);
    return zoneName === undefined ? undefined : this.zonesByName.get(zoneName);
  }

  async upsertCname(name: string, value: string): Promise<void> {
    const recordName = canonicalDnsName(name);
    const target = canonicalDnsName(value);
    const zone = this.zoneFor(recordName);
    if (zone === undefined) {
      const configured = [...this.zonesByName.keys()].join(', ') || 'none';
      throw new Error(
        `${recordName} is in no Route 53 hosted zone this deployment may write to (configured: ${configured})`,
      );
    }
    const where = `hosted zone ${zone.zoneName} (${zone.hostedZoneId})`;
    if (recordName === zone.zoneName) {
      throw new Error(`a CNAME cannot sit at the apex of ${where}: ${recordName}`);
    }
    if (target === '') throw new Error(`the CNAME ${recordName} in ${where} needs a target`);
    try {
      await this.client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zone.hostedZoneId,
          ChangeBatch: {
            Comment: 'Certwright DNS validation record',
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: `${recordName}.`,
                  Type: 'CNAME',
                  TTL: VALIDATION_RECORD_TTL,
                  ResourceRecords: [{ Value: `${target}.` }],
                },
              },
            ],
          },
        }),
      );
    } catch (error) {
      throw route53Error(`Route 53 did not write the CNAME ${recordName} → ${target} in ${where}`, error);
    }
  }
}

function bareHostedZoneId(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith(HOSTED_ZONE_PREFIX) ? trimmed.slice(HOSTED_ZONE_PREFIX.length) : trimmed;
}

/** The failure with its context in the message; `name` stays the AWS error's, the original is the cause. */
function route53Error(context: string, cause: unknown): Error {
  const { name, message, messages } = (cause ?? {}) as {
    name?: unknown;
    message?: unknown;
    messages?: unknown;
  };
  const details =
    Array.isArray(messages) && messages.length > 0
      ? messages.map(String).join('; ')
      : String(message ?? cause);
  const error = new Error(`${context}: ${typeof name === 'string' ? `${name}: ` : ''}${details}`, { cause });
  if (typeof name === 'string' && name !== '') error.name = name;
  return error;
}
