/**
 * A CTI gateway or directory change made while signed in takes effect at once: LiveConfig hands
 * the new configuration to the line (OwnPhone watches it on the new gateway, the old link
 * closed) and to the contact list (the directory reconnects on the new host and map), and
 * nothing else is restarted. The payloads are the CUPS guide's, as printed
 * (test/fixtures/cups-guide/uccn-payloads.txt, from the guide's "Example Notify Payloads").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DirectoryStatus, PhoneState } from '../../../shared/domain';
import { LiveConfig } from '../../../core/config-change';
import { ContactList } from '../../../core/contacts';
import { systemConfigOf, type SystemConfig } from '../../../core/cups';
import { callControlServers } from '../../../core/dial/call-control';
import type { CtiGateway, CtiLinkOptions } from '../../../core/dial/cti-link';
import { OwnPhone, type CtiLinkLike } from '../../../core/dial/own-phone';
import { readDirectoryConfig } from '../../../core/directory/config';
import type { Connection, SessionContext } from '../../../core/session/connection';

const PRINTED = readFileSync(join(import.meta.dirname, '../../fixtures/cups-guide/uccn-payloads.txt'), 'utf8').split('\n');
/** The guide's payload line that carries `action` and `property`, cut at the glued-on next heading. */
const payload = (action: string, property: string) => {
  const line = PRINTED.find((l) => l.includes(`>${action}<`) && l.includes(`name="${property}"`))!;
  return line.slice(0, line.lastIndexOf('UPCConfigChange>') + 'UPCConfigChange>'.length);
};

const BEFORE = {
  'Presence.Primary.Address': 'cups.example.com',
  'CallControl.Primary.Address': 'old-ccm',
  'CallControl.Primary.Port': '2748',
  'CallControl.Primary.Protocol': 'TCP',
  'Directory.Primary.Address': 'old-ldap',
  'Directory.Primary.Port': '389',
  'Directory.Map.UserID': 'uid',
};

function signedIn(settings: Record<string, unknown> = {}) {
  const events: Array<[string, unknown]> = [];
  const log: string[] = [];
  let onNotify: ((body: string) => void) | undefined;
  const connection = {
    user: 'ann',
    domain: 'example.com',
    server: 'cups.example.com',
    sip: {
      on: () => () => {},
      watchConfig: (o: { onNotify: (body: string) => void }) => (onNotify = o.onNotify),
    },
    cups: {},
    config: {
      system: systemConfigOf({ ...BEFORE }),
      licensing: { base: true, im: true, audio: true, video: true },
      dialingRules: [],
      contacts: [],
      user: { properties: {} },
    },
    dialingRules: [],
    unsubscribe: [],
  } as unknown as Connection;
  const context: SessionContext = {
    connection: () => connection,
    online: () => true,
    emit: (event, payload) => events.push([event, payload]),
    settings: { get: () => ({ configEvent: 'uccn', configResyncSeconds: 60, sipTransport: 'tcp', ...settings }), update: () => {} } as never,
    log: (line) => log.push(line),
  };
  return { connection, context, events, log, notify: (body: string) => onNotify!(body) };
}

describe('CTI gateway and directory changes reach the running services', () => {
  it('a UcCtiGatewayHost update moves the line to the new gateway and leaves the directory alone', () => {
    const s = signedIn();
    const cti: SystemConfig[] = [];
    const directory: SystemConfig[] = [];
    const live = new LiveConfig(s.context, { contacts: {} as never, onCallControl: (c) => cti.push(c), onDirectory: (c) => directory.push(c) });
    live.attach(s.connection);
    live.start();
    const body = payload('update-host', 'CallControl.Primary.Address');
    s.notify(body);
    expect(cti).toHaveLength(1);
    expect(callControlServers(cti[0]!).cti).toEqual([{ host: 'rtp-epasccm2', port: 2748 }]);
    expect(callControlServers(s.connection.config.system).cti).toEqual([{ host: 'rtp-epasccm2', port: 2748 }]);
    expect(directory).toEqual([]);
    expect(live.state.changes[0]).toMatch(/CTI/);
    // The server repeating the same state is nothing new.
    s.notify(body);
    expect(cti).toHaveLength(1);
  });

  it('a UcLdapHost and a UcAttributeMap update each reconnect the directory with the new host and map', () => {
    const s = signedIn();
    const cti: SystemConfig[] = [];
    const directory: SystemConfig[] = [];
    const live = new LiveConfig(s.context, { contacts: {} as never, onCallControl: (c) => cti.push(c), onDirectory: (c) => directory.push(c) });
    live.attach(s.connection);
    live.start();
    s.notify(payload('update-ldap', 'Directory.Primary.Address'));
    expect(directory).toHaveLength(1);
    expect(readDirectoryConfig(directory[0]!)!.servers[0]).toEqual({ host: 'hostname', port: 1234, tls: false });
    s.notify(payload('update-ldapmapping', 'Directory.Map.UID'));
    expect(directory).toHaveLength(2);
    expect(readDirectoryConfig(directory[1]!)!.map.phones).toContainEqual({ label: 'pager', attribute: 'pager' });
    expect(cti).toEqual([]);
  });

  it('a change that names the same servers restarts nothing', () => {
    const s = signedIn();
    const cti: SystemConfig[] = [];
    const live = new LiveConfig(s.context, { contacts: {} as never, onCallControl: (c) => cti.push(c) });
    live.attach(s.connection);
    live.start();
    s.notify(
      `<UPCConfigChange xmlns="urn:cisco:epas:uccn"><action>update-host</action><property name="CallControl.Primary.Address">old-ccm</property></UPCConfigChange>`,
    );
    expect(cti).toEqual([]);
  });
});

