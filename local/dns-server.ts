import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import type { Answer, DecodedPacket, OptAnswer, Packet, Question } from 'dns-packet';
import dnsPacket from 'dns-packet';
import type { LocalRecord, LocalZones } from '../functions/adapters/local/local-zones.ts';

export interface LocalDnsServerOptions {
  zones: LocalZones;
  host?: string;
  /** 0 picks a port free for both UDP and TCP. */
  port?: number;
}

export interface LocalDnsServer {
  port: number;
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = (typeof RCODE)[keyof typeof RCODE];

/** Short, so a resolver that cached "no such record" sees a validation record soon after it is written. */
const NEGATIVE_TTL = 1;
const APEX_TTL = 3600;
const MAX_CNAME_CHAIN = 8;
const PLAIN_UDP_LIMIT = 512;
const TCP_IDLE_MS = 10_000;
const BIND_ATTEMPTS = 5;

/** An authoritative DNS server for the local zones, over UDP and TCP on the same port. */
export async function startLocalDnsServer(options: LocalDnsServerOptions): Promise<LocalDnsServer> {
  const { zones, host = '127.0.0.1', port = 0 } = options;
  const connections = new Set<Socket>();
  const { udp, tcp, boundPort } = await bindBoth(host, port, () =>
    createServer((socket) => serveTcp(zones, socket, connections)),
  );
  udp.on('message', (message, peer) => {
    const reply = respond(zones, message, 'udp');
    if (reply) udp.send(reply, peer.port, peer.address);
  });
  // A failed send must not crash the process: the client just retries.
  udp.on('error', () => undefined);
  return {
    port: boundPort,
    close: async () => {
      for (const socket of connections) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

/** UDP first (on port 0 the kernel picks), then TCP on the port UDP got; retried if TCP finds it taken. */
async function bindBoth(
  host: string,
  port: number,
  newTcpServer: () => Server,
): Promise<{ udp: UdpSocket; tcp: Server; boundPort: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const udp = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const boundPort = udp.address().port;
    const tcp = newTcpServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(boundPort, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp, boundPort };
    } catch (error) {
      udp.close();
      const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port !== 0 || !taken || attempt >= BIND_ATTEMPTS) throw error;
    }
  }
}

/** DNS over TCP: each message is preceded by its length as two bytes. */
function serveTcp(zones: LocalZones, socket: Socket, connections: Set<Socket>): void {
  connections.add(socket);
  socket.on('close', () => connections.delete(socket));
  socket.on('error', () => socket.destroy());
  socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
      const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
      pending = pending.subarray(2 + message.length);
      const reply = respond(zones, message, 'tcp');
      if (reply) {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([length, reply]));
      }
    }
  });
}

