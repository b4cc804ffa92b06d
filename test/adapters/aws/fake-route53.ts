/**
 * A Route 53 that behaves like the service for ChangeResourceRecordSets, behind aws-sdk-client-mock: each
 * hosted zone keeps its record sets (with the SOA and NS at the apex that Route 53 creates with the zone),
 * and a change batch is checked and applied atomically with Route 53's rules. Any other command fails
 * loudly. aws-sdk-client-mock replaces `send`, so the SDK's middleware (retries, id normalization) does not
 * run: the fake accepts a hosted zone id with or without its `/hostedzone/` prefix, as the service does
 * after that middleware.
 */
import {
  type Change,
  ChangeResourceRecordSetsCommand,
  type ChangeResourceRecordSetsCommandInput,
  type ChangeResourceRecordSetsCommandOutput,
  InvalidChangeBatch,
  InvalidInput,
  NoSuchHostedZone,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';

interface HostedZone {
  id: string;
  /** Lowercase, with the trailing dot, as Route 53 returns it. */
  name: string;
  /** `<name>|<type>` → record set. */
  recordSets: Map<string, ResourceRecordSet>;
}

const METADATA = { httpStatusCode: 400 };

export class FakeRoute53 {
  readonly client = new Route53Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  readonly mock = mockClient(this.client);
  private readonly zones = new Map<string, HostedZone>();
  private changes = 0;

  constructor() {
    this.mock.onAnyCommand().callsFake(() => {
      throw new Error('FakeRoute53 implements only ChangeResourceRecordSets');
    });
    this.mock
      .on(ChangeResourceRecordSetsCommand)
      .callsFake((input: ChangeResourceRecordSetsCommandInput) => this.changeResourceRecordSets(input));
  }

  /** Creates a hosted zone with its SOA and NS records and returns its bare id. */
  createHostedZone(name: string): string {
    const id = `Z${String(this.zones.size + 1).padStart(20, '0')}`;
    const zoneName = absoluteName(name);
    const recordSets = new Map<string, ResourceRecordSet>();
    const ns = ['ns-1.awsdns-01.org.', 'ns-2.awsdns-02.co.uk.'];
    recordSets.set(`${zoneName}|NS`, {
      Name: zoneName,
      Type: 'NS',
      TTL: 172800,
      ResourceRecords: ns.map((Value) => ({ Value })),
    });
    recordSets.set(`${zoneName}|SOA`, {
      Name: zoneName,
      Type: 'SOA',
      TTL: 900,
      ResourceRecords: [{ Value: `${ns[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
    });
    this.zones.set(id, { id, name: zoneName, recordSets });
    return id;
  }

  /** The zone's record sets (copies), sorted by name and type, optionally only those of `type`. */
  recordSets(hostedZoneId: string, type?: string): ResourceRecordSet[] {
    const zone = this.zone(hostedZoneId);
    return [...zone.recordSets.values()]
      .filter((recordSet) => type === undefined || recordSet.Type === type)
      .sort((a, b) => `${a.Name}|${a.Type}`.localeCompare(`${b.Name}|${b.Type}`))
      .map((recordSet) => structuredClone(recordSet));
  }

  /** The ChangeResourceRecordSets calls made so far. */
  changeCalls(): ChangeResourceRecordSetsCommandInput[] {
    return this.mock.commandCalls(ChangeResourceRecordSetsCommand).map((call) => call.args[0].input);
  }

  private changeResourceRecordSets(
    input: ChangeResourceRecordSetsCommandInput,
  ): ChangeResourceRecordSetsCommandOutput {
    const zone = this.zone(input.HostedZoneId ?? '');
    const changes = input.ChangeBatch?.Changes ?? [];
    if (changes.length === 0) {
      throw new InvalidInput({
        $metadata: METADATA,
        message:
          "1 validation error detected: Value '[]' at 'changeBatch.changes' failed to satisfy constraint",
      });
    }
    const next = new Map(zone.recordSets);
    const messages = changes.flatMap((change) => applyChange(zone.name, next, change));
    if (messages.length > 0) {
      // Route 53 answers a standard ErrorResponse whose Message lists every complaint in brackets (the SDK
      // leaves the `messages` member of InvalidChangeBatch empty).
      throw new InvalidChangeBatch({ $metadata: METADATA, message: `[${messages.join(', ')}]` });
    }
    zone.recordSets = next;
    this.changes += 1;
    return {
      $metadata: { httpStatusCode: 200 },
      ChangeInfo: {
        Id: `/change/C${String(this.changes).padStart(13, '0')}`,
        Status: 'PENDING',
        SubmittedAt: new Date(),
        Comment: input.ChangeBatch?.Comment,
      },
    };
  }

  private zone(hostedZoneId: string): HostedZone {
    const zone = this.zones.get(hostedZoneId.replace(/^\/hostedzone\//, ''));
    if (zone === undefined) {
      throw new NoSuchHostedZone({
        $metadata: METADATA,
        message: `No hosted zone found with ID: ${hostedZoneId}`,
      });
    }
    return zone;
  }
}

/** Applies one change to `recordSets` and returns Route 53's complaints (none when it applied). */
function applyChange(zoneName: string, recordSets: Map<string, ResourceRecordSet>, change: Change): string[] {
  const given = change.ResourceRecordSet;
  if (!given?.Name || !given.Type || !change.Action) {
    throw new InvalidInput({
      $metadata: METADATA,
      message: 'Invalid request: a change needs Action, Name and Type',
    });
  }
  const name = absoluteName(given.Name);
  const type = given.Type;
  const key = `${name}|${type}`;
  const existing = recordSets.get(key);
  if (name !== zoneName && !name.endsWith(`.${zoneName}`)) {
    return [`RRSet with DNS name ${name} is not permitted in zone ${zoneName}`];
  }
  const records = given.ResourceRecords ?? [];
  if (change.Action !== 'DELETE' && (given.TTL === undefined || records.length === 0)) {
    throw new InvalidInput({
      $metadata: METADATA,
      message:
        'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or ' +
        `TrafficPolicyInstanceId], but found none in Change with [Action=${change.Action}, Name=${name}, ` +
        `Type=${type}, SetIdentifier=null]`,
    });
  }
  const recordSet: ResourceRecordSet = { Name: name, Type: type, TTL: given.TTL, ResourceRecords: records };
  switch (change.Action) {
    case 'DELETE':
      if (existing === undefined) {
        return [`Tried to delete resource record set [name='${name}', type='${type}'] but it was not found`];
      }
      if (JSON.stringify(existing) !== JSON.stringify(recordSet)) {
        return [
          `Tried to delete resource record set [name='${name}', type='${type}'] but the values provided do not ` +
            'match the current values',
        ];
      }
      recordSets.delete(key);
      return [];
    case 'CREATE':
      if (existing !== undefined) {
        return [`Tried to create resource record set [name='${name}', type='${type}'] but it already exists`];
      }
      break;
    case 'UPSERT':
      break;
    default:
      throw new InvalidInput({
        $metadata: METADATA,
        message: `Invalid request: unknown Action ${change.Action}`,
      });
  }
  const problem = writeProblem(zoneName, recordSets, recordSet);
  if (problem !== undefined) return [problem];
  recordSets.set(key, recordSet);
  return [];
}

/** Route 53's rules for a CREATE or UPSERT of `recordSet`, beyond its existence. */
function writeProblem(
  zoneName: string,
  recordSets: Map<string, ResourceRecordSet>,
  recordSet: ResourceRecordSet,
): string | undefined {
  const { Name: name, Type: type } = recordSet;
  const othersAtName = [...recordSets.values()].filter((other) => other.Name === name && other.Type !== type);
  if (type === 'CNAME') {
    if (name === zoneName)
      return `RRSet of type CNAME with DNS name ${name} is not permitted at apex in zone ${zoneName}`;
    if ((recordSet.ResourceRecords ?? []).length > 1) {
      return `RRSet of type CNAME with DNS name ${name} has more than one resource record`;
    }
    if (othersAtName.length > 0) {
      return (
        `RRSet of type CNAME with DNS name ${name} is not permitted as it conflicts with other records with ` +
        `the same DNS name in zone ${zoneName}`
      );
    }
  } else if (othersAtName.some((other) => other.Type === 'CNAME')) {
    return (
      `RRSet of type ${type} with DNS name ${name} is not permitted because a conflicting RRSet of type CNAME ` +
      `with the same DNS name already exists in zone ${zoneName}`
    );
  }
  return undefined;
}

function absoluteName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}
