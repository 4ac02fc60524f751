/**
 * HTTPS to CUPS with a per-server trust decision, against the lab CUPS serving a self-signed
 * certificate made for this run: untrusted → a `tls` error carrying the certificate → the user
 * trusts it → sign-in works → the server's certificate changes → refused, saying it changed.
 * WebDialer goes through the same trust. Stored decisions are validated on read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CupsSession, type CupsError } from '../../../core/cups';
import { WebDialer } from '../../../core/dial/webdialer';
import { SettingsCertificateTrust, validateTrustedCertificates } from '../../../core/store/certificate-trust';
import { MemorySettingsStore, validateSettings } from '../../../core/store/settings';
import { startLabCups, type LabCups } from '../../../lab/cups/server';
import { makePrivateCaCertificate } from '../../../lab/cups/certificate';
import { createServer } from 'node:https';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let lab: LabCups;
let hostPort = '';
beforeAll(async () => {
  lab = await startLabCups({
    tls: true,
    domain: 'lab.test',
    presence: { host: '127.0.0.1', port: 5099, protocol: 'tcp' },
    users: [{ id: 'alex', password: 'secret', displayName: 'Alex' }],
  });
  hostPort = `127.0.0.1:${lab.port}`;
});
afterAll(() => lab.close());

async function failure(p: Promise<unknown>): Promise<CupsError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!error) throw new Error('expected the request to fail');
  return error as CupsError;
}

describe('HTTPS with a trusted certificate per server', () => {
  it('untrusted → error with the fingerprint → trust → works → changed certificate → refused', async () => {
    const settings = new MemorySettingsStore();
    const trust = new SettingsCertificateTrust(settings);
    const session = () => new CupsSession({ server: lab.url, user: 'alex', password: 'secret', trust });
    expect(lab.url.startsWith('https://')).toBe(true);

    const first = await failure(session().login({ force: true }));
    expect(first.code).toBe('tls');
    expect(first.message).toBe(`The certificate of ${hostPort} is not trusted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT).`);
    expect(first.certificate).toMatchObject({
      hostPort,
      fingerprint256: lab.certificateFingerprint,
      subject: 'O=Presence Desk lab, CN=Presence Desk lab CUPS',
      issuer: 'O=Presence Desk lab, CN=Presence Desk lab CUPS',
    });
    expect(first.certificate?.validTo).toMatch(/GMT$/);
    expect(first.certificate?.changedFrom).toBeUndefined();
    // The error crosses to the UI with the certificate and without the PEM.
    expect(first.toAppError().certificate).toEqual(first.certificate);
    expect(JSON.stringify(first.toAppError())).not.toContain('BEGIN CERTIFICATE');
    expect(lab.sessionOf('alex')).toBeUndefined();

    // Only the certificate actually presented can be trusted.
    expect(() => trust.trust(hostPort, '00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF')).toThrow(
      /No certificate with that fingerprint/,
    );
    expect(() => trust.trust('127.0.0.1:1', first.certificate!.fingerprint256)).toThrow(/No certificate/);
    const trusted = trust.trust(hostPort, first.certificate!.fingerprint256);
    expect(trusted.fingerprint256).toBe(lab.certificateFingerprint);
    expect(settings.get().trustedCertificates.map((c) => [c.hostPort, c.fingerprint256])).toEqual([[hostPort, lab.certificateFingerprint]]);

    const s = session();
    await s.login({ force: true });
    expect(lab.sessionOf('alex')).toBe(s.sessionKey);
    expect(await s.getCalendaring()).toBe(false);
    await s.logout();

    const old = lab.certificateFingerprint!;
    lab.rotateCertificate();
    expect(lab.certificateFingerprint).not.toBe(old);
    const changed = await failure(session().login({ force: true }));
    expect(changed.code).toBe('tls');
    expect(changed.message).toMatch(
      new RegExp(
        `^The certificate of ${hostPort.replace(/\./g, '\\.')} has changed since you trusted it \\(trusted ${old.slice(0, 23)}…, now ${lab.certificateFingerprint!.slice(0, 23)}…\\)`,
      ),
    );
    expect(changed.certificate).toMatchObject({ fingerprint256: lab.certificateFingerprint, changedFrom: old });
    expect(lab.sessionOf('alex')).toBeUndefined();

    // Trusting the new one replaces the old decision for this host:port.
    trust.trust(hostPort, changed.certificate!.fingerprint256);
    expect(settings.get().trustedCertificates.map((c) => c.fingerprint256)).toEqual([lab.certificateFingerprint]);
    const again = session();
    await again.login({ force: true });
    await again.logout();
  });

  it('a trusted certificate for one host:port does nothing for another', async () => {
    const settings = new MemorySettingsStore();
    const trust = new SettingsCertificateTrust(settings);
    const refused = await failure(new CupsSession({ server: lab.url, user: 'alex', password: 'secret', trust }).login());
    trust.trust(hostPort, refused.certificate!.fingerprint256);
    const viaName = await failure(new CupsSession({ server: lab.url.replace('127.0.0.1', 'localhost'), user: 'alex', password: 'secret', trust }).login());
    expect(viaName).toMatchObject({
      code: 'tls',
      message: `The certificate of localhost:${lab.port} is not trusted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT).`,
    });
  });

  it('WebDialer uses the same trust', async () => {
    const settings = new MemorySettingsStore();
    const trust = new SettingsCertificateTrust(settings);
    const dialer = () => new WebDialer({ server: `https://${hostPort}`, user: 'alex', password: 'secret', trust });
    const refused = await failure(dialer().getProfile());
    expect(refused).toMatchObject({ code: 'tls', certificate: { fingerprint256: lab.certificateFingerprint } });
    trust.trust(hostPort, refused.certificate!.fingerprint256);
    // Past TLS now: the lab CUPS answers a WebDialer request (which has no CUPS session key) with its own fault.
    expect(await failure(dialer().getProfile())).toMatchObject({ code: 'session-expired', message: 'Invalid session key.' });
  });

  it('a certificate from a private CA the server does not send can be trusted too', async () => {
    const cert = makePrivateCaCertificate();
    const server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      req.resume();
      req.on('end', () =>
        res.end(
          `<?xml version='1.0' ?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><epas:login-resp xmlns:epas="urn:cisco:epas:soap"><epas:success><epas:session-key>k-1</epas:session-key></epas:success></epas:login-resp></env:Body></env:Envelope>`,
        ),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const target = `127.0.0.1:${(server.address() as { port: number }).port}`;
      const trust = new SettingsCertificateTrust(new MemorySettingsStore());
      const refused = await failure(new CupsSession({ server: `https://${target}`, user: 'a', password: 'b', trust }).login());
      expect(refused).toMatchObject({
        code: 'tls',
        message: `The certificate of ${target} is not trusted: it is issued by an authority this computer does not know (UNABLE_TO_VERIFY_LEAF_SIGNATURE).`,
        certificate: { fingerprint256: cert.fingerprint256, issuer: 'O=Presence Desk lab, CN=Lab private CA' },
      });
      trust.trust(target, cert.fingerprint256);
      const s = new CupsSession({ server: `https://${target}`, user: 'a', password: 'b', trust });
      await s.login();
      expect(s.sessionKey).toBe('k-1');
    } finally {
      server.close();
    }
  });

  it('keeps only stored decisions whose certificate matches its fingerprint', async () => {
    const settings = new MemorySettingsStore();
    const trust = new SettingsCertificateTrust(settings);
    const refused = await failure(new CupsSession({ server: lab.url, user: 'alex', password: 'secret', trust }).login());
    trust.trust(hostPort, refused.certificate!.fingerprint256);
    const [good] = settings.get().trustedCertificates;
    const tampered = { ...good, fingerprint256: good.fingerprint256.replace(/^../, good.fingerprint256.startsWith('AA') ? 'BB' : 'AA') };
    expect(validateTrustedCertificates([good, tampered, { ...good, hostPort: 'no port' }, { ...good, pem: 'garbage' }, 'x', null])).toEqual([good]);
    expect(validateSettings({ trustedCertificates: 'nope' }).trustedCertificates).toEqual([]);
    expect(validateSettings({ trustedCertificates: [good] }).trustedCertificates).toEqual([good]);
  });

  it('reads the SOAP timeout and response cap from settings, with defaults of 10 s and 10 MB', () => {
    expect(validateSettings({})).toMatchObject({ soapTimeoutSeconds: 10, soapMaxResponseMB: 10 });
    expect(validateSettings({ soapTimeoutSeconds: 30, soapMaxResponseMB: 2 })).toMatchObject({ soapTimeoutSeconds: 30, soapMaxResponseMB: 2 });
    expect(validateSettings({ soapTimeoutSeconds: 0, soapMaxResponseMB: 'big' })).toMatchObject({ soapTimeoutSeconds: 10, soapMaxResponseMB: 10 });
  });
});

describe('verification is never switched off', () => {
  it('no product source sets rejectUnauthorized: false (trust is a pin added on top of verification)', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|tsx|mjs|cjs|js)$/.test(entry.name) && /rejectUnauthorized\s*:\s*false/.test(readFileSync(path, 'utf8')))
          offenders.push(path.slice(root.length + 1));
      }
    };
    for (const dir of ['core', 'host', 'electron', 'shared', 'renderer/src', 'lab']) walk(join(root, dir));
    expect(offenders).toEqual([]);
  });
});
