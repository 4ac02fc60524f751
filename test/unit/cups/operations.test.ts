/**
 * Every CUPS operation beyond sign-in: the guide's own responses read into typed per-item
 * results, and a round trip through the lab server for each.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CupsSession, operations as op } from '../../../core/cups';
import { find, parseXml } from '../../../core/xml/safe-xml';
import { startLabCups, type LabCups } from '../../../lab/cups/server';
import { soapExample } from '../../support/spec-examples';

const body = (n: number, name: string) => find(parseXml(soapExample(n)), name);

describe('lab state file', () => {
  it('keeps lists, rules and ACLs across a restart of the lab server', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'pd-labstate-'));
    const options = {
      domain: 'lab.test',
      presence: { host: '127.0.0.1', port: 5060, protocol: 'tcp' as const },
      users: [
        { id: 'alex', password: 'pw', displayName: 'Alex' },
        { id: 'bo', password: 'pw', displayName: 'Bo' },
      ],
      stateFile: join(dir, 'state.json'),
    };
    try {
      let lab = await startLabCups(options);
      let s = new CupsSession({ server: lab.url, user: 'alex', password: 'pw' });
      await s.login();
      await s.addGroups([{ name: 'Kept', index: 3 }]);
      await s.addContacts([{ group: 'Kept', personaId: 'bo', nickname: 'Bo!' }]);
      await s.addAcl('family', ['bo']);
      await lab.close();

      lab = await startLabCups(options);
      s = new CupsSession({ server: lab.url, user: 'alex', password: 'pw' });
      await s.login();
      expect(await s.getContactList()).toEqual([{ name: 'Kept', index: 3, contacts: [{ personaId: 'bo', index: 1, nickname: 'Bo!', displayOnPhone: false }] }]);
      expect(await s.getAcl(['family'])).toEqual([{ name: 'family', watchers: ['bo'] }]);
      await lab.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the guide’s responses', () => {
  it('Example 25 set-user-config: per property status', () => {
    const r = op.readSetUserConfig(body(25, 'set-user-config-resp'), [{ name: 'Preferred.Contact', value: 'email' }]);
    expect(r.map((x) => [x.item.name, x.ok])).toEqual([
      ['Preferred.Contact', true],
      ['UI.Color.Background', true],
      ['UI.Color.Foreground', true],
      ['PhoneNumber.Primary', true],
    ]);
  });

  it('Example 29 add-group: the duplicate fails, the rest succeed', () => {
    expect(op.readGroupStatuses(body(29, 'add-group-resp')).map((x) => [x.item.name, x.item.index, x.ok])).toEqual([
      ['work', undefined, true],
      ['friends', 2, true],
      ['customers', 540, true],
      ['work', -1, false],
    ]);
  });

  it('Example 31 modify-group and 33 delete-group', () => {
    const m = op.readModifyGroupStatuses(body(31, 'modify-group-resp'));
    expect(m[0]).toEqual({ item: { oldName: 'non existing', newName: 'still non existing', index: undefined }, ok: false, status: 'failed' });
    expect(m[4]).toEqual({ item: { oldName: 'customers', newName: 'new customers', index: 2000.9 }, ok: true, status: 'succeeded' });
    expect(op.readGroupStatuses(body(33, 'delete-group-resp'))).toHaveLength(5);
  });

  it('Examples 35, 37, 39 contacts: the server’s words per contact', () => {
    const added = op.readContactStatuses(body(35, 'add-contact-resp'));
    expect(added.find((x) => x.item.personaId === 'nonexisting')).toMatchObject({ ok: false, status: 'Contact does not exist in.' });
    expect(added[0].item).toEqual({ group: 'work', personaId: 'soapuser2', index: 200, nickname: 'user2 nickname', displayOnPhone: false });
    expect(op.readContactStatuses(body(37, 'modify-contact-resp')).every((x) => x.item.personaId)).toBe(true);
    const deleted = op.readContactStatuses(body(39, 'delete-contact-resp'));
    expect(deleted.map((x) => x.status)).toEqual(['succeeded', 'The Contact Group does not exist.', 'succeeded', 'succeeded', 'Contact does not exist in.']);
  });

  it('Examples 42, 44, 46 presence rules (name=="…" and a missing quote)', () => {
    expect(op.readPresenceRules(body(42, 'get-presence-rules-resp')).rules).toEqual([{ name: 'noACL_rule', visibility: 'all', excludedSources: [] }]);
    expect(op.readNameStatuses(body(44, 'set-presence-rules-resp')).map((x) => [x.item.name, x.ok])).toEqual([
      ['noACL_rule', true],
      ['test rule', true],
    ]);
    expect(op.readNameStatuses(body(46, 'delete-presence-rules-resp'))[1]).toEqual({
      item: { name: 'noexistentRule' },
      ok: false,
      status: 'Invalid Policy name',
    });
  });

  it('Examples 50, 52 recent communications', () => {
    expect(op.readAddRecentComm(body(50, 'add-recent-comm-resp'))).toEqual({ ok: true, status: 'succeeded' });
    expect(op.readRecentComm(body(52, 'get-recent-comm-resp'))).toEqual([
      { timestamp: '2007-03-24', type: 3, data: { what: 'this is another record' } },
      { timestamp: '2006-03-24', type: 2, data: { what: 'xmltag-other' } },
      { timestamp: '2005-03-22', type: 1, data: { what: 'this is a record' } },
    ]);
  });

  it('Examples 56, 58 long-term presence; 66, 68 calendaring', () => {
    expect(op.readStatusCode(body(56, 'publish-pres-status-resp'))).toEqual({ ok: true, status: 'succeeded' });
    expect(op.readStatusCode(body(58, 'unpublish-pres-status-resp')).ok).toBe(true);
    expect(op.readCalendaring(body(66, 'get-calendaring-resp'))).toBe(true);
    expect(op.readSetCalendaring(body(68, 'set-calendaring-resp')).ok).toBe(true);
  });

  it('Examples 60, 62, 64 ACLs', () => {
    expect(op.readAcl(body(60, 'get-acl-resp'))).toEqual([
      { name: 'test rules!', watchers: ['sip:soapuser2@cisco.com', 'sip:soapuser3@cisco.com', 'sip:soapuser4@cisco.com', 'sip:soapuser5@cisco.com'] },
      { name: 'non-existing acl343258', watchers: [], error: 'Invalid Policy name' },
    ]);
    expect(
      op
        .readAclStatuses(body(62, 'add-acl-resp'))
        .filter((x) => !x.ok)
        .map((x) => x.item.watcher),
    ).toEqual(['g', 'j']);
    expect(op.readAclStatuses(body(64, 'delete-acl-resp')).map((x) => x.ok)).toEqual([true, false]);
  });
});

describe('client ↔ lab, every operation', () => {
  let lab: LabCups;
  let s: CupsSession;
  const users = ['alex', 'bo', 'cy', 'di', 'ed', 'fi', 'gu', 'ha', 'io', 'jo', 'ka'];
  beforeAll(async () => {
    lab = await startLabCups({
      domain: 'lab.test',
      presence: { host: '127.0.0.1', port: 5060, protocol: 'tcp' },
      users: users.map((id) => ({ id, password: 'pw', displayName: id })),
      contactLists: { alex: [{ name: 'Team', index: 1, contacts: [{ personaId: 'bo', index: 1, nickname: 'Bo', displayOnPhone: false }] }] },
    });
  });
  beforeEach(async () => {
    s = new CupsSession({ server: lab.url, user: 'alex', password: 'pw' });
    await s.login({ force: true });
  });
  afterAll(() => lab.close());

  it('set-user-config stores each property', async () => {
    const r = await s.setUserConfig([
      { name: 'UI.Color.Background', value: 'white', isPublic: false },
      { name: 'PhoneNumber.Primary', value: '200', isPublic: true },
    ]);
    expect(r.every((x) => x.ok)).toBe(true);
    expect((await s.getUserConfig()).properties['PhoneNumber.Primary']).toEqual({ value: '200', isPublic: true });
  });

  it('groups: add (duplicate fails alone), rename with index, delete', async () => {
    const added = await s.addGroups([{ name: 'Friends', index: 5.5 }, { name: 'Team' }]);
    expect(added.map((x) => [x.item.name, x.ok])).toEqual([
      ['Friends', true],
      ['Team', false],
    ]);
    const renamed = await s.modifyGroups([
      { oldName: 'Friends', newName: 'Good friends', index: -3 },
      { oldName: 'Nope', newName: 'x' },
    ]);
    expect(renamed.map((x) => x.ok)).toEqual([true, false]);
    expect((await s.getContactList()).map((g) => [g.name, g.index])).toEqual([
      ['Good friends', -3],
      ['Team', 1],
    ]);
    expect((await s.deleteGroups(['Good friends']))[0].ok).toBe(true);
    expect(lab.contactList('alex').map((g) => g.name)).toEqual(['Team']);
  });

  it('contacts: one bad contact in an add of ten does not hide the other nine', async () => {
    const ten = [...users.slice(2, 11).map((id) => ({ group: 'Team', personaId: id, nickname: `${id}!` })), { group: 'Team', personaId: 'ghost' }];
    const r = await s.addContacts(ten);
    expect(r).toHaveLength(10);
    expect(r.filter((x) => x.ok)).toHaveLength(9);
    expect(r.find((x) => !x.ok)).toMatchObject({ item: { personaId: 'ghost' }, status: 'Contact does not exist in.' });
    expect(lab.contactList('alex')[0].contacts).toHaveLength(10);
  });

  it('contacts: modify, delete, and the group-missing words', async () => {
    expect((await s.modifyContacts([{ group: 'Team', personaId: 'bo', nickname: 'Bobo', displayOnPhone: true, index: -1 }]))[0].ok).toBe(true);
    expect((await s.getContactList())[0].contacts[0]).toEqual({ personaId: 'bo', index: -1, nickname: 'Bobo', displayOnPhone: true });
    const r = await s.deleteContacts([
      { group: 'Team', personaId: 'bo' },
      { group: 'Nowhere', personaId: 'cy' },
    ]);
    expect(r.map((x) => x.status)).toEqual(['succeeded', 'The Contact Group does not exist.']);
  });

  it('presence rules: set, read back, delete (unknown name gets the server’s words)', async () => {
    expect((await s.setPresenceRules([{ name: 'work hours', visibility: 'reachability-only', excludedSources: ['Cell Phone'] }]))[0].ok).toBe(true);
    expect((await s.getPresenceRules()).rules).toEqual([{ name: 'work hours', visibility: 'reachability-only', excludedSources: ['Cell Phone'] }]);
    expect((await s.deletePresenceRules(['work hours', 'nope'])).map((x) => x.status)).toEqual(['succeeded', 'Invalid Policy name']);
  });

  it('recent communications: add and list, newest first', async () => {
    expect((await s.addRecentComm({ timestamp: '2026-11-24T10:00:00Z', type: 1, data: { what: 'IM with bo' } })).ok).toBe(true);
    await s.addRecentComm({ timestamp: '2026-11-24T11:00:00Z', type: 2, data: { what: 'call 200' } });
    expect((await s.getRecentComm()).map((r) => r.data.what)).toEqual(['call 200', 'IM with bo']);
  });

  it('long-term presence: publish and unpublish', async () => {
    expect((await s.publishPresStatus('<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alex@lab.test"/>')).ok).toBe(true);
    expect(lab.state('alex').longTermPresence).toBeDefined();
    expect((await s.unpublishPresStatus()).ok).toBe(true);
    expect(lab.state('alex').longTermPresence).toBeUndefined();
  });

  it('ACLs: add (unknown watcher fails alone), read, delete', async () => {
    expect((await s.addAcl('family', ['bo', 'zz'])).map((x) => [x.item.watcher, x.ok])).toEqual([
      ['bo', true],
      ['zz', false],
    ]);
    expect(await s.getAcl(['family', 'none'])).toEqual([
      { name: 'family', watchers: ['bo'] },
      { name: 'none', watchers: [], error: 'Invalid Policy name' },
    ]);
    expect((await s.deleteAcl('family', ['bo', 'cy'])).map((x) => x.ok)).toEqual([true, false]);
  });

  it('calendaring: set and get', async () => {
    expect((await s.setCalendaring(true)).ok).toBe(true);
    expect(await s.getCalendaring()).toBe(true);
    await s.setCalendaring(false);
    expect(await s.getCalendaring()).toBe(false);
  });

  it('a bad session key is a typed error and a lost session is re-established silently', async () => {
    lab.inject({ kind: 'expire-sessions' });
    // The session notices, signs in again once, and repeats the request.
    expect(await s.getCalendaring()).toBe(false);
  });
});
