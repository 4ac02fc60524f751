/**
 * Contract: every payload of the CUPS guide's "Example Notify Payloads" (UCCN), read from the
 * guide's text as printed (test/fixtures/cups-guide/uccn-payloads.txt, damage included), maps
 * to the right typed change. The guide's conversion glued each next heading onto the end of a
 * payload line ("…</UPCConfigChange>EPASContacts"); only that heading is cut off, at the last
 * `UPCConfigChange>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUccn, UccnError, type ConfigChange } from '../../../core/cups/uccn';

const LINES = readFileSync(join(import.meta.dirname, '../../fixtures/cups-guide/uccn-payloads.txt'), 'utf8')
  .split('\n')
  .filter((l) => !l.startsWith('#'));

/** Each payload with the heading and "Action:" line printed above it. */
const PAYLOADS = LINES.flatMap((line, i) => {
  if (line.trim() !== 'Payload:') return [];
  const printed = LINES[i + 1]!;
  const end = printed.lastIndexOf('UPCConfigChange>') + 'UPCConfigChange>'.length;
  return [{ action: LINES[i - 1]!.trim(), body: printed.slice(0, end) }];
});

type Expect = [heading: string, kind: ConfigChange['kind'], op: ConfigChange['op'], area?: string];
/** In the guide's order. The UCEnduserCfg "Update" and "Delete" payloads carry each other's action: the body wins. */
const EXPECTED: Expect[] = [
  ['Action: Update', 'config', 'update', 'system'],
  ['Action: Insert', 'contact', 'insert'],
  ['Action: Update', 'contact', 'update'],
  ['Action: Delete', 'contact', 'delete'],
  ['Action: Insert', 'group', 'insert'],
  ['Action: Update', 'group', 'update'],
  ['Action: Delete', 'group', 'delete'],
  ['Action: Insert', 'dial-rule', 'insert'],
  ['Action: Update', 'dial-rule', 'update'],
  ['Action: Delete', 'dial-rule', 'delete'],
  ['Action: Update', 'config', 'update', 'directory-map'],
  ['Action: Update', 'config', 'update', 'call-control'],
  ['Action: Update', 'config', 'update', 'call-control'],
  ['Action: Update fkucunityprofile', 'config', 'update', 'voicemail'],
  ['Action: Update fkucmeetingplaceprofile', 'config', 'update', 'meeting'],
  ['Action: Update fkucctigatewayprofile', 'config', 'update', 'call-control'],
  ['Action: Update fkucldapprofile', 'config', 'update', 'directory'],
  ['Action: Update fkucproxyprofile', 'config', 'update', 'presence-server'],
  ['Action: Update enablecalendarpresence', 'config', 'update', 'calendar'],
  ['Action: Update', 'config', 'update', 'system'],
  ['Action: Update', 'config', 'update', 'directory'],
  ['Action: Update', 'config', 'update', 'directory'],
  ['Action: Update', 'config', 'update', 'meeting'],
  ['Action: Update', 'config', 'update', 'meeting'],
  ['Action: Update', 'config', 'update', 'presence-server'],
  ['Action: Update', 'config', 'update', 'presence-server'],
  ['Action: Update', 'config', 'update', 'voicemail'],
  ['Action: Update', 'config', 'update', 'voicemail'],
  ['Action: Update', 'config', 'update', 'voicemail'],
  ['Action: Insert', 'presence-rule', 'insert'],
  ['Action: Update', 'presence-rule', 'update'],
  ['Action: Delete', 'presence-rule', 'delete'],
  ['Action: Insert', 'acl', 'insert'],
  ['Action: Update', 'acl', 'update'],
  ['Action: Delete', 'acl', 'delete'],
  ['Action: Update', 'config', 'update', 'im'],
  ['Action: Insert', 'config', 'insert', 'user-config'],
  ['Action: Update', 'config', 'delete', 'user-config'],
  ['Action: Delete', 'config', 'update', 'user-config'],
  ['Action: Update', 'config', 'update', 'backend-gateway'],
];

