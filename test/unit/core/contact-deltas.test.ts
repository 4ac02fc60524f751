/**
 * Contact-list deltas: `diffGroups` (core) and `applyContactChanges` (renderer) agree on any
 * edit, and on the DeskSession event stream a rename among 5,000 contacts reaches the renderer
 * as one small delta, not the list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Contact, ContactGroup } from '../../../shared/domain';
import type { EventChannel } from '../../../shared/ipc';
import { applyContactChanges } from '../../../shared/contact-changes';
import type { AllConfig } from '../../../core/cups';
import { diffGroups } from '../../../core/contacts';
import { DeskSession, type CupsLike, type SipLike } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';

const contact = (id: string, nickname = ''): Contact => ({
  personaId: id,
  uri: `sip:${id}@lab.test`,
  nickname,
  displayName: nickname || id,
  index: 1,
  displayOnPhone: false,
  numbers: [],
});

type Edit =
  | { op: 'rename-contact'; g: number; c: number; nickname: string }
  | { op: 'add-contact'; g: number; id: number }
  | { op: 'remove-contact'; g: number; c: number }
  | { op: 'add-group'; name: number }
  | { op: 'remove-group'; g: number }
  | { op: 'rename-group'; g: number; name: number };

/** One edit as ContactList makes it: on copies, replacing (never mutating) what it changes. */
function edit(before: ContactGroup[], e: Edit): { after: ContactGroup[]; renamed?: { from: string; to: string } } {
  const after = before.map((g) => ({ ...g, contacts: [...g.contacts] }));
  const g = after.length ? after[('g' in e ? e.g : 0) % after.length] : undefined;
  switch (e.op) {
    case 'rename-contact':
      if (g?.contacts.length) {
        const i = e.c % g.contacts.length;
        g.contacts[i] = { ...g.contacts[i], nickname: e.nickname, displayName: e.nickname || g.contacts[i].personaId };
      }
      break;
    case 'add-contact':
      if (g && !g.contacts.some((c) => c.personaId === `new${e.id}`)) g.contacts.push(contact(`new${e.id}`));
      break;
    case 'remove-contact':
      if (g?.contacts.length) g.contacts.splice(e.c % g.contacts.length, 1);
      break;
    case 'add-group':
      if (!after.some((x) => x.name === `G${e.name}`)) after.push({ name: `G${e.name}`, index: 99, contacts: [contact(`first${e.name}`)] });
      break;
    case 'remove-group':
      if (g) after.splice(after.indexOf(g), 1);
      break;
    case 'rename-group':
      if (g && !after.some((x) => x.name === `R${e.name}`)) {
        const from = g.name;
        g.name = `R${e.name}`;
        return { after, renamed: { from, to: g.name } };
      }
      break;
  }
  return { after };
}

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('rename-contact' as const), g: fc.nat(), c: fc.nat(), nickname: fc.string({ maxLength: 5 }) }),
  fc.record({ op: fc.constant('add-contact' as const), g: fc.nat(), id: fc.nat(20) }),
  fc.record({ op: fc.constant('remove-contact' as const), g: fc.nat(), c: fc.nat() }),
  fc.record({ op: fc.constant('add-group' as const), name: fc.nat(20) }),
  fc.record({ op: fc.constant('remove-group' as const), g: fc.nat() }),
  fc.record({ op: fc.constant('rename-group' as const), g: fc.nat(), name: fc.nat(20) }),
);

const listArb: fc.Arbitrary<ContactGroup[]> = fc
  .array(fc.array(fc.nat(30), { maxLength: 6 }), { maxLength: 5 })
  .map((groups) => groups.map((ids, gi) => ({ name: `Group ${gi}`, index: 5 - gi, contacts: [...new Set(ids)].map((id) => contact(`u${id}`)) })));

