/**
 * The buddy list, contact menu and contact card in the UI's language: rendered to markup in
 * English and in German, so a string left literal or a key read from the wrong namespace shows
 * up here as English text in the German markup (or as a raw key).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuddyList } from '../../renderer/src/BuddyList';
import { ContactCard } from '../../renderer/src/ContactCard';
import { ContactMenu, type ContactActions } from '../../renderer/src/ContactMenu';
import { chooseLanguage, startI18n } from '../../renderer/src/i18n';
import type { Contact, ContactGroup, Presence } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';

const maria: Contact = {
  personaId: 'maria',
  uri: 'sip:maria@example.com',
  nickname: '',
  displayName: 'Maria Chen',
  index: 0,
  displayOnPhone: false,
  numbers: ['+1 408 555 0101'],
  phones: [
    { label: 'work', number: '+1 408 555 0101' },
    { label: 'mobile', number: '+1 650 555 0111' },
  ],
};
// "" is the app's own default group; "Support desk" is a name the server gave.
const groups: ContactGroup[] = [
  { name: '', index: 1, contacts: [maria] },
  { name: 'Support desk', index: 2, contacts: [] },
];
const presence: Presence = { availability: 'away', note: 'Back at 3', updatedAt: 1, devices: [] };
// Effects do not run in server rendering: the API is never called.
const api = { invoke: () => new Promise(() => undefined), on: () => () => undefined } as unknown as DeskApi;
const actions: ContactActions = {
  rename: () => undefined,
  move: () => undefined,
  remove: () => undefined,
  card: () => undefined,
  call: { api, place: () => undefined },
};
const noop = () => undefined;

const menu = () => renderToStaticMarkup(createElement(ContactMenu, { group: '', contact: maria, groups, actions, onClose: noop }));
const card = () => renderToStaticMarkup(createElement(ContactCard, { api, contact: { ...maria, phones: [] }, presence, onChat: noop, onClose: noop }));
const list = (g: ContactGroup[]) =>
  renderToStaticMarkup(
    createElement(BuddyList, {
      groups: g,
      presence: {},
      unread: {},
      onOpen: noop,
      edit: { newGroup: noop, addContact: noop, renameGroup: noop, deleteGroup: noop, contact: actions },
    }),
  );

beforeAll(() => startI18n('en'));
afterAll(() => chooseLanguage('en'));

describe('buddy list and contacts in English', () => {
  it('keep their English words', () => {
    expect(menu()).toContain('aria-label="Actions for Maria Chen"');
    expect(menu()).toContain('Call work +1 408 555 0101');
    expect(menu()).toContain('Move to Support desk');
    expect(card()).toContain('The directory has no number for Maria Chen.');
    expect(card()).toContain('Away — Back at 3');
    expect(list([])).toContain('No contacts yet.');
    expect(list(groups)).toContain('Loading presence… 0 of 1');
  });
});

describe('buddy list and contacts in German', () => {
  beforeAll(() => chooseLanguage('de'));

  it('name the menu items in German, server group names as they are', () => {
    const html = menu();
    expect(html).toContain('aria-label="Aktionen für Maria Chen"');
    expect(html).toContain('Kontaktkarte…');
    expect(html).toContain('Geschäftlich anrufen: +1 408 555 0101');
    expect(html).toContain('Mobil anrufen: +1 650 555 0111');
    expect(html).toContain('In Gruppe Support desk verschieben');
    expect(html).toContain('Entfernen');
    expect(html).not.toMatch(/Call |Move to|Rename|Contact card/);
  });

  it('translate the group the app names itself, in the menu of a server group', () => {
    const html = renderToStaticMarkup(createElement(ContactMenu, { group: 'Support desk', contact: maria, groups, actions, onClose: noop }));
    expect(html).toContain('In Gruppe Kontakte verschieben');
  });

  it('write the contact card in German, the note as its owner wrote it', () => {
    const html = card();
    expect(html).toContain('aria-label="Kontaktkarte: Maria Chen"');
    expect(html).toContain('Im Verzeichnis ist keine Rufnummer für Maria Chen eingetragen.');
    expect(html).toContain('Abwesend — Back at 3');
    expect(html).toContain('title="Keine Nummer zum Anrufen"');
    expect(html).toContain('>Anrufen<');
    expect(html).not.toMatch(/Addresses|Numbers|Presence<|No number/);
  });

  it('label the list, its tools and its counts in German', () => {
    expect(list([])).toContain('Noch keine Kontakte.');
    const html = list(groups);
    expect(html).toContain('placeholder="Suchen (Strg+K)"');
    expect(html).toContain('Serverreihenfolge');
    expect(html).toContain('Präsenz wird geladen… 0 von 1');
    expect(html).toContain('+ Neue Gruppe');
    expect(html).not.toMatch(/Search|Server order|Loading|New group/);
  });
});
