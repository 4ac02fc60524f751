/**
 * A sip.js transport over TLS for Node: the shared stream transport (`stream-transport.ts`)
 * on a TLS socket (RFC 3261 §26.2, `sips`-less TLS hop to the presence server).
 *
 * Certificates are always verified, and the host name (or IP address) must match the
 * certificate: there is deliberately no option to turn either off. Trusted are Node's bundled
 * roots, the operating system's CA bundle, and an optional extra CA or the server's own
 * self-signed certificate given as PEM (`ca`). A `pinnedSha256` fingerprint additionally
 * requires the server certificate to be exactly that one.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, connect, rootCertificates, type PeerCertificate } from 'node:tls';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import { StreamTransport, describeSocketError, type StreamSocketFactory, type StreamTransportOptions } from './stream-transport';

export interface TlsTransportOptions extends StreamTransportOptions {
  /** Extra trust anchors (PEM): a private CA, or the server's self-signed certificate. */
  ca?: string;
  /** SHA-256 fingerprint of the only server certificate accepted (hex, colons optional). */
  pinnedSha256?: string;
}

/** Where Debian/Ubuntu, Fedora/RHEL and Alpine keep the system CA bundle. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

let systemCas: string[] | undefined;
/** Node's roots plus the system bundle (Node 20 does not read the system store by itself). */
function systemTrust(): string[] {
  if (!systemCas) {
    systemCas = [...rootCertificates];
    for (const file of SYSTEM_BUNDLES) {
      try {
        systemCas.push(readFileSync(file, 'utf8'));
        break;
      } catch {
        // Not on this system: try the next usual place.
      }
    }
  }
  return systemCas;
}

const normaliseFingerprint = (v: string) => v.replace(/[^0-9a-f]/gi, '').toUpperCase();

/** Checks an extra CA option early, so a bad paste is a clear configuration error. */
export function validateCaPem(pem: string): void {
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw Object.assign(new Error(`The trusted certificate for TLS is not a readable PEM certificate (${(error as Error).message})`), { code: 'tls' });
  }
}

/** Turns OpenSSL's verification codes into words, keeping the code for the log. */
export function describeTlsError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  const reasons: Record<string, string> = {
    DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted',
    SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain ends in an untrusted self-signed CA',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not signed by a trusted CA',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is not signed by a trusted CA',
    CERT_HAS_EXPIRED: 'the server certificate has expired',
    CERT_NOT_YET_VALID: 'the server certificate is not valid yet',
    ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate is for another name',
    ERR_TLS_CERT_PINNED: 'the server certificate is not the pinned one',
  };
  if (reasons[code]) return `TLS: ${reasons[code]} (${code})`;
  if (error.syscall) return describeSocketError(error);
  return `TLS: ${error.message}${code ? ` (${code})` : ''}`;
}

function tlsFactory(options: TlsTransportOptions): StreamSocketFactory {
  const ca = [...systemTrust(), ...(options.ca ? [options.ca] : [])];
  const pinned = options.pinnedSha256 ? normaliseFingerprint(options.pinnedSha256) : undefined;
  return {
    name: 'tls',
    readyEvent: 'secureConnect',
    open: (host, port) =>
      connect({
        host,
        port,
        ca,
        // SNI only for names (RFC 6066 forbids IP literals); identity is checked either way.
        ...(isIP(host) ? {} : { servername: host }),
        rejectUnauthorized: true,
        checkServerIdentity: (name: string, cert: PeerCertificate) => {
          const mismatch = checkServerIdentity(name, cert);
          if (mismatch) return mismatch;
          if (pinned && normaliseFingerprint(cert.fingerprint256 ?? '') !== pinned) {
            return Object.assign(new Error('the server certificate is not the pinned one'), { code: 'ERR_TLS_CERT_PINNED' });
          }
          return undefined;
        },
      }),
    describeError: describeTlsError,
  };
}

export class TlsTransport extends StreamTransport {
  constructor(logger: Logger, options: unknown) {
    super(logger, options, tlsFactory(options as TlsTransportOptions));
  }
}