/** The encoded reply to one message, or undefined when it is not a query we can parse. */
function respond(zones: LocalZones, message: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
  try {
    const query = dnsPacket.decode(message);
    if (query.flag_qr) return undefined;
    const opt = query.additionals?.find((record): record is OptAnswer => record.type === 'OPT');
    const reply = buildReply(zones, query, (message.readUInt16BE(2) >> 11) & 0xf);
    if (opt)
      reply.additionals = [
        { ...opt, udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, options: [] },
      ];
    const encoded = dnsPacket.encode(reply);
    // Over TCP the two-byte length prefix caps a message at 65535 bytes.
    const limit = transport === 'tcp' ? 0xffff : Math.max(PLAIN_UDP_LIMIT, opt?.udpPayloadSize ?? 0);
    if (encoded.length <= limit) return encoded;
    const flags = (reply.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
    return dnsPacket.encode({ ...reply, flags, answers: [], authorities: [], additionals: [] });
  } catch {
    return undefined;
  }
}

function buildReply(zones: LocalZones, query: DecodedPacket, opcode: number): Packet {
  const questions = query.questions ?? [];
  const reply = (
    rcode: Rcode,
    authoritative = false,
    answers: Answer[] = [],
    authorities: Answer[] = [],
  ) => ({
    type: 'response' as const,
    id: query.id,
    flags:
      (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
      ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
      rcode,
    questions,
    answers,
    authorities,
  });
  if (opcode !== 0) return reply(RCODE.NOTIMP);
  if (questions.length !== 1) return reply(RCODE.FORMERR);
  const [question] = questions;
  const zone = zones.zoneOf(question.name);
  if (zone === undefined || (question.class ?? 'IN') !== 'IN') return reply(RCODE.REFUSED);
  const { rcode, answers, authorities } = answer(zones, question, zone);
  return reply(rcode, true, answers, authorities);
}

/** Follows CNAMEs while they stay inside the local zones; the rcode belongs to the last name reached. */
function answer(
  zones: LocalZones,
  question: Question,
  zone: string,
): { rcode: Rcode; answers: Answer[]; authorities: Answer[] } {
  const answers: Answer[] = [];
  let owner = question.name.replace(/\.$/, '');
  let ownerZone = zone;
  for (let hop = 0; hop < MAX_CNAME_CHAIN; hop += 1) {
    const { records } = zones.lookup(owner);
    const cname = records.find((record) => record.type === 'CNAME');
    if (cname === undefined || question.type === 'CNAME') {
      const found = recordsOfType(owner, ownerZone, records, question.type);
      answers.push(...found);
      if (found.length > 0) return { rcode: RCODE.NOERROR, answers, authorities: [] };
      const exists = isApex(owner, ownerZone) || records.length > 0 || zones.hasDescendants(owner);
      return { rcode: exists ? RCODE.NOERROR : RCODE.NXDOMAIN, answers, authorities: [soa(ownerZone)] };
    }
    answers.push(toAnswer(owner, cname));
    const nextZone = zones.zoneOf(cname.value);
    if (nextZone === undefined) break;
    owner = cname.value;
    ownerZone = nextZone;
  }
  return { rcode: RCODE.NOERROR, answers, authorities: [] };
}

function recordsOfType(owner: string, zone: string, records: LocalRecord[], type: string): Answer[] {
  const wanted = (recordType: string) => type === 'ANY' || type === recordType;
  const answers = records.filter((record) => wanted(record.type)).map((record) => toAnswer(owner, record));
  if (isApex(owner, zone) && wanted('SOA')) answers.push(soa(zone));
  if (isApex(owner, zone) && wanted('NS')) {
    answers.push({ type: 'NS', name: zone, ttl: APEX_TTL, class: 'IN', data: `ns.${zone}` });
  }
  if (isApex(owner, zone) && wanted('CAA')) answers.push(apexCaa(zone));
  return answers;
}

/**
 * The apex's CAA RRset: iodef only, so it restricts no CA (RFC 8659 §4.2) yet is the relevant set for every
 * name in the zone. The RFC 8659 climb for a local name thus ends inside the local zone instead of asking
 * the outside resolvers about the zone's parents, which have never heard of it.
 */
function apexCaa(zone: string): Answer {
  return {
    type: 'CAA',
    name: zone,
    ttl: APEX_TTL,
    class: 'IN',
    data: { flags: 0, tag: 'iodef', value: `mailto:hostmaster@${zone}` },
  };
}

function toAnswer(owner: string, record: LocalRecord): Answer {
  const base = { name: owner, ttl: record.ttl, class: 'IN' as const };
  if (record.type === 'TXT') return { ...base, type: 'TXT', data: txtChunks(record.value) };
  return { ...base, type: record.type, data: record.value };
}

/** One TXT character-string holds at most 255 bytes; longer values span several. */
function txtChunks(value: string): Buffer[] {
  const bytes = Buffer.from(value);
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += 255) chunks.push(bytes.subarray(start, start + 255));
  return chunks.length > 0 ? chunks : [Buffer.alloc(0)];
}

function soa(zone: string): Answer {
  return {
    type: 'SOA',
    name: zone,
    ttl: NEGATIVE_TTL,
    class: 'IN',
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: Math.floor(Date.now() / 1000) >>> 0,
      refresh: 3600,
      retry: 600,
      expire: 86_400,
      minimum: NEGATIVE_TTL,
    },
  };
}

function isApex(owner: string, zone: string): boolean {
  return owner.toLowerCase() === zone;
}
