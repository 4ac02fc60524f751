/**
 * The lab's DNS answers: a tiny authoritative server on a free loopback UDP port that knows
 * one zone's NAPTR, SRV and A records, so RFC 3263 server location is tested against real DNS
 * packets (the client points its resolver here) and nothing reaches the network. Names it does
 * not know are answered NXDOMAIN; record types it does not hold, an empty answer (NODATA).
 */
import { createSocket, type Socket } from 'node:dgram';
import dnsPacket, { type Answer, type Question } from 'dns-packet';

export interface LabDnsRecords {
  /** NAPTR records of a domain (RFC 3263 §4.1): service `SIP+D2U`, `SIP+D2T` or `SIPS+D2T`, pointing at an SRV name. */
  naptr?: Record<string, { order: number; preference: number; service: string; replacement: string }[]>;
  /** SRV records by name (`_sip._tcp.<domain>`). */
  srv?: Record<string, { priority: number; weight: number; port: number; target: string }[]>;
  /** A records by host name. */
  a?: Record<string, string[]>;
}

export interface LabDns {
  host: '127.0.0.1';
  port: number;
  /** `127.0.0.1:<port>`, for a resolver's `setServers`. */
  server: string;
  /** Replaces the records served from now on. */
  setRecords(records: LabDnsRecords): void;
  /** Questions asked so far (`TYPE name`), oldest first. */
  readonly asked: string[];
  close(): Promise<void>;
}

const lower = (name: string) => name.toLowerCase().replace(/\.$/, '');

function answersFor(records: LabDnsRecords, q: Question): { known: boolean; answers: Answer[] } {
  const name = lower(q.name);
  const naptr = Object.entries(records.naptr ?? {}).find(([n]) => lower(n) === name)?.[1];
  const srv = Object.entries(records.srv ?? {}).find(([n]) => lower(n) === name)?.[1];
  const a = Object.entries(records.a ?? {}).find(([n]) => lower(n) === name)?.[1];
  const known = Boolean(naptr || srv || a);
  const ttl = 60;
  if (q.type === 'NAPTR' && naptr)
    return {
      known,
      answers: naptr.map((r) => ({
        type: 'NAPTR',
        name: q.name,
        ttl,
        data: { order: r.order, preference: r.preference, flags: 's', services: r.service, regexp: '', replacement: r.replacement },
      })),
    };
  if (q.type === 'SRV' && srv) return { known, answers: srv.map((r) => ({ type: 'SRV', name: q.name, ttl, data: r })) };
  if (q.type === 'A' && a) return { known, answers: a.map((address) => ({ type: 'A', name: q.name, ttl, data: address })) };
  return { known, answers: [] };
}

export async function startLabDns(initial: LabDnsRecords, log: (line: string) => void = () => {}): Promise<LabDns> {
  let records = initial;
  const asked: string[] = [];
  const socket: Socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    let query;
    try {
      query = dnsPacket.decode(message);
    } catch (error) {
      log(`dns: unreadable query from ${peer.address}:${peer.port} ignored (${(error as Error).message})`);
      return;
    }
    const questions = query.questions ?? [];
    let known = false;
    const answers: Answer[] = [];
    for (const q of questions) {
      asked.push(`${q.type} ${lower(q.name)}`);
      const found = answersFor(records, q);
      known ||= found.known;
      answers.push(...found.answers);
    }
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      // Authoritative answer, recursion desired echoed; NXDOMAIN (rcode 3) for a name it has no records of.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | (known ? 0 : 3),
      questions,
      answers,
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const port = socket.address().port;
  log(`dns: answering on 127.0.0.1:${port}`);
  return {
    host: '127.0.0.1',
    port,
    server: `127.0.0.1:${port}`,
    setRecords: (next) => (records = next),
    asked,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/**
 * The records RFC 3263 expects for a SIP domain served by one host: NAPTR for UDP, TCP and
 * TLS (TCP preferred), an SRV for each, and the host's A record.
 */
export function sipDomainRecords(domain: string, host: { name: string; address: string; udp: number; tcp: number; tls?: number }): LabDnsRecords {
  const naptr = [
    { order: 10, preference: 10, service: 'SIP+D2T', replacement: `_sip._tcp.${domain}` },
    { order: 10, preference: 20, service: 'SIP+D2U', replacement: `_sip._udp.${domain}` },
    ...(host.tls ? [{ order: 10, preference: 30, service: 'SIPS+D2T', replacement: `_sips._tcp.${domain}` }] : []),
  ];
  const srv: NonNullable<LabDnsRecords['srv']> = {
    [`_sip._tcp.${domain}`]: [{ priority: 10, weight: 10, port: host.tcp, target: host.name }],
    [`_sip._udp.${domain}`]: [{ priority: 10, weight: 10, port: host.udp, target: host.name }],
  };
  if (host.tls) srv[`_sips._tcp.${domain}`] = [{ priority: 10, weight: 10, port: host.tls, target: host.name }];
  return { naptr: { [domain]: naptr }, srv, a: { [host.name]: [host.address] } };
}
