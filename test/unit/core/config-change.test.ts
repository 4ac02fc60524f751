/**
 * UCCN contact and group changes applied to the buddy list: only what changed is new (so the
 * delta is one row), a change already in the list is nothing, a move leaves the old group, and
 * features say why they are off.
 */
import { describe, expect, it } from 'vitest';
import type { ContactGroup } from '../../../shared/domain';
import { applyListChange, serverFeatures } from '../../../core/config-change';
import { diffGroups } from '../../../core/contacts/delta';
import { parseUccn } from '../../../core/cups/uccn';

const D = 'example.com';
const ann = { personaId: 'ann', uri: `sip:ann@${D}`, nickname: 'Ann', displayName: 'Ann', index: 1, displayOnPhone: false, numbers: ['0101'] };
const bob = { personaId: 'bob', uri: `sip:bob@${D}`, nickname: '', displayName: 'bob', index: 2, displayOnPhone: false, numbers: [] };
const LIST: ContactGroup[] = [
  { name: 'Team', index: 1, contacts: [ann, bob] },
  { name: 'Friends', index: 2, contacts: [] },
];
const NS = 'urn:cisco:epas:uccn';
const contact = (action: string, sides: string) => parseUccn(`<UPCConfigChange xmlns="${NS}"><action>${action}</action>${sides}</UPCConfigChange>`);
const side = (which: string, group: string, persona: string, nickname?: string) =>
  `<${which}><group name="${group}" index="1"><persona-id index="1"${nickname === undefined ? '' : ` nickname="${nickname}"`}>${persona}</persona-id><is-cups>TRUE</is-cups><is-external>FALSE</is-external></group></${which}>`;

describe('UCCN changes on the buddy list', () => {
  it('a nickname change replaces one contact and shares everything else', () => {
    const next = applyListChange(LIST, contact('update-contact', side('old', 'Team', 'bob') + side('new', 'Team', 'bob', 'Bobby')), D)!;
    expect(next.groups[1]).toBe(LIST[1]);
    expect(next.groups[0]!.contacts[0]).toBe(ann);
    expect(next.groups[0]!.contacts[1]).toMatchObject({ personaId: 'bob', nickname: 'Bobby', displayName: 'Bobby' });
    expect(diffGroups(LIST, next.groups)).toEqual([{ kind: 'contact-changed', group: 'Team', contact: next.groups[0]!.contacts[1] }]);
    expect(next.said).toBe('bob is now shown as Bobby.');
  });

  it('is idempotent: an insert of a contact already there, a delete of one not there, a repeated rename', () => {
    expect(applyListChange(LIST, contact('insert-contact', side('new', 'Team', 'ann', 'Ann')), D)).toBeUndefined();
    expect(applyListChange(LIST, contact('delete-contact', side('old', 'Friends', 'ann')), D)).toBeUndefined();
    expect(
      applyListChange(LIST, parseUccn(`<UPCConfigChange xmlns="${NS}"><action>insert-group</action><new><group name="Team"/></new></UPCConfigChange>`), D),
    ).toBeUndefined();
  });

  it('moves a contact whose group changed, keeping what the directory added', () => {
    const next = applyListChange(LIST, contact('update-contact', side('old', 'Team', 'ann', 'Ann') + side('new', 'Friends', 'ann', 'Ann')), D)!;
    expect(next.groups.map((g) => g.contacts.map((c) => c.personaId))).toEqual([['bob'], ['ann']]);
    expect(next.groups[1]!.contacts[0]!.numbers).toEqual(['0101']);
  });

  it('renames a group as a rename, adds a contact to a group the list does not have yet', () => {
    const renamed = applyListChange(
      LIST,
      parseUccn(
        `<UPCConfigChange xmlns="${NS}"><action>update-group</action><old><group name="Friends"/></old><new><group name="Pals" index="2"/></new></UPCConfigChange>`,
      ),
      D,
    )!;
    expect(renamed.renamed).toEqual({ from: 'Friends', to: 'Pals' });
    expect(diffGroups(LIST, renamed.groups, renamed.renamed)).toEqual([{ kind: 'group-changed', name: 'Friends', group: { name: 'Pals', index: 2 } }]);
    const added = applyListChange(LIST, contact('insert-contact', side('new', 'New people', 'cy')), D)!;
    expect(added.groups.at(-1)).toMatchObject({ name: 'New people', contacts: [{ uri: `sip:cy@${D}`, displayName: 'cy' }] });
  });
});

describe('features from licences and configuration', () => {
  const licensed = { base: true, im: true, audio: false, video: false };
  it('says why each one is off', () => {
    const f = serverFeatures(licensed, { 'IM.enable': 'false', 'VoiceMail.PilotNumber': ' 8000 ', 'MeetingPlace.Primary.Address': 'mp.example.com' });
    expect(f.im).toEqual({ available: false, reason: 'Instant messaging is turned off on the server by the administrator.' });
    expect(f.audio.reason).toBe('Audio calls are not licensed for your account on this server.');
    expect(f.voicemail).toEqual({ available: true, pilot: '8000' });
    expect(f.meeting).toEqual({ available: true, server: 'https://mp.example.com' });
    expect(serverFeatures({ ...licensed, im: false }, { 'IM.enable': 'TRUE' }).im.reason).toBe(
      'Instant messaging is not licensed for your account on this server.',
    );
    expect(serverFeatures(licensed, {}).voicemail).toEqual({ available: false, reason: 'The server names no voicemail pilot number.' });
  });
});
