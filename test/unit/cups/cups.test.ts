/**
 * CUPS SOAP: the interoperability guide's own example responses (damage included) parse into
 * the expected values, requests are well-formed, and client ↔ lab server round trips cover
 * sign-in, the single-session rule, configuration, the contact list and each failure mode.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CupsSession,
  cupsEndpoint,
  envelope,
  readAllConfig,
  readContactList,
  readContactListUnknown,
  readDialingRules,
  readLicensing,
  readLogin,
  readFault,
  readSystemConfig,
  readUserConfig,
} from '../../../core/cups';
import { find, parseXml, text } from '../../../core/xml/safe-xml';
import { startLabCups, type LabCups } from '../../../lab/cups/server';
import { soapExample } from '../../support/spec-examples';

/** The XML of "Example N" as printed: the line after its caption, up to the prose that follows. */
const example = soapExample;

describe('the guide’s example responses', () => {
  it('Example 12: a successful login gives the session key', () => {
    expect(readLogin(find(parseXml(example(12)), 'login-resp'))).toEqual({ key: 'b189aa60-24e3-4e66-a3b6-d8488235ba47' });
  });

  it('Example 13 (no closing Body tag): the failure reason', () => {
    expect(readLogin(find(parseXml(example(13)), 'login-resp'))).toEqual({ reason: 'Wrong username/password' });
  });

  it('Example 14: already logged in', () => {
    expect(readLogin(find(parseXml(example(14)), 'login-resp'))).toEqual({ reason: 'A SOAP session has already been established.' });
  });

  it('Examples 9 and 10: faults with their texts', () => {
    expect(readFault(parseXml(example(9)))).toEqual({ code: 'env:Sender', reason: 'Invalid request.' });
    expect(readFault(parseXml(example(10)))).toEqual({ code: 'env:Receiver', reason: 'Could not connect to database.' });
  });

  it('Example 19: get-all-config gives the presence domain, licensing and empty lists', () => {
    const all = readAllConfig(find(parseXml(example(19)), 'get-all-config-resp'));
    expect(all.system.presence).toEqual({ primary: undefined, backup: undefined, domain: 'cisco.com' });
    expect(all.system.directoryMap.userid).toBe('uid');
    expect(all.system.properties['Directory.AnonymousBind']).toBe('FALSE');
    expect(all.user.properties['CallControl.Lineid']).toEqual({ value: '', isPublic: false });
    expect(all.licensing).toEqual({ base: false, im: false, audio: false, video: false });
    expect(all.contacts).toEqual([]);
    expect(all.dialingRules).toEqual([]);
  });

  it('Example 27: the contact list in the server’s order with nicknames and phone flags', () => {
    const groups = readContactList(find(parseXml(example(27)), 'get-contact-list-resp'));
    expect(groups.map((g) => [g.name, g.index])).toEqual([
      ['', -200],
      ['work', 1000.9],
      ['new customers', 2000.9],
    ]);
    expect(groups[0].contacts.map((c) => c.personaId)).toEqual(['soapuser1', 'soapuser4', 'soapuser5', 'soapuser3']);
    expect(groups[1].contacts[1]).toEqual({ personaId: 'soapuser2', index: 200, nickname: 'user2 nickname', displayOnPhone: false });
    expect(groups[2].contacts[0]).toMatchObject({ nickname: "another user2's nickname", displayOnPhone: true });
  });

  it('Example 48: both dialing rules with every field', () => {
    expect(readDialingRules(find(parseXml(example(48)), 'get-dialing-rules-resp'))).toEqual([
      {
        type: 1,
        name: 'App dialing rule',
        description: 'App dialing rule',
        priority: 1,
        numberBeginsWith: '89',
        numberOfDigits: 1,
        digitsToBeRemoved: 0,
        prefix: '7',
      },
      {
        type: 2,
        name: 'Directory dialing rule',
        description: 'Directory dialing rule',
        priority: 1,
        numberBeginsWith: '97876',
        numberOfDigits: 2,
        digitsToBeRemoved: 2,
        prefix: '98',
      },
    ]);
  });

  it('Example 17: logout succeeds', () => {
    expect(find(find(parseXml(example(17)), 'logout-resp'), 'success')).toBeDefined();
  });

  it('Example 21: every system property group, empty addresses treated as absent', () => {
    const system = readSystemConfig(find(parseXml(example(21)), 'get-system-config-resp'));
    expect(system.presence.domain).toBe('cisco.com');
    expect(system.presence.primary).toBeUndefined();
    expect(system.callControl).toEqual([]);
    expect(system.tftp).toEqual([]);
    expect(Object.keys(system.properties)).toEqual(
      expect.arrayContaining(['VoiceMail.PilotNumber', 'MeetingPlace.Backup2.Protocol', 'Directory.SearchContext3', 'TFTP.Backup2']),
    );
    expect(system.directoryMap).toMatchObject({ displayName: 'cn', title: 'title', managerID: 'manageruid' });
  });

  it('Example 23: user config with the is-public flag', () => {
    expect(readUserConfig(find(parseXml(example(23)), 'get-user-config-resp'))).toEqual({
      properties: { 'CallControl.Lineid': { value: '', isPublic: false } },
    });
  });

  it('Example 54: licensing features', () => {
    expect(readLicensing(find(parseXml(example(54)), 'get-licensing-features-resp'))).toEqual({ base: true, im: true, audio: false, video: false });
  });

  it('a contact list with elements and attributes it does not know is still read in full', () => {
    const xml = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><e:get-contact-list-resp xmlns:e="urn:cisco:epas:soap" xmlns:x="urn:example:future">
      <e:group name="A" index="2" x:color="blue"><x:icon>star</x:icon><e:persona-id index="1" nickname="Ann" display-on-phone="true" x:since="2020">ann</e:persona-id>
      <![CDATA[ ]]><e:persona-id>bob</e:persona-id></e:group><x:unknown-block><x:thing/></x:unknown-block><e:group name="B" index="1"/></e:get-contact-list-resp></S:Body></S:Envelope>`;
    // Document order kept (B's lower index does not move it first); bob's absent attributes stay absent.
    expect(readContactList(find(parseXml(xml), 'get-contact-list-resp'))).toEqual([
      {
        name: 'A',
        index: 2,
        unknown: { attributes: { color: 'blue' }, elements: { icon: ['star'] } },
        contacts: [
          { personaId: 'ann', index: 1, nickname: 'Ann', displayOnPhone: true, unknown: { attributes: { since: '2020' }, elements: {} } },
          { personaId: 'bob' },
        ],
      },
      { name: 'B', index: 1, contacts: [] },
    ]);
    // What lies beside the groups is kept too, for the whole list.
    expect(readContactListUnknown(find(parseXml(xml), 'get-contact-list-resp'))).toEqual({ attributes: {}, elements: { 'unknown-block': [{ thing: [''] }] } });
    const all = readAllConfig(
      find(
        parseXml(
          xml
            .replace('<e:get-contact-list-resp', '<e:get-all-config-resp><e:get-contact-list-resp')
            .replace('</e:get-contact-list-resp>', '</e:get-contact-list-resp></e:get-all-config-resp>'),
        ),
        'get-all-config-resp',
      ),
    );
    expect(all.contactListUnknown?.elements).toHaveProperty('unknown-block');
    expect(all.contacts[0].contacts[0].unknown?.attributes).toEqual({ since: '2020' });
  });

  it('Example 16 (leading space in the session key, attributes run together) is readable', () => {
    expect(text(find(parseXml(example(16)), 'session-key')).trim()).toBe('b189aa60-24e3-4e66-a3b6-d8488235ba47');
  });
});

describe('requests', () => {
  it('puts the session key in the header and escapes values', () => {
    const tree = parseXml(envelope('<get-contact-list/>', 'k<&>'));
    expect(text(find(find(tree, 'Header'), 'session-key'))).toBe('k<&>');
    expect(find(find(tree, 'Body'), 'get-contact-list')).toBeDefined();
  });

  it('builds login with force and logout with the cupc-override tuple, as in Examples 15 and 16', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(body);
        res.end(body.includes('<login') ? example(12) : example(17));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const s = new CupsSession({ server: `127.0.0.1:${(server.address() as { port: number }).port}`, user: 'xmzhou', password: '12<345' });
      await s.login({ force: true });
      await s.logout();
      const login = parseXml(seen[0]);
      expect(find(find(login, 'Body'), 'login')?.['@force']).toEqual(['true']);
      expect(text(find(login, 'username'))).toBe('xmzhou');
      expect(text(find(login, 'password'))).toBe('12<345');
      expect(find(login, 'Header')).toBeUndefined();
      const logout = parseXml(seen[1]);
      expect(text(find(logout, 'session-key'))).toBe('b189aa60-24e3-4e66-a3b6-d8488235ba47');
      expect(find(logout, 'logout')?.['@tuple-id']).toEqual(['cupc-override']);
    } finally {
      server.close();
    }
  });

  it('finds the endpoint from a host, host:port or URL', () => {
    expect(cupsEndpoint('cups.example.com').href).toBe('http://cups.example.com/EPASSoap/service');
    expect(cupsEndpoint('cups.example.com:8080').href).toBe('http://cups.example.com:8080/EPASSoap/service');
    expect(cupsEndpoint('https://cups.example.com/custom/path').href).toBe('https://cups.example.com/custom/path');
    expect(() => cupsEndpoint('ftp://x')).toThrow(/http or https/);
  });
});

describe('client ↔ lab server', () => {
  let lab: LabCups;
  beforeAll(async () => {
    lab = await startLabCups({
      domain: 'lab.test',
      presence: { host: '127.0.0.1', port: 5099, protocol: 'tcp' },
      users: [{ id: 'alex', password: 'secret', displayName: 'Alex' }],
      contactLists: {
        alex: [
          { name: 'Later', index: 7.5, contacts: [{ personaId: 'zoe', index: 1, nickname: 'Zoë <Z>', displayOnPhone: true }] },
          { name: 'First', index: -1, contacts: [{ personaId: 'amy', index: 2, nickname: '', displayOnPhone: false }] },
        ],
      },
      dialingRules: [
        { type: 1, name: 'Outside', description: 'Outside line', priority: 1, numberBeginsWith: '', numberOfDigits: 10, digitsToBeRemoved: 0, prefix: '9' },
      ],
    });
  });
  afterAll(() => lab.close());

  const session = (password = 'secret') => new CupsSession({ server: lab.url, user: 'alex', password });

  it('signs in, reads the whole configuration and the contact list, signs out', async () => {
    const s = session();
    await s.login();
    expect(s.sessionKey).toBe(lab.sessionOf('alex'));
    const all = await s.getAllConfig();
    expect(all.system.presence).toEqual({ primary: { host: '127.0.0.1', port: 5099, protocol: 'tcp' }, backup: undefined, domain: 'lab.test' });
    // The lab lists groups by index, as it stores them; the client keeps the order it was sent.
    expect(all.contacts.map((g) => g.name)).toEqual(['First', 'Later']);
    expect(all.contacts[1].contacts[0]).toEqual({ personaId: 'zoe', index: 1, nickname: 'Zoë <Z>', displayOnPhone: true });
    expect(all.dialingRules[0]).toMatchObject({ name: 'Outside', prefix: '9', numberOfDigits: 10 });
    expect(all.licensing.im).toBe(true);
    expect(await s.getContactList()).toEqual(all.contacts);
    await s.logout();
    expect(lab.sessionOf('alex')).toBeUndefined();
  });

  it('wrong password → auth error with the server’s words', async () => {
    await expect(session('nope').login()).rejects.toMatchObject({ code: 'auth', message: 'Wrong username/password' });
  });

  it('a second sign-in is refused until forced; the old key then stops working', async () => {
    const first = session();
    await first.login();
    await expect(session().login()).rejects.toMatchObject({ code: 'already-signed-in', message: 'A SOAP session has already been established.' });
    const second = session();
    await second.login({ force: true });
    expect(second.sessionKey).not.toBe(first.sessionKey);
    expect(lab.sessionOf('alex')).toBe(second.sessionKey);
    await second.logout();
  });

  it('a database fault arrives as a typed error with the server’s text', async () => {
    const s = session();
    await s.login();
    lab.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1 });
    await expect(s.getContactList()).rejects.toMatchObject({ code: 'soap-fault', message: 'Could not connect to database.' });
    await s.logout();
  });

  it('times out with a clear message', async () => {
    const s = new CupsSession({ server: lab.url, user: 'alex', password: 'secret', timeoutMs: 200 });
    lab.inject({ kind: 'slow', ms: 1000, times: 1 });
    await expect(s.login()).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('did not answer login within') });
  });

  it('a dropped connection is reported as unreachable, naming host and port', async () => {
    lab.inject({ kind: 'drop', times: 1 });
    await expect(session().login()).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining(`127.0.0.1:${lab.port}`) });
  });
});

describe('hostile and broken servers', () => {
  let server: Server;
  let url = '';
  let reply: (res: import('node:http').ServerResponse) => void = () => {};
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => reply(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/EPASSoap/service`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const login = () => new CupsSession({ server: url, user: 'a', password: 'b' }).login();

  it('refuses a billion-laughs body', async () => {
    reply = (res) => res.end(`<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>`);
    await expect(login()).rejects.toMatchObject({ code: 'parse', message: expect.stringContaining('DOCTYPE') });
  });

  it('refuses a body over 10 MB without reading it all', async () => {
    reply = (res) => res.end(`<x>${'a'.repeat(11 * 1024 * 1024)}</x>`);
    await expect(login()).rejects.toMatchObject({ code: 'parse', message: expect.stringContaining('larger than 10 MB') });
  });

  it('names the operation when the body is not XML', async () => {
    reply = (res) => res.end('Service Unavailable, try later');
    await expect(login()).rejects.toMatchObject({ code: 'parse', message: 'The login response is not XML.' });
  });

  it('reports an HTTP error status', async () => {
    reply = (res) => {
      res.writeHead(503, 'Service Unavailable');
      res.end('<html>down</html>');
    };
    await expect(login()).rejects.toMatchObject({ code: 'http', message: expect.stringContaining('HTTP 503') });
  });
});
