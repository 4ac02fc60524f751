/** Which presence server and transport the session uses, from get-all-config and the setting. */
import { describe, expect, it } from 'vitest';
import { presenceBackup, presenceTarget } from '../../../core/desk-session';
import { readSystemConfig } from '../../../core/cups/parse';
import { validateSettings } from '../../../core/store/settings';
import { find, parseXml } from '../../../core/xml/safe-xml';

const config = (props: Record<string, string>) =>
  readSystemConfig(
    find(
      parseXml(
        `<system-config>${Object.entries(props)
          .map(([k, v]) => `<property name="${k}">${v}</property>`)
          .join('')}</system-config>`,
        { what: 'test config' },
      ),
      'system-config',
    ),
  );

describe('presence server choice', () => {
  it('takes the transport from Presence.Primary.Protocol', () => {
    for (const [protocol, transport] of [
      ['UDP', 'udp'],
      ['TCP', 'tcp'],
      ['TLS', 'tls'],
      ['tls', 'tls'],
    ] as const) {
      const system = config({ 'Presence.Primary.Address': 'cups.example.com', 'Presence.Primary.Port': '5070', 'Presence.Primary.Protocol': protocol });
      expect(presenceTarget(system)).toEqual({ host: 'cups.example.com', port: 5070, transport });
    }
  });

  it('defaults to TCP and to the standard port of the transport', () => {
    expect(presenceTarget(config({ 'Presence.Primary.Address': 'cups' }))).toEqual({ host: 'cups', port: 5060, transport: 'tcp' });
    expect(presenceTarget(config({ 'Presence.Primary.Address': 'cups', 'Presence.Primary.Protocol': 'TLS' }))).toEqual({
      host: 'cups',
      port: 5061,
      transport: 'tls',
    });
  });

  it('the sipTransport setting overrides the server, moving a standard port along', () => {
    const system = config({ 'Presence.Primary.Address': 'cups', 'Presence.Primary.Port': '5060', 'Presence.Primary.Protocol': 'UDP' });
    expect(presenceTarget(system, 'tcp')).toEqual({ host: 'cups', port: 5060, transport: 'tcp' });
    expect(presenceTarget(system, 'tls')).toEqual({ host: 'cups', port: 5061, transport: 'tls' });
    const custom = config({ 'Presence.Primary.Address': 'cups', 'Presence.Primary.Port': '7000', 'Presence.Primary.Protocol': 'UDP' });
    expect(presenceTarget(custom, 'tls')).toEqual({ host: 'cups', port: 7000, transport: 'tls' });
  });

  it('reads Presence.Backup when present', () => {
    const system = config({
      'Presence.Primary.Address': 'cups-a',
      'Presence.Backup.Address': 'cups-b',
      'Presence.Backup.Port': '5062',
      'Presence.Backup.Protocol': 'UDP',
    });
    expect(presenceBackup(system)).toEqual({ host: 'cups-b', port: 5062, transport: 'udp' });
    expect(presenceBackup(config({ 'Presence.Primary.Address': 'cups-a' }))).toBeUndefined();
  });

  it('a config without a presence server is a clear config error', () => {
    expect(() => presenceTarget(config({}))).toThrow(/names no presence server/);
  });

  it('settings accept tls and fall back to auto for anything unknown', () => {
    expect(validateSettings({ sipTransport: 'tls' }).sipTransport).toBe('tls');
    expect(validateSettings({ sipTransport: 'sctp' }).sipTransport).toBe('auto');
    expect(validateSettings({ sipTrustedCertificate: 42 }).sipTrustedCertificate).toBe('');
  });
});
