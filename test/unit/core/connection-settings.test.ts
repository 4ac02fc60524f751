/**
 * Settings → Connection, SIP side: transport, trusted certificate for SIP over TLS and
 * event-list presence are saved in settings (and so used from the next sign-in); values that
 * could not work are refused with words and change nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipConnectionSettings } from '../../../shared/domain';
import { connectionHandlers } from '../../../core/settings';
import { JsonSettingsStore } from '../../../core/store/settings';
import { makeTlsCertificate } from '../../../lab/kamailio/tls-cert';

let dir: string;
let pem: string;
let key: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-conn-'));
  const made = await makeTlsCertificate(dir, 'example.test');
  pem = made.certificate;
  key = readFileSync(made.keyFile, 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fresh() {
  const file = join(dir, `settings-${Math.random().toString(36).slice(2)}.json`);
  const settings = new JsonSettingsStore(file);
  const log: string[] = [];
  const handlers = connectionHandlers(settings, (l) => log.push(l));
  // The handlers answer synchronously; the contract allows a promise, so narrow it here.
  const h = {
    'connection:sip': () => handlers['connection:sip']() as SipConnectionSettings,
    'connection:set-sip': (patch: Parameters<(typeof handlers)['connection:set-sip']>[0]) => handlers['connection:set-sip'](patch) as SipConnectionSettings,
  };
  return { file, settings, log, h };
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('not refused');
};

describe('SIP connection settings', () => {
  it('starts from the defaults: transport from the server, no extra certificate, per-contact presence', () => {
    expect(fresh().h['connection:sip']()).toEqual({ sipTransport: 'auto', sipCertificates: [], presenceList: '', xcapRoot: '', dnsServers: '' });
  });

  it('saves the XCAP root and DNS servers of SIMPLE servers, refusing what they cannot be in words', () => {
    const { settings, h } = fresh();
    const shown = h['connection:set-sip']({ xcapRoot: ' https://xcap.example.test/xcap-root/ ', dnsServers: '192.0.2.1, 192.0.2.2:5353' });
    expect(shown).toMatchObject({ xcapRoot: 'https://xcap.example.test/xcap-root', dnsServers: '192.0.2.1, 192.0.2.2:5353' });
    expect(settings.get()).toMatchObject({ xcapRoot: 'https://xcap.example.test/xcap-root', dnsServers: '192.0.2.1, 192.0.2.2:5353' });
    expect(() => h['connection:set-sip']({ xcapRoot: 'ftp://x' })).toThrow(/"ftp:\/\/x" is not an XCAP root/);
    expect(() => h['connection:set-sip']({ dnsServers: 'dns.example.test' })).toThrow(/"dns\.example\.test" is not a DNS server address/);
    expect(settings.get().xcapRoot).toBe('https://xcap.example.test/xcap-root');
  });

  it('saves transport, presence list and certificate to the settings file, showing the certificate by identity only', () => {
    const { file, settings, h, log } = fresh();
    const shown = h['connection:set-sip']({ sipTransport: 'tls', presenceList: 'sip:alex-list@example.test', sipTrustedCertificate: `\n${pem}\n` });
    expect(shown.sipTransport).toBe('tls');
    expect(shown.presenceList).toBe('sip:alex-list@example.test');
    expect(shown.sipCertificates).toHaveLength(1);
    expect(shown.sipCertificates[0].subject).toContain('CN=');
    expect(shown.sipCertificates[0].fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(JSON.stringify(shown)).not.toContain('BEGIN CERTIFICATE');
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.sipTransport).toBe('tls');
    expect(onDisk.presenceList).toBe('sip:alex-list@example.test');
    expect(onDisk.sipTrustedCertificate.trim()).toBe(pem.trim());
    // A new store on the same file (the next start) reads the same values back.
    expect(connectionHandlers(new JsonSettingsStore(file), () => {})['connection:sip']()).toEqual(shown);
    expect(settings.get().sipTransport).toBe('tls');
    expect(log.join('\n')).toContain('from the next sign-in');

    const cleared = h['connection:set-sip']({ sipTrustedCertificate: '', presenceList: 'auto', sipTransport: 'udp' });
    expect(cleared).toEqual({ sipTransport: 'udp', sipCertificates: [], presenceList: 'auto', xcapRoot: '', dnsServers: '' });
    expect(JSON.parse(readFileSync(file, 'utf8')).sipTrustedCertificate).toBe('');
  });

  it('refuses values that could not work, with words, and keeps what was saved', () => {
    const { settings, h } = fresh();
    h['connection:set-sip']({ sipTransport: 'tcp' });
    expect(refusal(() => h['connection:set-sip']({ sipTransport: 'sctp' }))).toEqual({
      code: 'invalid-input',
      message: 'The SIP transport must be Automatic, UDP, TCP or TLS.',
    });
    expect(refusal(() => h['connection:set-sip']({ presenceList: 'alex-list' })).message).toBe(
      '"alex-list" is not a list address: write a SIP address such as sip:alex-list@example.com.',
    );
    expect(refusal(() => h['connection:set-sip']({ sipTrustedCertificate: 'hello' })).message).toMatch(
      /^No certificate found: paste PEM text that starts with -----BEGIN CERTIFICATE-----/,
    );
    expect(refusal(() => h['connection:set-sip']({ sipTrustedCertificate: key })).message).toMatch(/^That is a private key/);
    expect(refusal(() => h['connection:set-sip']({ sipTrustedCertificate: `${pem}\n${key}` })).message).toMatch(/^That is a private key/);
    const broken = pem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    expect(refusal(() => h['connection:set-sip']({ sipTrustedCertificate: broken })).message).toMatch(/^The certificate cannot be read \(/);
    // One bad field refuses the whole change: the good transport beside it is not saved either.
    expect(refusal(() => h['connection:set-sip']({ sipTransport: 'udp', presenceList: 'nope' })).code).toBe('invalid-input');
    expect(settings.get()).toMatchObject({ sipTransport: 'tcp', presenceList: '', sipTrustedCertificate: '' });
  });

  it('refuses an expired certificate, yet shows one kept from before so it can be replaced', () => {
    // Self-signed, valid during 2020 only (made with `openssl ca -startdate/-enddate`); no key.
    const expired = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'expired-certificate.pem'), 'utf8');
    const { settings, h } = fresh();
    expect(refusal(() => h['connection:set-sip']({ sipTrustedCertificate: expired })).message).toBe(
      'The certificate for CN=expired.example.test expired on Jan  1 00:00:00 2021 GMT.',
    );
    expect(settings.get().sipTrustedCertificate).toBe('');
    settings.update({ sipTrustedCertificate: expired });
    expect(h['connection:sip']().sipCertificates.map((c) => [c.subject, c.validTo])).toEqual([['CN=expired.example.test', 'Jan  1 00:00:00 2021 GMT']]);
  });
});
