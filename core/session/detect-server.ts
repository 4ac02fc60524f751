/**
 * Which kind of server an address is, when the user did not say: the address's path first
 * (`/ios_xml_app/cme`, `/EPASSoap/service`), else a probe of the host within a short time
 * limit. Both probes go out at once:
 * - a CME router answers its IXI envelope (ISgetGlobal) at `/ios_xml_app/cme`, with an XML API
 *   response, a fault, or a refusal of the credentials (HTTP 401: the path is the router's);
 * - a CUPS server answers a SOAP envelope at `/EPASSoap/service` with a SOAP Envelope (here a
 *   fault, as the probe carries no session key; nothing is signed in or changed).
 * Neither: a SIMPLE server, found from the address's domain through DNS (RFC 3263).
 * A certificate not yet trusted, on either probe, leaves the choice to the last type used, whose
 * sign-in then shows the certificate to trust.
 */
import type { ServerType } from '../../shared/domain';
import { serverTypeOf } from '../../shared/server-type';
import { cmeRequest } from '../cme/requests';
import { cmeEndpoint, ixiExchange } from '../cme/ixi';
import { cupsEndpoint, envelope, exchange } from '../cups/soap';
import type { CertificateTrust } from '../cups/tls-trust';
import { asDeskError } from '../errors';

export const DEFAULT_DETECT_TIMEOUT_MS = 3000;

/** How the type was found, for the words the UI shows. */
export type DetectedBy = 'path' | 'probe' | 'none';

export interface Detection {
  type: ServerType;
  by: DetectedBy;
}

export interface DetectOptions {
  server: string;
  user: string;
  password: string;
  /** When a probe is refused for its certificate (default CUPS). */
  fallback?: ServerType;
  timeoutMs?: number;
  trust?: CertificateTrust;
  log?: (line: string) => void;
}

type ProbeResult = 'yes' | 'no' | 'tls';

/** A CME router's XML API answered: anything from the IXI reader but a transport failure or a web page. */
async function probeCme(o: DetectOptions, timeoutMs: number): Promise<ProbeResult> {
  try {
    cmeEndpoint(o.server);
    await ixiExchange(
      { server: o.server, user: o.user, password: o.password, timeoutMs, ...(o.trust ? { trust: o.trust } : {}) },
      'ISgetGlobal',
      cmeRequest('ISgetGlobal'),
    );
    return 'yes';
  } catch (error) {
    const code = asDeskError(error).code;
    return code === 'auth' || code === 'soap-fault' ? 'yes' : code === 'tls' ? 'tls' : 'no';
  }
}

/** A CUPS server's SOAP interface answered with a SOAP Envelope (a fault included). */
async function probeCups(o: DetectOptions, timeoutMs: number): Promise<ProbeResult> {
  try {
    const endpoint = cupsEndpoint(o.server);
    await exchange(endpoint, 'get-all-config', envelope('<get-all-config/>', 'presence-desk-probe'), { timeoutMs, ...(o.trust ? { trust: o.trust } : {}) });
    return 'yes';
  } catch (error) {
    const code = asDeskError(error).code;
    return code === 'soap-fault' || code === 'session-expired' || code === 'auth' ? 'yes' : code === 'tls' ? 'tls' : 'no';
  }
}

/** The server type of `server`: by its path, else by probing the host, else SIMPLE. Never throws. */
export async function detectServerType(o: DetectOptions): Promise<Detection> {
  const byPath = serverTypeOf(o.server);
  if (byPath) return { type: byPath, by: 'path' };
  if (!o.server.trim()) return { type: 'simple', by: 'none' };
  const timeoutMs = o.timeoutMs ?? DEFAULT_DETECT_TIMEOUT_MS;
  const [cme, cups] = await Promise.all([probeCme(o, timeoutMs), probeCups(o, timeoutMs)]);
  o.log?.(`session: server type of ${o.server}: CME probe ${cme}, CUPS probe ${cups}`);
  if (cups === 'yes') return { type: 'cups', by: 'probe' };
  if (cme === 'yes') return { type: 'cme', by: 'probe' };
  if (cups === 'tls' || cme === 'tls') return { type: o.fallback ?? 'cups', by: 'none' };
  return { type: 'simple', by: 'none' };
}

/** The address's host, as a SIMPLE sign-in's domain (`host`, `host:port` or a URL). */
export function hostOf(server: string): string {
  const trimmed = server.trim();
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`).hostname;
  } catch {
    return trimmed;
  }
}
