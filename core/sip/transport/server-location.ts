/**
 * Locating a SIP server from a domain (RFC 3263 §4): NAPTR picks the transports the domain
 * offers and their order, SRV gives hosts and ports per transport, A gives addresses. Without
 * NAPTR the SRV names are asked for directly (TLS, TCP, UDP); without SRV the domain's own
 * address on the transport's default port. An explicit host with a port, or an IP address,
 * skips NAPTR and SRV (§4.1, §4.2).
 *
 * The result is every candidate in the order RFC 3263 gives (first the best), so the account
 * registers at the first and falls back to the next, as with CUPS's primary and backup.
 * Over TLS the candidate keeps the SRV target's name, which the certificate must carry;
 * otherwise the address found for it.
 */
import { Resolver } from 'node:dns/promises';
import { DeskError } from '../../errors';
import type { SipServer, SipTransportKind } from './transport-choice';

/** The NAPTR services of RFC 3263 §4.1 this client speaks. */
const NAPTR_SERVICES: Record<string, SipTransportKind> = { 'SIP+D2T': 'tcp', 'SIP+D2U': 'udp', 'SIPS+D2T': 'tls' };
const SRV_PREFIX: Record<SipTransportKind, string> = { tls: '_sips._tcp', tcp: '_sip._tcp', udp: '_sip._udp' };
const DEFAULT_PORT: Record<SipTransportKind, number> = { tls: 5061, tcp: 5060, udp: 5060 };

export interface LocateOptions {
  /** DNS servers to ask (`host:port`); the system's when absent. */
  dnsServers?: string[];
  /** Only this transport (the user's choice); otherwise the domain's order (TCP first when it has none). */
  transport?: SipTransportKind;
  /** Per-query time limit (default 3 s) and tries (default 2). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** A target as the user may give it: `domain`, `host:port`, `[v6]:port`, or an IP address. */
export function parseTarget(target: string): { host: string; port?: number } {
  const trimmed = target
    .trim()
    .replace(/^sips?:/i, '')
    .replace(/;.*$/, '');
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (v6) return { host: v6[1]!, ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const m = /^([^:]+)(?::(\d+))?$/.exec(trimmed);
  if (!m || !m[1]) throw new DeskError('invalid-input', `"${target}" is not a host name or address.`);
  const port = m[2] ? Number(m[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) throw new DeskError('invalid-input', `${port} is not a port (1–65535).`);
  return { host: m[1].toLowerCase(), ...(port ? { port } : {}) };
}

const isIp = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');

/** Errors that mean "no such record" rather than "DNS is not answering". */
const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA']);

/**
 * Every server RFC 3263 finds for `target` (a SIP domain, or an outbound proxy), best first.
 * Throws a DeskError naming the domain and what DNS said when none is found.
 */
export async function locateSipServers(target: string, options: LocateOptions = {}): Promise<SipServer[]> {
  const log = options.log ?? (() => {});
  const { host, port } = parseTarget(target);
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: 2 });
  if (options.dnsServers?.length) resolver.setServers(options.dnsServers);
  const failures: string[] = [];
  const ask = async <T>(what: string, query: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await query();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!NOT_FOUND.has(code)) failures.push(`${what}: ${code || (error as Error).message}`);
      return [];
    }
  };
  const addresses = async (name: string): Promise<string[]> => (isIp(name) ? [name] : ask(`A ${name}`, () => resolver.resolve4(name)));
  const onAddresses = async (name: string, p: number, transport: SipTransportKind): Promise<SipServer[]> =>
    transport === 'tls' && !isIp(name)
      ? [{ host: name, port: p, transport }]
      : (await addresses(name)).map((address) => ({ host: address, port: p, transport }));

  // §4.1/4.2: a numeric address or an explicit port needs neither NAPTR nor SRV.
  if (isIp(host) || port !== undefined) {
    const transport = options.transport ?? 'tcp';
    const found = await onAddresses(host, port ?? DEFAULT_PORT[transport], transport);
    return found.length ? found : notFound(target, failures);
  }

  // NAPTR: the transports the domain offers, in its order.
  const naptr = (await ask(`NAPTR ${host}`, () => resolver.resolveNaptr(host)))
    .filter((r) => NAPTR_SERVICES[r.service.toUpperCase()] && r.flags.toLowerCase() === 's')
    .filter((r) => !options.transport || NAPTR_SERVICES[r.service.toUpperCase()] === options.transport)
    .sort((a, b) => a.order - b.order || a.preference - b.preference);
  const srvNames: { name: string; transport: SipTransportKind }[] = naptr.length
    ? naptr.map((r) => ({ name: r.replacement, transport: NAPTR_SERVICES[r.service.toUpperCase()]! }))
    : (options.transport ? [options.transport] : (['tcp', 'tls', 'udp'] as const)).map((t) => ({ name: `${SRV_PREFIX[t]}.${host}`, transport: t }));
  if (naptr.length) log(`dns: NAPTR ${host}: ${naptr.map((r) => `${r.service} → ${r.replacement}`).join(', ')}`);

  const servers: SipServer[] = [];
  for (const { name, transport } of srvNames) {
    const srv = (await ask(`SRV ${name}`, () => resolver.resolveSrv(name))).sort(bySrvOrder);
    for (const record of srv) servers.push(...(await onAddresses(record.name, record.port, transport)));
  }
  if (servers.length) {
    log(`dns: ${host} → ${servers.map((s) => `${s.host}:${s.port}/${s.transport}`).join(', ')}`);
    return unique(servers);
  }
  // §4.2: no SRV either: the domain itself, on the default port.
  const transport = options.transport ?? 'tcp';
  const found = await onAddresses(host, DEFAULT_PORT[transport], transport);
  if (found.length) log(`dns: ${host} has no NAPTR or SRV records; using its address ${found[0]!.host}:${found[0]!.port}/${transport}`);
  return found.length ? found : notFound(target, failures);
}

/** RFC 2782: lowest priority first; within one priority, heavier weight first (a stable stand-in for the weighted draw). */
function bySrvOrder(a: { priority: number; weight: number }, b: { priority: number; weight: number }): number {
  return a.priority - b.priority || b.weight - a.weight;
}

function unique(servers: SipServer[]): SipServer[] {
  const seen = new Set<string>();
  return servers.filter((s) => {
    const key = `${s.host}:${s.port}/${s.transport}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function notFound(target: string, failures: string[]): never {
  throw new DeskError(
    'unreachable',
    failures.length
      ? `Could not find the SIP server for ${target}: DNS did not answer (${failures.join('; ')}).`
      : `Could not find the SIP server for ${target}: DNS has no NAPTR, SRV or address records for it.`,
  );
}
