import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DevicePresence } from '../../../shared/domain';
import { buildPidf, composePresence, parsePidf } from '../../../core/sip/pidf';

const spec = readFileSync(join(import.meta.dirname, '../../../../shared/spec/002_c87905c8cdcde07a.txt'), 'utf8');

/** The PIDF body of the guide's Example N (a SIP message printed on one line). */
function pidfOf(n: number): string {
  const lines = spec.split('\n');
  const caption = lines.findIndex((l) => l.startsWith(`Example ${n} `) && !l.includes(' shows '));
  const line = lines[caption + 1];
  return line.slice(line.indexOf('<?xml'), line.lastIndexOf('</presence>') + '</presence>'.length);
}

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

  it('an empty NOTIFY body or a document without tuples means offline', () => {
    expect(composePresence(parsePidf('').devices).availability).toBe('offline');
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