describe('UCCN payloads of the CUPS guide, as printed', () => {
  it('finds all 40 payloads', () => {
    expect(PAYLOADS).toHaveLength(EXPECTED.length);
  });

  it.each(PAYLOADS.map((p, i) => [i + 1, p, EXPECTED[i]!] as const))('payload %i maps to its change', (_n, payload, [heading, kind, op, area]) => {
    expect(payload.action).toBe(heading);
    const change = parseUccn(payload.body);
    expect(change.kind).toBe(kind);
    expect(change.op).toBe(op);
    if (area) expect(change.kind === 'config' && change.area).toBe(area);
  });

  it('reads contacts with their group, persona, nickname and TRUE/FALSE flags', () => {
    const change = parseUccn(PAYLOADS[2]!.body);
    expect(change).toEqual({
      kind: 'contact',
      op: 'update',
      old: { group: 'General', groupIndex: '1.0', personaId: 'Jack', index: '1.0000000000', nickname: 'Curly', isCups: true, isExternal: false },
      new: { group: 'General', groupIndex: '1.0', personaId: 'Jack', index: '1.0000000000', nickname: 'Baldy', isCups: true, isExternal: false },
    });
  });

  it('reads a group rename and a deleted group', () => {
    expect(parseUccn(PAYLOADS[5]!.body)).toEqual({
      kind: 'group',
      op: 'update',
      old: { name: 'General', index: '1.0000000000' },
      new: { name: 'Work', index: '1.0000000000' },
    });
    expect(parseUccn(PAYLOADS[6]!.body)).toEqual({ kind: 'group', op: 'delete', old: { name: 'General', index: '1.0000000000' } });
  });

  it('reads every field of a dialing rule', () => {
    expect(parseUccn(PAYLOADS[7]!.body)).toEqual({
      kind: 'dial-rule',
      op: 'insert',
      new: { type: '1', name: '9', description: '9 to 1', priority: '1', numberBeginsWith: '9', numberOfDigits: '4', digitsToBeRemoved: '1', prefix: '1' },
    });
  });

  it('reads properties, the pilot number, the CTI device and is-public', () => {
    const pilot = parseUccn(PAYLOADS[28]!.body);
    expect(pilot.kind === 'config' && pilot.properties['VoiceMail.PilotNumber']).toEqual({ value: '9999' });
    const endUser = parseUccn(PAYLOADS[13]!.body);
    expect(endUser.kind === 'config' && endUser.ctiDevice).toBe('SEP000E836F0164');
    const im = parseUccn(PAYLOADS[35]!.body);
    expect(im.kind === 'config' && im.properties['IM.enable']).toEqual({ value: 'TRUE' });
    const cfg = parseUccn(PAYLOADS[36]!.body);
    expect(cfg.kind === 'config' && cfg.properties.attrname).toEqual({ value: 'attrvalue', isPublic: true });
    const proxy = parseUccn(PAYLOADS[25]!.body);
    expect(proxy.kind === 'config' && proxy.properties['Presence.Primary.Address']?.value).toBe('example-cup');
  });

  it('reads the damaged privacy and ACL payloads (nested declaration, start tag for end tag)', () => {
    expect(parseUccn(PAYLOADS[30]!.body)).toEqual({
      kind: 'presence-rule',
      op: 'update',
      old: { name: 'String', data: 'filterdata pointed to by fkpefilterinfo' },
      new: { name: 'String', data: 'filterdata pointed to by fkpefilterinfo' },
    });
    expect(parseUccn(PAYLOADS[33]!.body)).toEqual({
      kind: 'acl',
      op: 'update',
      old: { name: 'String obtained from fkepasprivacypolicy name', watcher: 'watcherx@ex.com' },
      new: { name: 'String obtained from fkepasprivacypolicy name', watcher: 'watcherx@ab.com' },
    });
  });
});

describe('UCCN reader on what a real server may send', () => {
  const wellFormed = (ns: string, inner: string, prefix = 'u') =>
    `<?xml version="1.0"?><${prefix}:UPCConfigChange xmlns:${prefix}="${ns}"><${prefix}:action>insert-group</${prefix}:action>${inner}</${prefix}:UPCConfigChange>`;

  it('accepts the schema namespace urn:cisco:CUPS:UCCN with any prefix', () => {
    const change = parseUccn(wellFormed('urn:cisco:CUPS:UCCN', '<u:new><u:group name="Friends" index="3"/></u:new>'));
    expect(change).toEqual({ kind: 'group', op: 'insert', new: { name: 'Friends', index: '3' } });
  });

  it('reads booleans in any case', () => {
    const body = `<UPCConfigChange xmlns="urn:cisco:epas:uccn"><action>insert-contact</action><new><group name="G" index="1"><persona-id>ann</persona-id><is-cups>True</is-cups><is-external>false</is-external></group></new></UPCConfigChange>`;
    expect(parseUccn(body)).toMatchObject({ new: { personaId: 'ann', isCups: true, isExternal: false } });
  });

  it('refuses a foreign namespace, another root, an unknown verb and an empty change, in words', () => {
    expect(() => parseUccn(wellFormed('urn:ietf:params:xml:ns:pidf', '<u:new><u:group name="x"/></u:new>'))).toThrow(/namespace "urn:ietf:params:xml:ns:pidf"/);
    expect(() => parseUccn('<presence xmlns="urn:ietf:params:xml:ns:pidf"/>')).toThrow(/not a UPCConfigChange/);
    expect(() => parseUccn('<UPCConfigChange xmlns="urn:cisco:epas:uccn"><action>frobnicate-group</action></UPCConfigChange>')).toThrow(
      /not an insert, update or delete/,
    );
    expect(() => parseUccn('<UPCConfigChange xmlns="urn:cisco:epas:uccn"><action>delete-contact</action></UPCConfigChange>')).toThrow(UccnError);
    expect(() => parseUccn('<UPCConfigChange xmlns="urn:cisco:epas:uccn"><action>update-host</action></UPCConfigChange>')).toThrow(/nothing to apply/);
    expect(() => parseUccn('not xml')).toThrow(/could not be read/);
  });
});
