/** The SIMPLE documents: resource-lists, pres-rules and watcherinfo read and written, and SIP addresses at sign-in. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presRulesDocument, readPresRules, readWatcherInfo, watcherKey } from '../../../core/xcap/pres-rules';
import { entryElement, readResourceLists, rlsServicesDocument } from '../../../core/xcap/resource-lists';
import { splitSipAddress } from '../../../core/xcap/simple-server';
import { entrySelector, listSelector } from '../../../core/xcap/buddy-list';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'xcap', name), 'utf8');

describe('resource-lists (RFC 4826)', () => {
  it("reads the RFC's example: top-level lists are groups, entries with display names are contacts", () => {
    const groups = readResourceLists(fixture('rfc4826-resource-lists.xml'), 'example.com');
    expect(groups).toEqual([{ name: 'friends', index: 1, contacts: [{ personaId: 'bill', index: 1, nickname: 'Bill Doe' }] }]);
  });

  it('keeps addresses of other domains whole, and refuses what is not a resource-lists document in words', () => {
    const doc = `<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list name="x"><entry uri="sip:Ann@Other.example"/></list></resource-lists>`;
    expect(readResourceLists(doc, 'example.com')[0]!.contacts[0]!.personaId).toBe('Ann@other.example');
    expect(() => readResourceLists('<list xmlns="urn:other"/>', 'example.com')).toThrow(/not a resource-lists document/);
    expect(() => readResourceLists('<resource-lists', 'example.com')).toThrow(/could not be read/);
  });

  it('writes parts escaped, and selectors that quote values as RFC 4825 says', () => {
    expect(entryElement('sip:a@b.c', 'Tom & "Jerry" <3')).toBe(
      '<entry xmlns="urn:ietf:params:xml:ns:resource-lists" uri="sip:a@b.c"><display-name>Tom &amp; &quot;Jerry&quot; &lt;3</display-name></entry>',
    );
    expect(listSelector('Say "hi"')).toBe('resource-lists/list[@name="Say &quot;hi&quot;"]');
    expect(entrySelector('A', 'sip:a@b.c')).toBe('resource-lists/list[@name="A"]/entry[@uri="sip:a@b.c"]');
  });

  it('rls-services lists every contact once under the list URI', () => {
    const doc = rlsServicesDocument(
      'sip:alex-list@example.com',
      [
        { name: 'A', contacts: [{ personaId: 'bob' }, { personaId: 'ann@other.example' }] },
        { name: 'B', contacts: [{ personaId: 'bob' }] },
      ],
      'example.com',
    );
    expect(doc).toContain('<service uri="sip:alex-list@example.com">');
    expect(doc.match(/<rl:entry /g)).toHaveLength(2);
    expect(doc).toContain('<rl:entry uri="sip:ann@other.example"/>');
  });
});

describe('pres-rules (RFC 5025)', () => {
  it("reads the RFC's prefixed example", () => {
    expect(readPresRules(fixture('rfc5025-pres-rules.xml'))).toEqual([{ who: 'sip:user@example.com', action: 'allow' }]);
  });

  it('writes one rule per action and reads back what it wrote, domains included', () => {
    const rules = [
      { who: 'sip:bob@example.com', action: 'allow' as const },
      { who: 'spam.example', action: 'block' as const },
      { who: 'sip:eve@example.com', action: 'polite-block' as const },
    ];
    const doc = presRulesDocument(rules);
    expect(doc).toContain('<many domain="spam.example"/>');
    expect(doc).toContain('<provide-all-attributes xmlns="urn:ietf:params:xml:ns:pres-rules"/>');
    expect(readPresRules(doc)).toEqual(expect.arrayContaining(rules));
    expect(readPresRules(doc)).toHaveLength(3);
  });

  it('a watcher named twice keeps the most restrictive action', () => {
    const doc = presRulesDocument([{ who: 'sip:x@y.z', action: 'allow' }]).replace(
      '</ruleset>',
      presRulesDocument([{ who: 'sip:x@y.z', action: 'block' }]).split('<ruleset xmlns="urn:ietf:params:xml:ns:common-policy">')[1]!,
    );
    expect(readPresRules(doc)).toEqual([{ who: 'sip:x@y.z', action: 'block' }]);
  });

  it('takes what the user types as an address or a domain', () => {
    expect(watcherKey('bob', 'example.com')).toBe('sip:bob@example.com');
    expect(watcherKey('Bob@Example.com', 'x')).toBe('sip:Bob@example.com');
    expect(watcherKey('@Partner.example', 'x')).toBe('partner.example');
    expect(() => watcherKey('  ', 'x')).toThrow(/Enter a SIP address or a domain/);
  });
});

describe('watcherinfo (RFC 3858)', () => {
  it("reads the RFC's example: who, in which state, with the name given", () => {
    expect(readWatcherInfo(fixture('rfc3858-watcherinfo.xml'))).toEqual({
      full: true,
      watchers: [
        { uri: 'sip:userA@example.net', status: 'active' },
        { uri: 'sip:userB@example.org', status: 'pending', displayName: 'Mr. Subscriber' },
      ],
    });
  });
});

describe('SIP-only sign-in', () => {
  it('takes name@domain with or without sip:, and says what it expects otherwise', () => {
    expect(splitSipAddress(' sip:alice@Example.COM ')).toEqual({ user: 'alice', domain: 'example.com', uri: 'sip:alice@example.com' });
    expect(() => splitSipAddress('alice')).toThrow(/"alice" is not a SIP address: enter it as name@domain/);
  });
});
