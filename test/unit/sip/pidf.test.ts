import { describe, expect, it } from 'vitest';
import type { DevicePresence } from '../../../shared/domain';
import { buildPidf, composePresence, parsePidf, PidfError } from '../../../core/sip/codecs/pidf';
import { pidfExample } from '../../support/spec-examples';

const pidfOf = pidfExample;

describe('PIDF', () => {
  it('round-trips each own status', () => {
    for (const availability of ['available', 'away', 'busy', 'dnd'] as const) {
      const parsed = parsePidf(buildPidf('sip:a@x', { availability, note: `note <${availability}> & "q"` }, 't1'));
      expect(parsed.entity).toBe('sip:a@x');
      expect(parsed.devices).toEqual([{ id: 't1', availability, note: `note <${availability}> & "q"`, source: 'Presence Desk' }]);
    }
  });

  it('publishes invisible as a closed tuple with no note', () => {
    const body = buildPidf('sip:a@x', { availability: 'invisible', note: 'secret' }, 't1');
    expect(body).toContain('<basic>closed</basic>');
    expect(body).not.toContain('secret');
    expect(composePresence(parsePidf(body).devices).availability).toBe('offline');
  });

  it('reads the guide’s Example 2 NOTIFY body (damaged namespaces, two devices) as available', () => {
    const parsed = parsePidf(pidfOf(2));
    expect(parsed.entity).toBe('sip:xten3@compB.cisco.com');
    expect(parsed.devices.map((d) => [d.id, d.availability])).toEqual([
      ['t31', 'available'],
      ['t32', 'available'],
    ]);
  });

  it('reads the guide’s Example 4 PUBLISH body (</r :activities >, unquoted namespace) with its source', () => {
    const parsed = parsePidf(pidfOf(4));
    expect(parsed.devices).toEqual([{ id: 't0', availability: 'available', note: '', source: 'Manually set by persona' }]);
  });

  it('a document without tuples means offline; an empty body is refused in words', () => {
    expect(() => parsePidf('')).toThrow(PidfError);
    expect(() => parsePidf(' \r\n')).toThrow('The presence document is empty.');
    expect(composePresence(parsePidf('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@x"/>').devices).availability).toBe('offline');
  });

  it('keeps going past unknown elements, and refuses entity tricks', () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:x="urn:example"><x:future><x:thing/></x:future><tuple id="a"><status><basic>open</basic></status><x:extra>1</x:extra><note>hi</note></tuple></presence>`;
    expect(parsePidf(body).devices).toEqual([{ id: 'a', availability: 'available', note: 'hi' }]);
    expect(() => parsePidf('<!DOCTYPE p [<!ENTITY a "x">]><presence/>')).toThrow(/DOCTYPE/);
  });
});

describe('composing several devices into one state', () => {
  const d = (id: string, availability: DevicePresence['availability'], note = ''): DevicePresence => ({ id, availability, note });
  it.each([
    [[], 'offline', ''],
    [[d('pc', 'offline')], 'offline', ''],
    [[d('pc', 'available', 'at my desk'), d('phone', 'on-the-phone')], 'on-the-phone', 'at my desk'],
    [[d('pc', 'away', 'lunch'), d('laptop', 'busy', 'meeting')], 'busy', 'meeting'],
    [[d('pc', 'available'), d('old', 'offline', 'gone')], 'available', ''],
    [[d('pc', 'dnd', 'focus'), d('phone', 'busy')], 'dnd', 'focus'],
  ] as const)('%j → %s', (devices, availability, note) => {
    const p = composePresence([...devices]);
    expect(p.availability).toBe(availability);
    expect(p.note).toBe(note);
  });
});

describe('PIDF model: every own state, Cisco extensions, unknown elements kept', () => {
  it.each([
    ['available', '<ce:available/>', 'available'],
    ['away', '<r:away/>', 'away'],
    ['busy', '<r:busy/>', 'busy'],
    ['dnd', '<ce:dnd/>', 'dnd'],
    ['on-the-phone', '<r:on-the-phone/>', 'on-the-phone'],
    ['invisible', '', 'offline'],
    ['offline', '', 'offline'],
  ] as const)('publishes %s with its RPID activity and reads it back as %s', (availability, activity, shown) => {
    const body = buildPidf('sip:a@x', { availability, note: 'n' }, 't1', 'Presence Desk', { model: 'Presence Desk 0.1' });
    if (activity) expect(body).toContain(`<r:activities>${activity}</r:activities>`);
    else expect(body).not.toContain('activities');
    const parsed = parsePidf(body);
    expect(composePresence(parsed.devices).availability).toBe(shown);
    const [tuple] = parsed.tuples;
    expect(tuple).toMatchObject({
      id: 't1',
      basic: shown === 'offline' ? 'closed' : 'open',
      source: 'Presence Desk',
      model: 'Presence Desk 0.1',
      servcaps: { audio: false, video: false, text: true },
      contact: 'sip:a@x',
      priority: 1,
    });
    expect(tuple.userInput).toBe(shown === 'offline' ? undefined : availability === 'away' ? 'idle' : 'active');
    expect(parsed.repaired).toBe(false);
  });

  it('repairs the guide’s Example 2 without losing its service capabilities, model or user-input', () => {
    const parsed = parsePidf(pidfOf(2));
    expect(parsed.repaired).toBe(true);
    expect(parsed.persons).toEqual([{ id: 'p1', activities: ['available'], note: '', extensions: [] }]);
    expect(parsed.tuples.map((t) => [t.id, t.contact, t.servcaps, t.model, t.userInput])).toEqual([
      ['t31', 'sip:xten3@57.1.1.15', { audio: true, video: false, text: true }, undefined, 'active'],
      ['t32', 'sip:xten4@57.1.1.16', { audio: true, video: false, text: true }, 'Cisco 7960', 'active'],
    ]);
  });

  it('reads the guide’s Example 4 in full: source (trimmed), model, capabilities, activity', () => {
    const parsed = parsePidf(pidfOf(4));
    expect(parsed.tuples[0]).toMatchObject({
      source: 'Manually set by persona',
      model: 'Cisco 7960',
      servcaps: { audio: true, video: false, text: true },
      userInput: 'active',
      basic: 'open',
    });
    expect(parsed.persons[0].activities).toEqual(['available']);
  });

  it('keeps unknown elements (tuple, person and top level) in the model', () => {
    const body =
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:x="urn:example" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model">` +
      `<x:future level="2"><x:thing>a</x:thing></x:future><dm:device id="d1"><dm:deviceID>mac:1</dm:deviceID></dm:device>` +
      `<tuple id="a"><status><basic>open</basic></status><x:extra>1</x:extra><note>hi</note></tuple>` +
      `<dm:person id="p"><x:mood>happy</x:mood></dm:person></presence>`;
    const parsed = parsePidf(body);
    expect(parsed.extensions.map((e) => e.name)).toEqual(['future', 'device']);
    expect(parsed.extensions[0].value).toEqual({ '@level': ['2'], '#ns': 'urn:example', thing: [{ '#text': 'a', '#ns': 'urn:example' }] });
    expect(parsed.tuples[0].extensions).toEqual([{ name: 'extra', value: { '#text': '1', '#ns': 'urn:example' } }]);
    expect(parsed.persons[0].extensions.map((e) => e.name)).toEqual(['mood']);
  });

  it('reads activities under any prefix, on the tuple or the person, and the most telling wins', () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:p@x"><tuple id="phone"><status><basic>open</basic></status><rpid:activities><rpid:on-the-phone/></rpid:activities></tuple><tuple id="pc"><status><basic>open</basic></status></tuple><person xmlns="urn:ietf:params:xml:ns:pidf:data-model" id="p"><rpid:activities><rpid:lunch/></rpid:activities></person></presence>`;
    const parsed = parsePidf(body);
    expect(parsed.devices.map((d) => [d.id, d.availability])).toEqual([
      ['phone', 'on-the-phone'],
      ['pc', 'away'],
    ]);
    expect(composePresence(parsed.devices).availability).toBe('on-the-phone');
  });
});
