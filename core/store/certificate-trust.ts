/**
 * The user's per-server certificate decisions, kept in settings (`trustedCertificates`) and
 * validated on read: a stored entry whose PEM does not match its fingerprint, or that is
 * malformed, is dropped rather than trusted.
 *
 * Only a certificate this app actually saw refused for that `host:port` can be trusted: the
 * renderer sends back a host:port and fingerprint, never certificate material.
 */
import type { ServerCertificate } from '../../shared/domain';
import { isFingerprint, pemFingerprint, type CertificateTrust, type SeenCertificate, type TrustedCertificate } from '../cups/tls-trust';
import { DeskError } from '../errors';
import type { SettingsStore } from './settings';

export const MAX_TRUSTED_CERTIFICATES = 50;

/** JSON schema of one entry, shared with electron-store. */
export const TRUSTED_CERTIFICATES_SCHEMA = {
  type: 'array',
  maxItems: MAX_TRUSTED_CERTIFICATES,
  items: {
    type: 'object',
    required: ['hostPort', 'fingerprint256', 'pem', 'trustedAt'],
    properties: {
      hostPort: { type: 'string', maxLength: 300 },
      fingerprint256: { type: 'string', pattern: '^([0-9A-F]{2}:){31}[0-9A-F]{2}$' },
      subject: { type: 'string', maxLength: 2048 },
      issuer: { type: 'string', maxLength: 2048 },
      validFrom: { type: 'string', maxLength: 64 },
      validTo: { type: 'string', maxLength: 64 },
      pem: { type: 'string', maxLength: 16384 },
      trustedAt: { type: 'number' },
    },
  },
} as const;

const str = (v: unknown, max: number) => (typeof v === 'string' && v.length <= max ? v : undefined);

export function validateTrustedCertificates(raw: unknown): TrustedCertificate[] {
  if (!Array.isArray(raw)) return [];
  const out: TrustedCertificate[] = [];
  for (const r of raw.slice(0, MAX_TRUSTED_CERTIFICATES)) {
    if (!r || typeof r !== 'object') continue;
    const e = r as Record<string, unknown>;
    const hostPort = str(e.hostPort, 300);
    const pem = str(e.pem, 16384);
    if (!hostPort || !/^[^\s:]+:\d{1,5}$|^\[[0-9a-f:.]+\]:\d{1,5}$/i.test(hostPort) || !pem || !isFingerprint(e.fingerprint256)) continue;
    if (pemFingerprint(pem) !== e.fingerprint256) continue; // edited or damaged: never trust it
    out.push({
      hostPort,
      fingerprint256: e.fingerprint256,
      subject: str(e.subject, 2048) ?? '',
      issuer: str(e.issuer, 2048) ?? '',
      validFrom: str(e.validFrom, 64) ?? '',
      validTo: str(e.validTo, 64) ?? '',
      pem,
      trustedAt: typeof e.trustedAt === 'number' && Number.isFinite(e.trustedAt) ? e.trustedAt : 0,
    });
  }
  return out;
}

/** Settings-backed trust, shared by the CUPS session and WebDialer. */
export class SettingsCertificateTrust implements CertificateTrust {
  /** Certificates refused in this run, by host:port: the ones the user may choose to trust. */
  private readonly refused = new Map<string, SeenCertificate>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly log: (line: string) => void = () => {},
  ) {}

  pinFor(hostPort: string): TrustedCertificate | undefined {
    return this.settings.get().trustedCertificates.find((c) => c.hostPort === hostPort);
  }

  seen(certificate: SeenCertificate): void {
    this.refused.set(certificate.hostPort, certificate);
  }

  /** Trusts the certificate last refused for `hostPort`, if its fingerprint is the one shown. */
  trust(hostPort: string, fingerprint256: string): ServerCertificate {
    const seen = this.refused.get(hostPort);
    if (!seen || seen.fingerprint256 !== fingerprint256) {
      throw new DeskError('invalid-input', `No certificate with that fingerprint was presented by ${hostPort}; connect again and check the certificate shown.`);
    }
    const entry: TrustedCertificate = { ...seen, trustedAt: Date.now() };
    const others = this.settings.get().trustedCertificates.filter((c) => c.hostPort !== hostPort);
    this.settings.update({ trustedCertificates: [entry, ...others].slice(0, MAX_TRUSTED_CERTIFICATES) });
    this.refused.delete(hostPort);
    this.log(`tls: the user trusted the certificate ${fingerprint256} for ${hostPort}`);
    const { pem: _pem, trustedAt: _at, ...shown } = entry;
    return shown;
  }
}
