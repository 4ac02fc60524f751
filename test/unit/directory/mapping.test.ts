/** The directory's configuration, attribute mapping, filters and batching, without a server. */
import { describe, expect, it } from 'vitest';
import { readSystemConfig } from '../../../core/cups/parse';
import { find, parseXml } from '../../../core/xml/safe-xml';
import { compileRules } from '../../../core/dialing';
import {
  batches,
  enrichGroups,
  enrichGroupsInPlace,
  escapeFilterValue,
  mapEntry,
  nameSearchFilter,
  readAttributeMap,
  readDirectoryConfig,
  userIdFilter,
} from '../../../core/directory';
import type { ContactGroup } from '../../../shared/domain';
import { LAB_DIALING_RULES } from '../../../lab/directory';

const system = (props: Record<string, string>) =>
  readSystemConfig(
    find(
      parseXml(
        `<r xmlns:epas="urn:cisco:epas:soap">${Object.entries(props)
          .map(([k, v]) => `<epas:property name="${k}">${v}</epas:property>`)
          .join('')}</r>`,
      ),
      'r',
    ),
  );

describe('Directory.* configuration', () => {
  it('reads primary and backups, bind, contexts and recursion', () => {
    const config = readDirectoryConfig(
      system({
        'Directory.Primary.Address': 'ldap1.example.com',
        'Directory.Primary.Port': '3268',
        'Directory.Primary.Protocol': 'TCP',
        'Directory.Backup1.Address': 'ldap2.example.com',
        'Directory.Backup1.Protocol': 'TLS',
        'Directory.DN': 'cn=reader,dc=example,dc=com',
        'Directory.Password': 's3cret',
        'Directory.AnonymousBind': 'FALSE',
        'Directory.SearchContext1': 'ou=people,dc=example,dc=com',
        'Directory.SearchRecursive1': 'TRUE',
        'Directory.SearchContext2': 'ou=contractors,dc=example,dc=com',
        'Directory.SearchRecursive2': 'FALSE',
        'Directory.SearchContext3': 'OU=People,dc=example,dc=com',
      }),
    )!;
    expect(config.servers).toEqual([
      { host: 'ldap1.example.com', port: 3268, tls: false },
      { host: 'ldap2.example.com', port: 636, tls: true },
    ]);
    expect(config.bindDn).toBe('cn=reader,dc=example,dc=com');
    expect(config.password).toBe('s3cret');
    // The third context repeats the first (case aside) and is dropped.
    expect(config.contexts).toEqual([
      { base: 'ou=people,dc=example,dc=com', recursive: true },
      { base: 'ou=contractors,dc=example,dc=com', recursive: false },
    ]);
  });

  it('binds anonymously when told to, or when there is no bind DN', () => {
    const base = { 'Directory.Primary.Address': 'ldap', 'Directory.DN': 'cn=x', 'Directory.Password': 'p' };
    expect(readDirectoryConfig(system({ ...base, 'Directory.AnonymousBind': 'TRUE' }))!.bindDn).toBeUndefined();
    expect(readDirectoryConfig(system({ ...base, 'Directory.DN': '' }))!.bindDn).toBeUndefined();
    expect(readDirectoryConfig(system({ ...base }))!.servers[0].port).toBe(389);
  });

  it('is absent when the server names no directory (the spec’s example config)', () => {
    expect(readDirectoryConfig(system({ 'Directory.Primary.Address': '', 'Directory.DN': '' }))).toBeUndefined();
  });
});

describe('Directory.Map.* attribute mapping', () => {
  it('reads both spellings of the guide and uses inetOrgPerson defaults for absent fields', () => {
    const uccn = readAttributeMap({
      UserID: 'sAMAccountName',
      DisplayName: 'displayName',
      BusinessPhoneNumber: 'ipPhone',
      BusinessMobilePhone: 'mobile',
      BusinessEMail: 'mail',
      Title: 'title',
    });
    expect(uccn.userId).toBe('sAMAccountName');
    expect(uccn.phones).toEqual([
      { label: 'work', attribute: 'ipPhone' },
      { label: 'mobile', attribute: 'mobile' },
    ]);
    const sysconfig = readAttributeMap({ userid: 'uid', displayName: 'cn', title: 'title' });
    expect(sysconfig.userId).toBe('uid');
    expect(sysconfig.displayName).toEqual(['cn']);
    expect(sysconfig.email).toBe('mail');
    expect(sysconfig.phones.map((p) => p.attribute)).toEqual(['telephoneNumber', 'mobile']);
  });

  it('treats an empty mapping as "not in this directory" and refuses attribute names that are filter syntax', () => {
    const problems: string[] = [];
    const map = readAttributeMap({ BusinessMobilePhone: '', BusinessPhoneNumber: 'telephoneNumber)(uid=*', HomeMobilePhone: 'homeMobile' }, problems);
    expect(map.phones).toEqual([{ label: 'home', attribute: 'homeMobile' }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('not an attribute name');
  });
});

describe('search filters', () => {
  it('escapes every filter metacharacter and control character, and keeps UTF-8 text (RFC 4515)', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\u0000\n\u007f')).toBe('a\\5cb\\00\\0a\\7f');
    expect(escapeFilterValue('Grüße 👋')).toBe('Grüße 👋');
    expect(escapeFilterValue('maria')).toBe('maria');
  });

  it('builds one OR filter per batch of user ids', () => {
    expect(userIdFilter('uid', ['maria'])).toBe('(uid=maria)');
    expect(userIdFilter('uid', ['maria', 'sam*'])).toBe('(|(uid=maria)(uid=sam\\2a))');
  });

  it('searches names word by word, inside display names and at the start of the rest', () => {
    const f = nameSearchFilter(['displayName', 'cn', 'givenName', 'sn', 'uid', 'mail'], ['displayName', 'cn'], ' maria  ch(');
    expect(f).toBe(
      '(&(|(displayName=*maria*)(cn=*maria*)(givenName=maria*)(sn=maria*)(uid=maria*)(mail=maria*))' +
        '(|(displayName=*ch\\28*)(cn=*ch\\28*)(givenName=ch\\28*)(sn=ch\\28*)(uid=ch\\28*)(mail=ch\\28*)))',
    );
  });

  it('splits ids into batches of the given size', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 50)).toEqual([]);
    expect(() => batches([1], 0)).toThrow(RangeError);
  });
});

