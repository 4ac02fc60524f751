/**
 * The whole core against the demo lab: real Kamailio, the lab CUPS server, colleague bots.
 * Sign in as the demo user, see the buddy list with live presence, publish own status and
 * see it reach a colleague, exchange IMs, and the errors a user meets at sign-in.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ComposingUpdate, Presence, PresenceUpdate } from '../../shared/domain';
import type { DeskSession } from '../../core/desk-session';
import { closedPort, waitForEvent as waitFor } from '../support/wait';
import { useDemoLab } from '../support/demo-lab';

const env = useDemoLab('pd-desk-lab-', { replyDelayMs: 50 });

const newSession = (name: string): DeskSession => env.newSession(name);

function presenceOf(session: DeskSession, id: string): Presence | undefined {
  return session.snapshot().presence[`sip:${id}@${env.lab.domain}`];
}

async function presenceSettled(session: DeskSession, id: string, predicate: (p: Presence) => boolean): Promise<Presence> {
  const current = presenceOf(session, id);
  if (current && predicate(current)) return current;
  const uri = `sip:${id}@${env.lab.domain}`;
  const updates = await waitFor<PresenceUpdate[]>(
    (cb) => session.on('presence:changed', cb),
    (u) => u.some((x) => x.uri === uri && predicate(x.presence)),
    `presence of ${id}`,
  );
  return updates.find((x) => x.uri === uri)!.presence;
}

describe('Presence Desk core on the demo lab', () => {
  it('signs in and shows both groups with each colleague’s live presence', async () => {
    const session = newSession('list');
    try {
      const state = await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      expect(state).toMatchObject({ phase: 'signed-in', uri: `sip:alex@${env.lab.domain}` });
      const snap = session.snapshot();
      expect(snap.groups.map((g) => g.name)).toEqual(['Product team', 'Support desk']);
      expect(snap.groups.flatMap((g) => g.contacts.map((c) => c.displayName))).toEqual([
        'Maria Chen',
        'Sam Okafor',
        'Priya Natarajan',
        'Omar Haddad',
        'Jonas Berg',
        'Lena Fischer',
      ]);
      expect((await presenceSettled(session, 'maria', (p) => p.availability === 'available')).note).toBe('Reviewing the roadmap');
      expect((await presenceSettled(session, 'sam', (p) => p.availability === 'away')).note).toBe('Back at 2 pm');
      expect((await presenceSettled(session, 'priya', (p) => p.availability === 'busy')).note).toBe('In a meeting');
      await presenceSettled(session, 'jonas', (p) => p.availability === 'dnd');
      await presenceSettled(session, 'lena', (p) => p.availability === 'offline');
    } finally {
      await session.close();
    }
  });

  it('publishes own status that a colleague sees, and follows a colleague’s change', async () => {
    const session = newSession('status');
    try {
      await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      const maria = env.lab.bots.get('maria')!;
      await session.setOwnStatus({ availability: 'busy', note: 'in a meeting' });
      const seen = await maria.waitForPresence(`sip:alex@${env.lab.domain}`, (p) => p.availability === 'busy' && p.note === 'in a meeting', 3000);
      expect(seen.availability).toBe('busy');

      await env.lab.bots.get('omar')!.setStatus({ availability: 'away', note: 'Lunch' });
      const omar = await presenceSettled(session, 'omar', (p) => p.availability === 'away');
      expect(omar.note).toBe('Lunch');
      await env.lab.bots.get('omar')!.setStatus({ availability: 'available', note: '' });
    } finally {
      await session.close();
    }
  });

  it('delivers an IM to a colleague exactly, marks it sent, and shows the reply', async () => {
    const session = newSession('im');
    try {
      await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      const maria = env.lab.bots.get('maria')!;
      const text = `Héllo <script>alert("x")</script> & ünïcödé 👋 ${'é'.repeat(900)}`;
      const sent = waitFor<ChatMessage>(
        (cb) => session.on('im:message', cb),
        (m) => m.direction === 'out' && m.state === 'sent',
        'sent state',
      );
      const reply = waitFor<ChatMessage>(
        (cb) => session.on('im:message', cb),
        (m) => m.direction === 'in',
        'reply',
      );
      const composing = waitFor<ComposingUpdate>(
        (cb) => session.on('im:composing', cb),
        (c) => c.active,
        'composing indication',
      );
      await session.messaging.sendMessage(maria.uri, text);
      expect((await sent).text).toBe(text);
      const received = await maria.waitForMessage((m) => m.text === text, 3000);
      expect(received.from).toContain('alex@');
      expect((await composing).peer).toBe(maria.uri);
      const answer = await reply;
      expect(answer.peer).toBe(maria.uri);
      expect(answer.text.startsWith('Hi, Maria here. You wrote: “Héllo <script>')).toBe(true);
      expect((await session.handlers['im:history'](maria.uri)).map((m) => m.direction)).toEqual(['out', 'in']);
    } finally {
      await session.close();
    }
  });

  it('keeps the conversation across a restart of the app', async () => {
    const first = newSession('restart');
    await first.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
    const omar = env.lab.bots.get('omar')!;
    const reply = waitFor<ChatMessage>(
      (cb) => first.on('im:message', cb),
      (m) => m.direction === 'in',
      'reply',
    );
    await first.messaging.sendMessage(omar.uri, 'Remember this after a restart');
    await reply;
    await first.close();

    const second = newSession('restart');
    try {
      await second.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      const conversation = second.snapshot().conversations[omar.uri];
      expect(conversation.map((m) => [m.direction, m.state])).toEqual([
        ['out', 'sent'],
        ['in', 'received'],
      ]);
      expect(conversation[0].text).toBe('Remember this after a restart');
    } finally {
      await second.close();
    }
  });

  it('edits the contact list on the server: add group, add, rename, move, remove and undo, delete group', async () => {
    const session = newSession('edit');
    const stored = () => env.lab.cups.contactList('alex').map((g) => [g.name, g.contacts.map((c) => `${c.personaId}:${c.nickname}`)]);
    const shown = () => session.snapshot().groups.map((g) => [g.name, g.contacts.map((c) => `${c.personaId}:${c.nickname}`)]);
    try {
      await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      await session.contacts.addGroup('Project X');
      expect(stored().at(-1)).toEqual(['Project X', []]);
      await session.contacts.addContact('Project X', 'maria', 'Maria (PX)');
      expect(stored().at(-1)).toEqual(['Project X', ['maria:Maria (PX)']]);
      const maria = `sip:maria@${env.lab.domain}`;
      await session.contacts.renameContact('Project X', maria, 'Maria C.');
      expect(stored().at(-1)).toEqual(['Project X', ['maria:Maria C.']]);
      await session.contacts.moveContact('Support desk', `sip:omar@${env.lab.domain}`, 'Project X');
      expect(stored().find((g) => g[0] === 'Support desk')![1]).not.toContain('omar:Omar Haddad');
      expect(stored().at(-1)).toEqual(['Project X', ['maria:Maria C.', 'omar:Omar Haddad']]);
      const removed = await session.contacts.removeContact('Project X', maria);
      expect(stored().at(-1)).toEqual(['Project X', ['omar:Omar Haddad']]);
      await session.contacts.addContact('Project X', removed.personaId, removed.nickname); // undo
      expect(stored().at(-1)).toEqual(['Project X', ['omar:Omar Haddad', 'maria:Maria C.']]);
      expect(shown()).toEqual(stored());
      // Presence follows the list: the moved contact is still watched.
      await presenceSettled(session, 'omar', (p) => p.availability !== 'unknown');
      await session.contacts.renameGroup('Project X', 'Project Y');
      expect(stored().at(-1)?.[0]).toBe('Project Y');
      await session.contacts.moveContact('Project Y', `sip:omar@${env.lab.domain}`, 'Support desk');
      const deleted = await session.contacts.deleteGroup('Project Y');
      expect(deleted.contacts.map((c) => c.personaId)).toEqual(['maria']);
      expect(stored().map((g) => g[0])).toEqual(['Product team', 'Support desk']);
      expect(shown()).toEqual(stored());
    } finally {
      await session.close();
    }
  });

  it('reverts a change the server refuses and says why', async () => {
    const session = newSession('refuse');
    try {
      await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      const before = session.snapshot().groups;
      const seen: string[] = [];
      session.on('contacts:delta', (changes) => seen.push(changes.map((c) => c.kind).join(',')));
      await expect(session.contacts.addContact('Product team', 'nobody-here')).rejects.toMatchObject({
        code: 'soap-fault',
        message: 'Adding nobody-here failed: Contact does not exist in.',
      });
      expect(seen).toEqual(['contact-added', 'contact-removed']); // shown at once, then taken back, each as one delta
      expect(session.snapshot().groups).toEqual(before);
      // Only add-group fails: a re-read the server's echo of the earlier edit may trigger meanwhile must not take the fault.
      env.lab.cups.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'add-group' });
      await expect(session.contacts.addGroup('Later')).rejects.toMatchObject({ message: 'Adding the group "Later" failed: Could not connect to database.' });
      expect(env.lab.cups.contactList('alex').map((g) => g.name)).toEqual(['Product team', 'Support desk']);
      expect(session.snapshot().groups.map((g) => g.name)).toEqual(['Product team', 'Support desk']);
    } finally {
      await session.close();
    }
  });

  it('says "Wrong username/password" for a wrong password', async () => {
    const session = newSession('wrong');
    await expect(session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: 'not-the-password' })).rejects.toMatchObject({
      code: 'auth',
      message: 'Wrong username/password',
    });
    expect(session.sessionState).toMatchObject({ phase: 'signed-out', error: { code: 'auth' } });
  });

  it('names the host and port it could not reach', async () => {
    const port = await closedPort();
    const session = newSession('unreachable');
    const error = await session.signIn({ server: `127.0.0.1:${port}`, user: 'alex', password: 'x' }).catch((e) => e);
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });
});
