/**
 * The Connection settings behind IPC: SOAP time limit and response cap, SIP transport, the
 * certificate trusted for SIP over TLS and event-list presence (all used from the next
 * sign-in), and the certificates the user trusted, which can be forgotten. Certificate
 * material never goes to the renderer, only what identifies it.
 */
import { X509Certificate } from 'node:crypto';
import type { ConnectionSettings, SipCertificateInfo, SipConnectionSettings } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import { DeskError } from '../errors';
import type { Settings, SettingsStore } from '../store/settings';

export type ConnectionChannel = 'connection:get' | 'connection:set' | 'tls:forget' | 'connection:sip' | 'connection:set-sip';

export function connectionSettings(settings: SettingsStore): ConnectionSettings {
  const s = settings.get();
  return {
    soapTimeoutSeconds: s.soapTimeoutSeconds,
    soapMaxResponseMB: s.soapMaxResponseMB,
    trustedCertificates: s.trustedCertificates.map(({ pem: _pem, ...shown }) => shown),
  };
}

function whole(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new DeskError('invalid-input', `${what} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function connectionHandlers(settings: SettingsStore, log: (line: string) => void): Pick<InvokeHandlers, ConnectionChannel> {
  return {
    'connection:get': () => connectionSettings(settings),
    'connection:set': (patch) => {
      const next: { soapTimeoutSeconds?: number; soapMaxResponseMB?: number } = {};
      if (patch?.soapTimeoutSeconds !== undefined) next.soapTimeoutSeconds = whole(patch.soapTimeoutSeconds, 1, 300, 'The SOAP time limit (seconds)');
      if (patch?.soapMaxResponseMB !== undefined) next.soapMaxResponseMB = whole(patch.soapMaxResponseMB, 1, 100, 'The largest SOAP answer (MB)');
      settings.update(next);
      return connectionSettings(settings);
    },
    'tls:forget': (hostPort) => {
      const before = settings.get().trustedCertificates;
      if (!before.some((c) => c.hostPort === hostPort))
        throw new DeskError('invalid-input', `No certificate is trusted for ${String(hostPort).slice(0, 300)}.`);
      settings.update({ trustedCertificates: before.filter((c) => c.hostPort !== hostPort) });
      log(`tls: the user no longer trusts the certificate for ${hostPort}`);
      return connectionSettings(settings);
    },
    'connection:sip': () => sipConnectionSettings(settings),
    'connection:set-sip': (patch) => {
      // Every value is checked before anything is saved: a refused field leaves all as it was.
      const next: Partial<Pick<Settings, 'sipTransport' | 'sipTrustedCertificate' | 'presenceList' | 'xcapRoot' | 'dnsServers'>> = {};
      if (patch?.sipTransport !== undefined) next.sipTransport = transport(patch.sipTransport);
      if (patch?.xcapRoot !== undefined) next.xcapRoot = xcapRoot(patch.xcapRoot);
      if (patch?.dnsServers !== undefined) next.dnsServers = dnsServers(patch.dnsServers);
      if (patch?.presenceList !== undefined) next.presenceList = presenceList(patch.presenceList);
      if (patch?.sipTrustedCertificate !== undefined) next.sipTrustedCertificate = readPem(patch.sipTrustedCertificate).pem;
      settings.update(next);
      if (next.sipTransport !== undefined) log(`settings: SIP transport ${next.sipTransport} from the next sign-in`);
      if (next.presenceList !== undefined) log(`settings: presence list ${next.presenceList || 'off (per contact)'} from the next sign-in`);
      if (next.xcapRoot !== undefined) log(`settings: XCAP root ${next.xcapRoot || 'from DNS'} from the next sign-in`);
      if (next.dnsServers !== undefined) log(`settings: DNS servers ${next.dnsServers || "the system's"} from the next sign-in`);
      if (next.sipTrustedCertificate !== undefined)
        log(
          next.sipTrustedCertificate
            ? 'tls: a certificate is trusted for SIP over TLS from the next sign-in'
            : 'tls: no extra certificate for SIP over TLS from the next sign-in',
        );
      return sipConnectionSettings(settings);
    },
  };
}

export function sipConnectionSettings(settings: SettingsStore): SipConnectionSettings {
  const s = settings.get();
  let sipCertificates: SipCertificateInfo[] = [];
  try {
    // Shown even once expired, so the user sees what is kept and can replace or clear it.
    sipCertificates = readPem(s.sipTrustedCertificate, { allowExpired: true }).certificates;
  } catch {
    // A hand-edited settings file: show nothing rather than fail the whole section; the
    // TLS connection reports the unusable certificate at sign-in.
  }
  return { sipTransport: s.sipTransport, sipCertificates, presenceList: s.presenceList, xcapRoot: s.xcapRoot, dnsServers: s.dnsServers };
}

const TRANSPORTS = ['auto', 'udp', 'tcp', 'tls'] as const;

function transport(value: unknown): SipConnectionSettings['sipTransport'] {
  const found = TRANSPORTS.find((t) => t === value);
  if (!found) throw new DeskError('invalid-input', 'The SIP transport must be Automatic, UDP, TCP or TLS.');
  return found;
}

function xcapRoot(value: unknown): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (v === '') return v;
  let url: URL | undefined;
  try {
    url = new URL(v);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || v.length > 2048)
    throw new DeskError('invalid-input', `"${v.slice(0, 80)}" is not an XCAP root: write an http(s) address such as https://xcap.example.com/xcap-root.`);
  return v.replace(/\/+$/, '');
}

/** Node's resolver takes addresses, not names: `192.0.2.1`, `192.0.2.1:5353`, `[2001:db8::1]:53`. */
function dnsServers(value: unknown): string {
  const parts = (typeof value === 'string' ? value : '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = parts.find((p) => !/^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?|[0-9a-fA-F:]+:[0-9a-fA-F:]*)$/.test(p));
  if (bad) throw new DeskError('invalid-input', `"${bad.slice(0, 80)}" is not a DNS server address: write an IP address, optionally with :port.`);
  return parts.join(', ');
}

function presenceList(value: unknown): string {
  if (typeof value !== 'string') throw new DeskError('invalid-input', 'The presence list must be Off, Automatic or a SIP address.');
  const v = value.trim();
  if (v === '' || v === 'auto') return v;
  // The same shape the settings file accepts, so a value saved here is never dropped on read.
  if (v.length > 512 || !/^sips?:[^@\s]+@[^\s]+$/i.test(v)) {
    throw new DeskError('invalid-input', `"${v.slice(0, 80)}" is not a list address: write a SIP address such as sip:alex-list@example.com.`);
  }
  return v;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const MAX_PEM = 65536;

/** Pasted PEM → the certificates it holds (normalised), or a refusal that says what is wrong. */
export function readPem(text: unknown, { allowExpired = false } = {}): { pem: string; certificates: SipCertificateInfo[] } {
  if (typeof text !== 'string') throw new DeskError('invalid-input', 'Paste the certificate as PEM text.');
  const trimmed = text.trim();
  if (!trimmed) return { pem: '', certificates: [] };
  if (trimmed.length > MAX_PEM) throw new DeskError('invalid-input', `The certificate text is too long (more than ${MAX_PEM / 1024} KB).`);
  const blocks = [...trimmed.matchAll(PEM_BLOCK)];
  // A private key must never be kept in settings, even next to a certificate.
  if (blocks.some((b) => b[1].includes('PRIVATE KEY'))) {
    throw new DeskError('invalid-input', 'That is a private key, which must stay on the server. Paste only the certificate (-----BEGIN CERTIFICATE-----).');
  }
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (certs.length === 0) {
    throw new DeskError(
      'invalid-input',
      'No certificate found: paste PEM text that starts with -----BEGIN CERTIFICATE----- and ends with -----END CERTIFICATE-----.',
    );
  }
  const now = Date.now();
  const certificates = certs.map((b, i) => {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(b[0]);
    } catch (error) {
      const which = certs.length > 1 ? `Certificate ${i + 1} of ${certs.length}` : 'The certificate';
      throw new DeskError('invalid-input', `${which} cannot be read (${(error as Error).message}). Paste it again as it is in the .pem or .crt file.`);
    }
    // An expired certificate would make every TLS connection fail verification: say so now.
    if (!allowExpired && Date.parse(x509.validTo) < now)
      throw new DeskError('invalid-input', `The certificate for ${oneLine(x509.subject)} expired on ${x509.validTo}.`);
    return {
      fingerprint256: x509.fingerprint256,
      subject: oneLine(x509.subject),
      issuer: oneLine(x509.issuer),
      validFrom: x509.validFrom,
      validTo: x509.validTo,
    };
  });
  return { pem: certs.map((b) => b[0]).join('\n') + '\n', certificates };
}

/** Node prints distinguished names one attribute per line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