describe('entries to people', () => {
  const map = readAttributeMap({
    UserID: 'uid',
    DisplayName: 'displayName',
    BusinessPhoneNumber: 'telephoneNumber',
    BusinessMobilePhone: 'mobile',
    BusinessEMail: 'mail',
    Title: 'title',
  });
  const rules = compileRules(LAB_DIALING_RULES).rules;

  it('labels numbers by field and applies the directory-lookup rules (type 2)', () => {
    const person = mapEntry(
      {
        dn: 'uid=maria,ou=people',
        uid: 'maria',
        displayname: 'Maria Chen',
        telephoneNumber: '+1 408 555 0101',
        mobile: ['+1 650 555 0111', '+1 (408) 555-0101'],
        mail: 'maria@example.com',
        title: 'Product lead',
      },
      map,
      rules,
    )!;
    expect(person).toEqual({
      userId: 'maria',
      displayName: 'Maria Chen',
      email: 'maria@example.com',
      title: 'Product lead',
      phones: [
        { label: 'work', number: '+1 408 555 0101', lookup: '0101', lookupRule: 'Directory: own site' },
        // No directory rule for other sites: the number is looked up as normalised.
        { label: 'mobile', number: '+1 650 555 0111', lookup: '+16505550111' },
        // The work number again under "mobile" is shown once.
      ],
    });
  });

  it('keeps text that is not a number, marked as not dialable', () => {
    const person = mapEntry({ uid: 'reception', cn: 'Reception', telephoneNumber: ['4000', 'ask the operator'] }, map, rules)!;
    expect(person.displayName).toBe('Reception');
    expect(person.phones[0]).toEqual({ label: 'work', number: '4000', lookup: '4000' });
    expect(person.phones[1].lookup).toBeUndefined();
    expect(person.phones[1].error).toBe('"ask the operator" is not a phone number.');
  });

  it('skips entries without a user id and reads binary values as UTF-8', () => {
    expect(mapEntry({ cn: 'Nobody' }, map, rules)).toBeUndefined();
    expect(mapEntry({ uid: [Buffer.from('jonas')], displayName: Buffer.from('Jonas Berg') }, map, rules)!.displayName).toBe('Jonas Berg');
  });

  it('enriches contacts: numbers filled, nickname stays the shown name, others untouched', () => {
    const groups: ContactGroup[] = [
      {
        name: 'G',
        index: 1,
        contacts: [
          { personaId: 'Maria', uri: 'sip:maria@x', nickname: 'Mimi', displayName: 'Mimi', index: 1, displayOnPhone: false, numbers: [] },
          { personaId: 'sam', uri: 'sip:sam@x', nickname: '', displayName: 'sam', index: 2, displayOnPhone: false, numbers: [] },
          { personaId: 'ghost', uri: 'sip:ghost@x', nickname: '', displayName: 'ghost', index: 3, displayOnPhone: false, numbers: [] },
        ],
      },
    ];
    const people = new Map([
      ['maria', { userId: 'maria', displayName: 'Maria Chen', phones: [{ label: 'work' as const, number: '+1 408 555 0101' }] }],
      ['sam', { userId: 'sam', displayName: 'Sam Okafor', title: 'Designer', phones: [] }],
    ]);
    const [g] = enrichGroups(groups, people);
    expect(g.contacts[0]).toMatchObject({ displayName: 'Mimi', directoryName: 'Maria Chen', numbers: ['+1 408 555 0101'] });
    expect(g.contacts[1]).toMatchObject({ displayName: 'Sam Okafor', title: 'Designer', numbers: [] });
    expect(g.contacts[2]).toBe(groups[0].contacts[2]);
    // In place: the same list object, now with the numbers.
    expect(enrichGroupsInPlace(groups, people)).toBe(groups);
    expect(groups[0].contacts[0].numbers).toEqual(['+1 408 555 0101']);
  });
});