describe('contact-list deltas', () => {
  it('applying the delta of any sequence of edits gives the edited list, and keeps untouched items', () => {
    fc.assert(
      fc.property(listArb, fc.array(editArb, { minLength: 1, maxLength: 6 }), (start, edits) => {
        let shown = start;
        let list = start;
        for (const e of edits) {
          const { after, renamed } = edit(list, e);
          const changes = diffGroups(list, after, renamed);
          expect(changes.some((c) => c.kind === 'reset')).toBe(false);
          shown = applyContactChanges(shown, changes);
          expect(shown).toEqual(after);
          list = after;
        }
        // A group no edit touched is the very same object on the renderer's side.
        for (const g of shown) {
          const original = start.find((s) => s.name === g.name);
          if (original && original.contacts === list.find((l) => l.name === g.name)?.contacts) expect(g.contacts).toBe(original.contacts);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a reordered list is sent whole, once', () => {
    const before = [{ name: 'A', index: 1, contacts: [contact('a'), contact('b')] }];
    const after = [{ name: 'A', index: 1, contacts: [contact('b'), contact('a')] }];
    expect(diffGroups(before, after)).toEqual([{ kind: 'reset', groups: after }]);
    expect(applyContactChanges(before, diffGroups(before, after))).toEqual(after);
  });
});

describe('DeskSession event stream at 5,000 contacts', () => {
  let dir: string | undefined;
  let session: DeskSession | undefined;
  afterEach(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a rename sends one delta of a few hundred bytes, never the list', async () => {
    const groups = Array.from({ length: 50 }, (_, g) => ({
      name: `Team ${g}`,
      index: g,
      contacts: Array.from({ length: 100 }, (_, c) => ({ personaId: `user${g}x${c}`, index: c, nickname: `Colleague ${g}-${c}`, displayOnPhone: false })),
    }));
    const config = {
      system: { properties: {}, presence: { primary: { host: '127.0.0.1', port: 5070, protocol: 'tcp' }, domain: 'lab.test' }, callControl: [] },
      user: { properties: {} },
      licensing: { base: true, im: true, audio: false, video: false },
      contacts: groups,
      dialingRules: [],
    } as unknown as AllConfig;
    const ok = async () => [{ ok: true, status: 'succeeded' }];
    const cups = {
      login: async () => {},
      logout: async () => {},
      getAllConfig: async () => config,
      addRecentComm: ok,
      getRecentComm: async () => [],
      modifyContacts: ok,
    } as unknown as CupsLike;
    const sip = {
      uri: 'sip:alex@lab.test',
      state: 'registered',
      start: async () => {},
      stop: async () => {},
      setPresence: async () => {},
      watch() {},
      unwatch() {},
      sendMessage: async () => ({}),
      sendComposing: async () => {},
      on: () => () => {},
    } as unknown as SipLike;
    dir = mkdtempSync(join(tmpdir(), 'pd-deltas-'));
    session = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings: new MemorySettingsStore(),
      historyDir: dir,
      createCups: () => cups,
      createSip: () => sip,
    });
    await session.signIn({ server: 'cups.lab.test', user: 'alex', password: 'pw' });
    const shownBefore = session.snapshot().groups;
    const listBytes = JSON.stringify(shownBefore).length;
    expect(shownBefore.flatMap((g) => g.contacts)).toHaveLength(5000);

    // What reaches the renderer: every event, as the browser host would put it in a frame.
    const frames: Array<{ event: EventChannel; bytes: number; payload: unknown }> = [];
    session.subscribe((event, payload) => frames.push({ event, bytes: JSON.stringify({ kind: 'event', event, payload }).length, payload }));
    const result = await session.handlers['contacts:rename']('Team 17', 'sip:user17x42@lab.test', 'Sam the Renamed');

    const contactFrames = frames.filter((f) => f.event === 'contacts:changed' || f.event === 'contacts:delta');
    expect(contactFrames.map((f) => f.event)).toEqual(['contacts:delta']);
    expect(contactFrames[0].payload).toEqual([
      {
        kind: 'contact-changed',
        group: 'Team 17',
        contact: expect.objectContaining({ uri: 'sip:user17x42@lab.test', nickname: 'Sam the Renamed', displayName: 'Sam the Renamed' }),
      },
    ]);
    expect(contactFrames[0].bytes).toBeLessThan(400);
    expect(listBytes).toBeGreaterThan(1000 * contactFrames[0].bytes);
    // The invoke's answer is the same delta, not the list.
    expect(JSON.stringify(result).length).toBeLessThan(400);
    // Applied, the renderer's list is the core's, and the 49 other groups are untouched objects.
    const shownAfter = applyContactChanges(shownBefore, contactFrames[0].payload as never);
    expect(shownAfter).toEqual(session.snapshot().groups);
    expect(shownAfter.filter((g, i) => g === shownBefore[i])).toHaveLength(49);
  });
});
