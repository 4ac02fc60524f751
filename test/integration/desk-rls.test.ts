/**
 * The session on the demo lab with its resource list server: with the list named in
 * `presenceList` the buddy list's presence comes through one event-list subscription, and the
 * list on the server follows the CUPS contact list when the user edits it. With 'auto' the
 * session chooses the path that gives full presence first, and says which and why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Presence, PresenceUpdate } from '../../shared/domain';
import { DeskSession } from '../../core/desk-session';
import { SipAccount } from '../../core/sip';
import { MemorySettingsStore } from '../../core/store/settings';
import { startLab, type Lab } from '../../lab';
import { waitForEvent } from '../support/wait';

let lab: Lab;
let dir: string;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-desk-rls-'));
  lab = await startLab({ rls: true, replyDelayMs: 50, log: (l) => log.push(l) });
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const uriOf = (id: string) => `sip:${id}@${lab.domain}`;

function presenceOf(session: DeskSession, id: string): Presence | undefined {
  return session.snapshot().presence[uriOf(id)];
}

async function settled(session: DeskSession, id: string, predicate: (p: Presence) => boolean): Promise<Presence> {
  const current = presenceOf(session, id);
  if (current && predicate(current)) return current;
  const updates = await waitForEvent<PresenceUpdate[]>(
    (cb) => session.on('presence:changed', cb),
    (u) => u.some((x) => x.uri === uriOf(id) && predicate(x.presence)),
    `presence of ${id}`,
    10_000,
  );
  return updates.find((x) => x.uri === uriOf(id))!.presence;
}

describe('event-list presence in the session (lab with RLS)', () => {
  it('shows the buddy list through one list subscription and follows list edits', async () => {
    let account: SipAccount | undefined;
    const session = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings: new MemorySettingsStore({ presenceList: `sip:${lab.demoUser.id}-list@${lab.domain}` }),
      historyDir: join(dir, 'rls'),
      log: (l) => log.push(l),
      createSip: (options) => (account = new SipAccount(options)),
    });
    try {
      await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
      expect((await settled(session, 'maria', (p) => p.availability === 'available')).note).toBe('Reviewing the roadmap');
      expect((await settled(session, 'sam', (p) => p.availability === 'away')).note).toBe('Back at 2 pm');
      expect((await settled(session, 'priya', (p) => p.availability === 'busy')).note).toBe('In a meeting');
      await settled(session, 'jonas', (p) => p.availability === 'dnd');
      expect(account!.listState).toBe('active');

      // A change on the server reaches the list.
      await lab.bots.get('omar')!.setStatus({ availability: 'busy', note: 'On a customer call' });
      expect((await settled(session, 'omar', (p) => p.availability === 'busy')).note).toBe('On a customer call');

      // Removing and adding back a contact: the server's list follows CUPS, and the re-added
      // contact's presence arrives through the (new) list subscription.
      await session.contacts.removeContact('Product team', uriOf('maria'));
      expect(lab.cups.contactList(lab.demoUser.id).flatMap((g) => g.contacts.map((c) => c.personaId))).not.toContain('maria');
      expect(presenceOf(session, 'maria')).toBeUndefined();
      const back = waitForEvent<PresenceUpdate[]>(
        (cb) => session.on('presence:changed', cb),
        (u) => u.some((x) => x.uri === uriOf('maria') && x.presence.availability === 'available'),
        'maria back on the list',
        10_000,
      );
      await session.contacts.addContact('Support desk', 'maria', 'Maria');
      await back;
      expect(account!.listState).toBe('active');
      expect(log.filter((l) => /watching each contact instead/.test(l))).toEqual([]);
    } finally {
      await session.close();
    }
  }, 40_000);

  it("with 'auto', reasons which path gives full presence first on this server and says so", async () => {
    let account: SipAccount | undefined;
    const lines: string[] = [];
    const settings = new MemorySettingsStore({ presenceList: 'auto' });
    const session = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings,
      historyDir: join(dir, 'rls-auto'),
      log: (l) => lines.push(l),
      createSip: (options) => (account = new SipAccount(options)),
    });
    try {
      await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
      // The lab's list server is Kamailio's, which batches member notifications: per contact first.
      expect((await settled(session, 'maria', (p) => p.availability === 'available')).note).toBe('Reviewing the roadmap');
      await settled(session, 'jonas', (p) => p.availability === 'dnd');
      expect(account!.listState).toBe('fallback');
      expect(lines.filter((l) => /presence of \d+ contacts one SUBSCRIBE per contact: kamailio's list server batches/i.test(l))).toHaveLength(1);
      // Full presence per contact is measured and kept in the settings, for the next run.
      await expect.poll(() => settings.get().presencePathFigures).toEqual([{ key: expect.stringContaining(lab.demoUser.id), perContact: expect.any(Number) }]);
    } finally {
      await session.close();
    }

    // The next run (a new session on the same settings) starts from what this one measured.
    const again: string[] = [];
    const next = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings,
      historyDir: join(dir, 'rls-auto'),
      log: (l) => again.push(l),
    });
    try {
      await next.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
      await settled(next, 'maria', (p) => p.availability === 'available');
      expect(
        again.filter((l) => /one SUBSCRIBE per contact: per contact gave full presence at an earlier sign-in \([\d.]+ ms a contact\)/.test(l)),
      ).toHaveLength(1);
    } finally {
      await next.close();
    }
  }, 60_000);
});