describe('the same changes found by re-reading (the server refuses change notifications)', () => {
  it('a moved CTI gateway and a new directory host each reach their service once', async () => {
    const s = signedIn({ configEvent: '' });
    const moved = { ...BEFORE, 'CallControl.Primary.Address': 'new-ccm', 'Directory.Primary.Address': 'new-ldap' };
    (s.connection.cups as { getAllConfig?: unknown }).getAllConfig = async () => ({ ...s.connection.config, system: systemConfigOf({ ...moved }) });
    const cti: SystemConfig[] = [];
    const directory: SystemConfig[] = [];
    const contacts = { list: [], applyServerList: () => [], editMark: 0, editing: 0 };
    const live = new LiveConfig(s.context, { contacts: contacts as never, onCallControl: (c) => cti.push(c), onDirectory: (c) => directory.push(c) });
    live.attach(s.connection);
    live.start();
    expect(live.state.mode).toBe('polling');
    await live.handlers['config:resync']();
    expect(callControlServers(cti[0]!).cti).toEqual([{ host: 'new-ccm', port: 2748 }]);
    expect(readDirectoryConfig(directory[0]!)!.servers[0]!.host).toBe('new-ldap');
    // Read again with nothing changed: nothing restarts.
    await live.handlers['config:resync']();
    expect([cti.length, directory.length]).toEqual([1, 1]);
    live.detach();
  });
});

describe('OwnPhone on a moved CTI gateway', () => {
  function phone() {
    const links: Array<{ gateways: CtiGateway[]; stopped: boolean }> = [];
    const states: PhoneState[] = [];
    const own = new OwnPhone({
      gateways: [{ host: 'old-ccm', port: 2748 }],
      line: async () => '1001',
      onState: (state) => states.push(state),
      createLink: (options: CtiLinkOptions): CtiLinkLike => {
        const record = { gateways: options.gateways, stopped: false };
        links.push(record);
        return {
          state: { link: 'connecting', calls: [] },
          start: () => {},
          stop: async () => void (record.stopped = true),
          on: () => () => {},
          control: async () => {},
          request: async () => ({}) as never,
        } as unknown as CtiLinkLike;
      },
    });
    return { own, links, states };
  }

  it('closes the old link and watches the same line through the new gateway', async () => {
    const { own, links } = phone();
    await own.start();
    expect(await own.moveTo([{ host: 'new-ccm', port: 2749 }])).toBe(true);
    expect(links.map((l) => [l.gateways[0]!.host, l.stopped])).toEqual([
      ['old-ccm', true],
      ['new-ccm', false],
    ]);
    expect(await own.moveTo([{ host: 'new-ccm', port: 2749 }])).toBe(false);
    expect(links).toHaveLength(2);
  });

  it('a gateway removed from the configuration leaves the phone not configured, saying so', async () => {
    const { own, links, states } = phone();
    await own.start();
    await own.moveTo([]);
    expect(links[0]!.stopped).toBe(true);
    expect(own.configured).toBe(false);
    expect(states.at(-1)).toEqual({ link: 'not-configured', calls: [] });
  });
});

describe('ContactList on a changed directory', () => {
  it('reconnects to the new host and reports it', () => {
    const s = signedIn();
    const contacts = new ContactList(s.context);
    contacts.attach(s.connection);
    expect(contacts.handlers['directory:status']()).toMatchObject({ server: 'old-ldap:389' });
    contacts.reconnectDirectory(systemConfigOf({ ...BEFORE, 'Directory.Primary.Address': 'new-ldap', 'Directory.Primary.Port': '3389' }));
    const statuses = s.events.filter(([e]) => e === 'directory:status').map(([, p]) => p as DirectoryStatus);
    expect(statuses[0]).toMatchObject({ state: 'looking-up', server: 'new-ldap:3389' });
    expect(contacts.handlers['directory:status']()).toMatchObject({ server: 'new-ldap:3389' });
    expect(s.log.some((l) => /reconnecting to new-ldap:3389/.test(l))).toBe(true);
    contacts.reconnectDirectory(systemConfigOf({ 'Presence.Primary.Address': 'cups.example.com' }));
    expect(contacts.handlers['directory:status']()).toEqual({ state: 'not-configured' });
    contacts.detach();
  });
});
