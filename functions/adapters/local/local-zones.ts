import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import { canonicalDnsName, closestZone } from '../../core/dns-zones.ts';
import type { DnsZoneWriter } from '../../core/ports.ts';

export type LocalRecordType = 'CNAME' | 'TXT' | 'A';

export interface LocalRecord {
  /** Lowercase, without trailing dot. */
  name: string;
  type: LocalRecordType;
  /** CNAME targets are stored lowercase without trailing dot; TXT and A values as given. */
  value: string;
  ttl: number;
}

export interface LocalZoneLookup {
  /** The longest local zone holding the name, if any. */
  zone?: string;
  records: LocalRecord[];
}

const DEFAULT_TTL = 60;

/** The DNS zones of the local stack: records kept in memory and persisted as one JSON file. */
export class LocalZones implements DnsZoneWriter {
  readonly zones: readonly string[];
  private readonly recordsByName = new Map<string, LocalRecord[]>();
  /** The file write under way, if any. */
  private writing: Promise<void> | undefined;
  /** The write queued behind it, which takes its snapshot when it starts; changes made until then join it. */
  private queued: Promise<void> | undefined;

  constructor(
    zones: string[],
    private readonly filePath: string,
  ) {
    this.zones = zones.map(canonicalDnsName);
    for (const record of readRecords(filePath)) this.add(normalizeRecord(record));
  }

  manages(name: string): boolean {
    return this.zoneOf(name) !== undefined;
  }

  zoneOf(name: string): string | undefined {
    return closestZone(name, this.zones);
  }

  async upsertCname(name: string, value: string, ttl = DEFAULT_TTL): Promise<void> {
    return this.upsert({ name, type: 'CNAME', value, ttl });
  }

  /**
   * A CNAME replaces everything at its name. A TXT or A record replaces a CNAME at its name, and is
   * otherwise added to its record set unless that set already holds the value (then only its ttl changes).
   */
  async upsert(record: Omit<LocalRecord, 'ttl'> & { ttl?: number }): Promise<void> {
    const normalized = normalizeRecord({ ...record, ttl: record.ttl ?? DEFAULT_TTL });
    const zone = this.zoneOf(normalized.name);
    if (zone === undefined) throw new Error(`${normalized.name} is in no local zone`);
    if (normalized.type === 'CNAME' && normalized.name === zone) {
      throw new Error(`a CNAME cannot sit at the zone apex ${zone}`);
    }
    if (normalized.type === 'A' && isIP(normalized.value) !== 4) {
      throw new Error(`an A record needs an IPv4 address: ${normalized.value}`);
    }
    const kept = (this.recordsByName.get(normalized.name) ?? []).filter(
      (existing) =>
        normalized.type !== 'CNAME' &&
        existing.type !== 'CNAME' &&
        !(existing.type === normalized.type && existing.value === normalized.value),
    );
    this.recordsByName.set(normalized.name, [...kept, normalized]);
    return this.persist();
  }

  /** Removes every record of `type` at `name`. */
  async remove(name: string, type: LocalRecordType): Promise<void> {
    const normalized = canonicalDnsName(name);
    const kept = (this.recordsByName.get(normalized) ?? []).filter((record) => record.type !== type);
    if (kept.length > 0) this.recordsByName.set(normalized, kept);
    else this.recordsByName.delete(normalized);
    return this.persist();
  }

  lookup(name: string): LocalZoneLookup {
    const zone = this.zoneOf(name);
    if (zone === undefined) return { records: [] };
    return { zone, records: [...(this.recordsByName.get(canonicalDnsName(name)) ?? [])] };
  }

  /** True when records exist below `name`, which makes it an empty non-terminal rather than absent. */
  hasDescendants(name: string): boolean {
    const suffix = `.${canonicalDnsName(name)}`;
    for (const owner of this.recordsByName.keys()) if (owner.endsWith(suffix)) return true;
    return false;
  }

  private add(record: LocalRecord): void {
    this.recordsByName.set(record.name, [...(this.recordsByName.get(record.name) ?? []), record]);
  }

  /**
   * Resolves once a snapshot holding the change just made is on disk. One write at a time, so a later
   * snapshot never lands before an earlier one; changes made while one is under way share the next write.
   */
  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const write: Promise<void> = (this.writing ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        this.writing = write;
        const json = `${JSON.stringify({ records: [...this.recordsByName.values()].flat() }, null, 2)}\n`;
        return writeAtomically(this.filePath, json);
      })
      .finally(() => {
        if (this.writing === write) this.writing = undefined;
      });
    this.queued = write;
    return write;
  }
}

function readRecords(filePath: string): LocalRecord[] {
  if (!existsSync(filePath)) return [];
  const parsed = JSON.parse(readFileSync(filePath, 'utf8')) as { records?: LocalRecord[] };
  if (!Array.isArray(parsed.records)) throw new Error(`${filePath} holds no records list`);
  return parsed.records;
}

async function writeAtomically(filePath: string, content: string): Promise<void> {
  await mkdir(dirname(filePath), { recursive: true });
  const temporary = `${filePath}.${randomUUID()}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, filePath);
}

function normalizeRecord(record: LocalRecord): LocalRecord {
  const value = record.type === 'CNAME' ? canonicalDnsName(record.value) : record.value;
  return { name: canonicalDnsName(record.name), type: record.type, value, ttl: record.ttl };
}
