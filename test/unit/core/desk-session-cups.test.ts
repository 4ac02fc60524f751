/**
 * How DeskSession builds its CUPS session: SOAP timeout and response cap come from settings
 * (10 s and 10 MB unless changed), the user's certificate trust is passed along, and a TLS
 * refusal reaches the session state with the certificate for the sign-in screen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DeskSession, type CupsLike } from '../../../core/desk-session';
import { CupsError } from '../../../core/cups';
import { MemorySettingsStore } from '../../../core/store/settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-desk-cups-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const certificate = {
  hostPort: 'cups.example.com:443',
  fingerprint256: 'AB:'.repeat(31) + 'AB',
  subject: 'CN=cups.example.com',
  issuer: 'CN=cups.example.com',
  validFrom: 'Nov 25 00:00:00 2026 GMT',
  validTo: 'Nov 27 00:00:00 2026 GMT',
};

function session(settings: MemorySettingsStore, seen: unknown[], cupsTimeoutMs?: number): DeskSession {
  return new DeskSession({
    info: { host: 'browser', version: 't' },
    settings,
    historyDir: dir,
    cupsTimeoutMs,
    createCups: (options) => {
      seen.push(options);
      return {
        login: async () => {
          throw new CupsError(
            'tls',
            'The certificate of cups.example.com:443 is not trusted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT).',
            'cups.example.com:443',
            'login',
            certificate,
          );
        },
        logout: async () => undefined,
      } as unknown as CupsLike;
    },
  });
}

it('passes the SOAP limits from settings and the certificate trust to the CUPS session', async () => {
  const settings = new MemorySettingsStore({ soapTimeoutSeconds: 25, soapMaxResponseMB: 3 });
  const seen: Array<Record<string, unknown>> = [];
  const desk = session(settings, seen);
  await expect(desk.signIn({ server: 'https://cups.example.com', user: 'alex', password: 'pw' })).rejects.toMatchObject({ code: 'tls', certificate });
  expect(seen[0]).toMatchObject({ timeoutMs: 25_000, maxResponseBytes: 3 * 1024 * 1024 });
  expect(typeof (seen[0].trust as { pinFor?: unknown }).pinFor).toBe('function');
  // The sign-in screen finds the certificate in the session state.
  expect(desk.sessionState.error).toMatchObject({ code: 'tls', certificate });

  const defaults: Array<Record<string, unknown>> = [];
  await session(new MemorySettingsStore(), defaults)
    .signIn({ server: 'x', user: 'a', password: 'b' })
    .catch(() => undefined);
  expect(defaults[0]).toMatchObject({ timeoutMs: 10_000, maxResponseBytes: 10 * 1024 * 1024 });

  const explicit: Array<Record<string, unknown>> = [];
  await session(new MemorySettingsStore(), explicit, 1500)
    .signIn({ server: 'x', user: 'a', password: 'b' })
    .catch(() => undefined);
  expect(explicit[0]).toMatchObject({ timeoutMs: 1500 });
});

it('refuses to trust a certificate that was never presented', () => {
  const desk = session(new MemorySettingsStore(), []);
  expect(() => desk.handlers['tls:trust']('cups.example.com:443', certificate.fingerprint256)).toThrow(
    /No certificate with that fingerprint was presented by cups\.example\.com:443/,
  );
});

it('Connection settings: limits validated and saved, trusted certificates listed without their PEM and forgotten', () => {
  const settings = new MemorySettingsStore();
  const desk = session(settings, []);
  const h = desk.handlers;
  expect(h['connection:get']()).toEqual({ soapTimeoutSeconds: 10, soapMaxResponseMB: 10, trustedCertificates: [] });
  expect(h['connection:set']({ soapTimeoutSeconds: 30 })).toMatchObject({ soapTimeoutSeconds: 30, soapMaxResponseMB: 10 });
  expect(settings.get().soapTimeoutSeconds).toBe(30);
  expect(() => h['connection:set']({ soapMaxResponseMB: 0 })).toThrow('The largest SOAP answer (MB) must be a whole number from 1 to 100.');
  expect(() => h['connection:set']({ soapTimeoutSeconds: 2.5 })).toThrow(/SOAP time limit/);
  expect(settings.get()).toMatchObject({ soapTimeoutSeconds: 30, soapMaxResponseMB: 10 });
  expect(() => h['tls:forget']('cups.example.com:443')).toThrow('No certificate is trusted for cups.example.com:443.');
});
