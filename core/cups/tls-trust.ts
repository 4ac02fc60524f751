/**
 * Per-server certificate trust for HTTPS (CUPS SOAP and WebDialer).
 *
 * Without a pin, Node's normal verification against the system's trusted roots applies and a
 * failure carries the certificate the server presented, so the user can look at it. When the
 * user trusts that certificate for `host:port`, later connections to exactly that `host:port`
 * add it as one more trust anchor and accept only a certificate with the same SHA-256
 * fingerprint: a different certificate is refused again, in words that say it changed.
 * Verification is never switched off.
 */
import { X509Certificate } from 'node:crypto';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import type { ServerCertificate } from '../../shared/domain';

/** A certificate the user chose to trust for one `host:port`. */
export interface TrustedCertificate extends ServerCertificate {
  /** The certificate itself (PEM); added as a trust anchor for this host:port only. */
  pem: string;
  /** Epoch ms of the decision. */
  trustedAt: number;
}

/** A certificate presented in a failed handshake, with its PEM so it can be trusted. */
export interface SeenCertificate extends ServerCertificate {
  pem: string;
}

export interface CertificateTrust {
  /** The certificate trusted for `host:port`, if any. */
  pinFor(hostPort: string): TrustedCertificate | undefined;
  /** Told of every certificate that failed verification (the UI may offer to trust it). */
  seen?(certificate: SeenCertificate): void;
}

export const CERT_CHANGED = 'ERR_PRESENCE_DESK_CERT_CHANGED';

const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

export function isFingerprint(value: unknown): value is string {
  return typeof value === 'string' && FINGERPRINT.test(value);
}

function names(value: unknown): string {
  if (!value || typeof value !== 'object') return '';
  return Object.entries(value as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

function toPem(raw: Buffer): string {
  const b64 = raw
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** What the user is shown of a peer certificate, plus its PEM. */
export function describePeer(hostPort: string, cert: PeerCertificate): SeenCertificate {
  return {
    hostPort,
    fingerprint256: cert.fingerprint256,
    subject: names(cert.subject),
    issuer: names(cert.issuer),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    pem: toPem(cert.raw),
  };
}

/** Reads a PEM certificate's fingerprint (used to check stored pins on load). */
export function pemFingerprint(pem: string): string | undefined {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return undefined;
  }
}

/**
 * Request options for `host:port`: nothing extra without a pin (system roots, normal
 * checks); with a pin, the pinned certificate joins the roots and the identity check accepts
 * that certificate and no other.
 */
export function tlsOptionsFor(
  hostPort: string,
  trust: CertificateTrust | undefined,
): Pick<tls.ConnectionOptions, 'ca' | 'checkServerIdentity' | 'allowPartialTrustChain'> {
  const pin = trust?.pinFor(hostPort);
  if (!pin) return {};
  return {
    ca: [...tls.rootCertificates, pin.pem],
    // The pinned certificate may be issued by a private CA the server does not send: let the
    // chain end at the pinned certificate itself (the identity check below still demands it).
    allowPartialTrustChain: true,
    // The user trusted exactly this certificate for this host:port, whatever names it
    // carries (self-signed CUPS certificates often name the host differently).
    checkServerIdentity: (_host, cert) =>
      cert.fingerprint256 === pin.fingerprint256
        ? undefined
        : Object.assign(new Error(`certificate changed`), { code: CERT_CHANGED, fingerprint256: cert.fingerprint256 }),
  };
}

/**
 * Remembers the certificate a TLS socket presents, read before Node's own verification can
 * close the socket (the listener runs ahead of it), so a failure can show what was offered.
 */
export function capturePeerCertificate(socket: TLSSocket, hostPort: string, into: (c: SeenCertificate) => void): void {
  socket.prependListener('secure', () => {
    try {
      const cert = socket.getPeerCertificate(false);
      if (cert && cert.raw) into(describePeer(hostPort, cert));
    } catch {
      // No certificate to show: the error still says the connection was not trusted.
    }
  });
}

/** The words for a refused certificate, naming host:port and saying whether it changed. */
export function tlsFailureMessage(hostPort: string, code: string, seen: SeenCertificate | undefined, pin: TrustedCertificate | undefined): string {
  if (pin && seen && seen.fingerprint256 !== pin.fingerprint256) {
    return (
      `The certificate of ${hostPort} has changed since you trusted it (trusted ${pin.fingerprint256.slice(0, 23)}…, ` +
      `now ${seen.fingerprint256.slice(0, 23)}…). The connection was refused; trust the new certificate only if your administrator replaced it.`
    );
  }
  const why = TLS_WORDS[code];
  return `The certificate of ${hostPort} is not trusted${why ? `: ${why}` : ''} (${code}).`;
}

/** Why Node refused a certificate, in words. */
const TLS_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it is issued by an authority this computer does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is issued by an authority this computer does not know',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it is issued by an authority this computer does not know',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is made out for a different server name',
};

/** Public part of a seen certificate (no PEM), marked when it replaces a trusted one. */
export function shownCertificate(seen: SeenCertificate, pin: TrustedCertificate | undefined): ServerCertificate {
  const { pem: _pem, ...shown } = seen;
  return pin && pin.fingerprint256 !== seen.fingerprint256 ? { ...shown, changedFrom: pin.fingerprint256 } : shown;
}
