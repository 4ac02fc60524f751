/**
 * The user's per-server certificate decisions, kept in settings (`trustedCertificates`) and
 * validated on read: a stored entry whose PEM does not match its fingerprint, or that is
 * malformed, is dropped rather than trusted.
 *
 * Only a certificate this app actually saw refused for that `host:port` can be trusted: the
 * renderer sends back a host:port and fingerprint, never certificate material.
 */
import { z } from 'zod';
import type { ServerCertificate } from '../../shared/domain';
import { isFingerprint, pemFingerprint, type CertificateTrust, type SeenCertificate, type TrustedCertificate } from '../cups/tls-trust';
import { DeskError } from '../errors';
import type { SettingsStore } from './settings';

export const MAX_TRUSTED_CERTIFICATES = 50;

/**
 * One stored trust decision. Only the `hostPort`, fingerprint and PEM are essential; the
 * descriptive fields fall back to '' so an entry from an older version is kept. An entry whose
 * PEM does not match its fingerprint was edited or damaged and is never trusted.
 */
export const TRUSTED_CERTIFICATE_SCHEMA = z
  .object({
    hostPort: z
      .string()
      .max(300)
      .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-f:.]+\]:\d{1,5}$/i, 'must be host:port'),
    fingerprint256: z.string().refine(isFingerprint, 'must be a SHA-256 fingerprint'),
    subject: z.string().max(2048).catch(''),
    issuer: z.string().max(2048).catch(''),
    validFrom: z.string().max(64).catch(''),
    validTo: z.string().max(64).catch(''),
    pem: z.string().max(16384),
    trustedAt: z.number().finite().catch(0),
  })
  .refine((c) => pemFingerprint(c.pem) === c.fingerprint256, 'the certificate does not match its fingerprint') satisfies z.ZodType<TrustedCertificate>;

/** The stored list, leniently: unusable entries are dropped, the others kept (at most 50). */
export const TRUSTED_CERTIFICATES_SCHEMA = z.array(z.unknown()).transform((entries) =>
  entries.slice(0, MAX_TRUSTED_CERTIFICATES).flatMap((entry) => {
    const parsed = TRUSTED_CERTIFICATE_SCHEMA.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  }),
);

export function validateTrustedCertificates(raw: unknown): TrustedCertificate[] {
  const parsed = TRUSTED_CERTIFICATES_SCHEMA.safeParse(raw);
  return parsed.success ? parsed.data : [];
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
