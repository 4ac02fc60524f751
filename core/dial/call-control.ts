/**
 * What the configuration's `CallControl.Primary/Backup1/Backup2` servers are for, read from
 * each one's protocol:
 *
 * - HTTP or HTTPS: WebDialer (click-to-dial SOAP) runs there;
 * - TCP or TLS: the CTI gateway (ECMA-323), which reports the user's own calls. The guide's
 *   example names the call-control server this way (`rtp-epasccm2`, port 2748, TCP); WebDialer
 *   then runs on the first of them at CUCM's HTTPS port 8443;
 * - no protocol: WebDialer over HTTPS, as before the CTI gateway existed.
 */
import type { SystemConfig } from '../cups/types';
import type { CtiGateway } from './cti-link';

/** CUCM serves WebDialer on its administration HTTPS port. */
export const CUCM_HTTPS_PORT = 8443;

export interface CallControlServers {
  /** WebDialer's base URL (`https://host:port`), when any server can carry it. */
  webDialer?: string;
  cti: CtiGateway[];
}

export function callControlServers(system: Pick<SystemConfig, 'properties'>): CallControlServers {
  const cti: CtiGateway[] = [];
  let webDialer: string | undefined;
  for (const role of ['Primary', 'Backup1', 'Backup2']) {
    const host = (system.properties[`CallControl.${role}.Address`] ?? '').trim();
    if (!host) continue;
    const port = Number.parseInt(system.properties[`CallControl.${role}.Port`] ?? '', 10);
    const protocol = (system.properties[`CallControl.${role}.Protocol`] ?? '').trim().toLowerCase();
    const hasPort = Number.isFinite(port) && port > 0;
    if (protocol === 'tcp' || protocol === 'tls') {
      cti.push({ host, port: hasPort ? port : 2748, ...(protocol === 'tls' ? { tls: true } : {}) });
    } else if (!webDialer && protocol !== 'udp') {
      webDialer = `${protocol === 'http' ? 'http' : 'https'}://${host}${hasPort ? `:${port}` : ''}`;
    }
  }
  if (!webDialer && cti.length) webDialer = `https://${cti[0].host}:${CUCM_HTTPS_PORT}`;
  return { ...(webDialer ? { webDialer } : {}), cti };
}
