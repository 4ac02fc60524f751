/**
 * Live configuration against the demo lab (real Kamailio with presence_profile, the lab CUPS as
 * administrator): changes the administrator makes reach a signed-in session without signing
 * out, through UCCN NOTIFYs (`ua-profile`), or, when the server refuses that subscription, by
 * re-reading; and a re-read that finds nothing new sends nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, ContactChange, DirectoryStatus, LiveConfigState, PresenceUpdate } from '../../shared/domain';
import type { DeskSession } from '../../core/desk-session';
import type { Settings } from '../../core/store/settings';
import { SipAccount, type IncomingMessage } from '../../core/sip';
import { startKamailio } from '../../lab/kamailio';
import { sendAdminCommand } from '../../lab/admin/http';
import { waitForEvent as waitFor } from '../support/wait';
import { OUTSIDE_LINE_RULE } from '../support/admin-dial-rule';
import { useDemoLab } from '../support/demo-lab';

const env = useDemoLab('pd-live-config-', { replyDelayMs: 50 });

async function signedIn(name: string, settings: Partial<Settings> = {}): Promise<DeskSession> {
  const session = env.newSession(name, settings);
  await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
  return session;
}

function mode(session: DeskSession, wanted: LiveConfigState['mode']): Promise<unknown> {
  if (session.liveConfig.state.mode === wanted) return Promise.resolve();
  return waitFor<LiveConfigState>(
    (cb) => session.on('config:state', cb),
    (s) => s.mode === wanted,
    `live configuration ${wanted}`,
  );
}

const delta = (session: DeskSession, what: string, match: (c: ContactChange) => boolean) =>
  waitFor<ContactChange[]>(
    (cb) => session.on('contacts:delta', cb),
    (changes) => changes.some(match),
    what,
  );

describe('live configuration through UCCN notifications', () => {
  it('shows a group and a contact the administrator adds, and a rename, without signing out', async () => {
    const session = await signedIn('notified');
    try {
      await mode(session, 'notified');
      const groupAdded = delta(session, 'the new group', (c) => c.kind === 'group-added' && c.group.name === 'Partners');
      await env.lab.admin.addGroup(env.lab.demoUser.id, 'Partners');
      await groupAdded;
      const contactAdded = delta(session, 'the new contact', (c) => c.kind === 'contact-added' && c.contact.personaId === 'dana');
      await env.lab.admin.addContact(env.lab.demoUser.id, 'Partners', 'dana', 'Dana Scully');
      const added = (await contactAdded).find((c) => c.kind === 'contact-added');
      expect(added).toMatchObject({ group: 'Partners', contact: { uri: `sip:dana@${env.lab.domain}`, displayName: 'Dana Scully' } });
      expect(session.snapshot().groups.map((g) => g.name)).toEqual(['Product team', 'Support desk', 'Partners']);

      // A rename (as another client of the same user would make it) changes that one row only.
      const renamed = delta(session, 'the rename', (c) => c.kind === 'contact-changed');
      await env.lab.admin.renameContact(env.lab.demoUser.id, 'Product team', 'maria', 'Maria (PM)');
      expect(await renamed).toEqual([
        { kind: 'contact-changed', group: 'Product team', contact: expect.objectContaining({ personaId: 'maria', displayName: 'Maria (PM)' }) },
      ]);
      expect(session.liveConfig.state.changes[0]).toMatch(/Maria/);

      // A watcher added to a privacy rule elsewhere: Settings → Privacy is told to read again.
      await session.handlers['privacy:set-rule']({ name: 'Team', visibility: 'all' });
      const told = waitFor<LiveConfigState>(
        (cb) => session.on('config:state', cb),
        (s) => s.privacyVersion === 1,
        'the privacy change',
      );
      await env.lab.admin.addWatcher(env.lab.demoUser.id, 'Team', 'omar');
      expect((await told).changes[0]).toBe('A watcher (omar) was added in your privacy rules on the server.');
      expect((await session.handlers['privacy:get']()).rules.find((r) => r.name === 'Team')?.watchers).toEqual(['omar']);
      await session.handlers['privacy:delete-rule']('Team');
    } finally {
      await session.close();
    }
  });

  it('shows a rename made by a second signed-in client of the same user in the first', async () => {
    const first = await signedIn('first');
    const second = env.newSession('second');
    try {
      await mode(first, 'notified');
      expect(env.lab.admin.echoEdits).toBe(true);
      // CUPS keeps one SOAP session per user: the second client takes it over ("Sign in here instead").
      await second.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password, force: true });
      const seen = delta(first, 'the rename from the other client', (c) => c.kind === 'contact-changed' && c.contact.personaId === 'omar');
      await second.handlers['contacts:rename']('Support desk', `sip:omar@${env.lab.domain}`, 'Omar (desk 2)');
      expect((await seen).find((c) => c.kind === 'contact-changed')).toMatchObject({ group: 'Support desk', contact: { displayName: 'Omar (desk 2)' } });
      expect(
        first
          .snapshot()
          .groups.flatMap((g) => g.contacts)
          .find((c) => c.personaId === 'omar')?.displayName,
      ).toBe('Omar (desk 2)');
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('ends at the latest of two quick own edits while the server echoes each one back (issue 16)', async () => {
    const session = await signedIn('echo');
    const omar = `sip:omar@${env.lab.domain}`;
    const omarRow = () =>
      session
        .snapshot()
        .groups.flatMap((g) => g.contacts.map((c) => ({ group: g.name, nickname: c.nickname, personaId: c.personaId })))
        .filter((c) => c.personaId === 'omar');
    // Every nickname omar is shown with, in order: once the newest edit is on screen an echo of an older one must not bring its name back.
    let shown: string[] = [];
    session.on('contacts:delta', (changes) => {
      for (const c of changes)
        if ((c.kind === 'contact-changed' || c.kind === 'contact-added') && c.contact.personaId === 'omar') shown.push(c.contact.nickname);
    });
    // A change made after the echoes: its notification arrives after theirs on the same subscription.
    const marker = async (nickname: string) => {
      await env.lab.admin.echoesPublished();
      const seen = delta(session, `the marker ${nickname}`, (c) => c.kind === 'contact-changed' && c.contact.nickname === nickname);
      await env.lab.admin.renameContact(env.lab.demoUser.id, 'Product team', 'maria', nickname);
      await seen;
    };
    try {
      await mode(session, 'notified');
      expect(env.lab.admin.echoEdits).toBe(true);

      // Two renames of the same contact in quick succession.
      shown = [];
      await Promise.all([
        session.handlers['contacts:rename']('Support desk', omar, 'Omar B'),
        session.handlers['contacts:rename']('Support desk', omar, 'Omar C'),
      ]);
      await marker('Maria 1');
      expect(shown).toContain('Omar C');
      expect(shown.slice(shown.indexOf('Omar C'))).not.toContain('Omar B');
      expect(omarRow()).toEqual([{ group: 'Support desk', nickname: 'Omar C', personaId: 'omar' }]);

      // A move, then a rename in the new group before the move's echo is in.
      shown = [];
      // The rename is sent while the move (add, then delete) is under way: the requests reach the server in order.
      await Promise.all([
        session.handlers['contacts:move']('Support desk', omar, 'Product team'),
        session.handlers['contacts:rename']('Product team', omar, 'Omar D'),
      ]);
      await marker('Maria 2');
      expect(shown).toContain('Omar D');
      expect(shown.slice(shown.indexOf('Omar D'))).not.toContain('Omar C');
      expect(omarRow()).toEqual([{ group: 'Product team', nickname: 'Omar D', personaId: 'omar' }]);
      // The server agrees with the screen.
      const server = env.lab.cups.state(env.lab.demoUser.id).groups.flatMap((g) => g.contacts.map((c) => ({ group: g.name, ...c })));
      expect(server.filter((c) => c.personaId === 'omar')).toMatchObject([{ group: 'Product team', nickname: 'Omar D' }]);
    } finally {
      await session.close();
    }
  });

  it('takes the administrator’s commands over the admin API, as npm run lab -- admin sends them', async () => {
    const session = await signedIn('api');
    try {
      await mode(session, 'notified');
      const { url, token } = env.lab.adminApi;
      await expect(sendAdminCommand(url, 'wrong', ['add-group', 'alex', 'x'])).rejects.toThrow('wrong or missing admin token');
      await expect(sendAdminCommand(url, token, ['add-group', 'alex'])).rejects.toThrow('usage: add-group <user> <group>');
      await expect(sendAdminCommand(url, token, ['frobnicate'])).rejects.toThrow(/unknown command "frobnicate"/);
      const renamed = delta(session, 'the group renamed', (c) => c.kind === 'group-changed' && c.group.name === 'Help desk');
      expect(await sendAdminCommand(url, token, ['rename-group', 'alex', 'Support desk', 'Help desk'])).toBe('renamed "Support desk" to "Help desk" for alex');
      expect(await renamed).toEqual([{ kind: 'group-changed', name: 'Support desk', group: { name: 'Help desk', index: 2 } }]);
      await sendAdminCommand(url, token, ['rename-group', 'alex', 'Help desk', 'Support desk']);
    } finally {
      await session.close();
    }
  });

  it('dials by a rule the administrator adds, at once', async () => {
    const session = await signedIn('rules');
    try {
      await mode(session, 'notified');
      expect((await session.handlers['dial:preview']('0044 20 7946 0000')).dial).toBe('00442079460000');
      const told = waitFor<LiveConfigState>(
        (cb) => session.on('config:state', cb),
        (s) => /International/.test(s.changes[0] ?? ''),
        'the rule change',
      );
      await env.lab.admin.setDialRule(OUTSIDE_LINE_RULE);
      await told;
      expect((await session.handlers['dial:preview']('0044 20 7946 0000')).dial).toBe('900442079460000');
    } finally {
      await env.lab.admin.deleteDialRule('International');
      await session.close();
    }
  });

  it('refuses to send IMs with the reason once the administrator turns IM off, and sends again once on', async () => {
    const session = await signedIn('im-off');
    try {
      await mode(session, 'notified');
      const off = waitFor<LiveConfigState>(
        (cb) => session.on('config:state', cb),
        (s) => !s.features.im.available,
        'IM off',
      );
      await env.lab.admin.setImEnabled(false);
      expect((await off).features.im.reason).toBe('Instant messaging is turned off on the server by the administrator.');
      await expect(session.handlers['im:send'](`sip:maria@${env.lab.domain}`, 'hello')).rejects.toMatchObject({
        code: 'config',
        message: 'The message was not sent: Instant messaging is turned off on the server by the administrator.',
      });
      const on = waitFor<LiveConfigState>(
        (cb) => session.on('config:state', cb),
        (s) => s.features.im.available,
        'IM on',
      );
      await env.lab.admin.setImEnabled(true);
      await on;
      expect((await session.handlers['im:send'](`sip:maria@${env.lab.domain}`, 'hello again')).state).toBe('queued');
    } finally {
      await session.close();
    }
  });
});

describe('the administrator moves the presence server', () => {
  it('registers on the new server, watches and sends IMs there, and keeps what was queued', async () => {
    const users = [env.lab.demoUser.id, 'sam'].map((id) => ({ id, password: env.lab.passwordOf(id) }));
    const second = await startKamailio({ domain: env.lab.domain, users, log: (l) => env.log.push(`second: ${l}`) });
    const sam = new SipAccount({
      server: { host: second.host, port: second.tcpPort, transport: 'tcp' },
      domain: env.lab.domain,
      user: 'sam',
      password: env.lab.passwordOf('sam'),
    });
    const session = await signedIn('moved');
    const first = env.lab.cups.admin.presence;
    const back = { ...first };
    try {
      await sam.start();
      await sam.setPresence({ availability: 'available', note: 'On the second server' });
      const received: IncomingMessage[] = [];
      sam.on('message', (m) => void received.push(m));
      await mode(session, 'notified');
      const moved = waitFor<{ presenceServer?: string }>(
        (cb) => session.on('session:state', cb),
        (s) => s.presenceServer === `TCP ${second.host}:${second.tcpPort}`,
        'the move',
      );
      const watchedThere = waitFor<PresenceUpdate[]>(
        (cb) => session.on('presence:changed', cb),
        (u) => u.some((x) => x.uri === `sip:sam@${env.lab.domain}` && x.presence.note === 'On the second server'),
        'presence from the second server',
        10_000,
      );
      await env.lab.admin.movePresenceServer({ host: second.host, port: second.tcpPort, protocol: 'tcp' });
      // Typed while the app is moving: kept in the history and sent in order.
      const typed = await session.handlers['im:send'](`sip:sam@${env.lab.domain}`, 'sent while moving');
      await moved;
      expect(session.sessionState.phase).toBe('signed-in');
      await watchedThere;
      const sent = waitFor<ChatMessage>(
        (cb) => session.on('im:message', cb),
        (m) => m.text === 'after the move' && m.state === 'sent',
        'the IM through the second server',
        10_000,
      );
      await session.handlers['im:send'](`sip:sam@${env.lab.domain}`, 'after the move');
      await sent;
      expect(received.map((m) => m.text)).toContain('after the move');
      const history = await session.handlers['im:history'](`sip:sam@${env.lab.domain}`);
      expect(history.find((m) => m.id === typed.id)?.state).toMatch(/^(sent|stored)$/);
      // Change notifications follow the account to the new server.
      await mode(session, 'notified');
    } finally {
      Object.assign(env.lab.cups.admin.presence, back);
      await session.close();
      await sam.stop();
      await second.stop();
    }
  });
});

describe('live configuration when the server refuses notifications', () => {
  it('re-reads on the interval, shows an admin change, and sends nothing when nothing changed', async () => {
    // An event package Kamailio does not serve: 489 Bad Event.
    const session = await signedIn('polling', { configEvent: 'x-no-such-package', configResyncSeconds: 1 });
    try {
      if (!/489/.test(session.liveConfig.state.reason))
        await waitFor<LiveConfigState>(
          (cb) => session.on('config:state', cb),
          (s) => /489/.test(s.reason),
          'the refusal',
        );
      expect(session.liveConfig.state).toMatchObject({
        mode: 'polling',
        reason:
          'The server does not send change notifications now: SUBSCRIBE answered 489 Bad Event (the server does not offer this event package). ' +
          'The contact list and configuration are re-read every 1 s and when the window regains focus.',
      });

      // The directory merge (names, numbers) is a delta of its own: let it land first.
      if ((await session.handlers['directory:status']()).state !== 'ready')
        await waitFor<DirectoryStatus>(
          (cb) => session.on('directory:status', cb),
          (d) => d.state === 'ready',
          'the directory merge',
        );
      let deltas = 0;
      const off = session.on('contacts:delta', () => deltas++);
      // What a window gaining focus asks: nothing changed, nothing is sent.
      await session.handlers['config:resync']();
      await session.handlers['config:resync']();
      expect(deltas).toBe(0);
      off();

      env.lab.admin.notify = false;
      const added = delta(session, 'the contact added while not notified', (c) => c.kind === 'contact-added' && c.contact.personaId === 'fox');
      await env.lab.admin.addContact(env.lab.demoUser.id, 'Support desk', 'fox', 'Fox Mulder');
      await added;
      expect(
        session
          .snapshot()
          .groups.find((g) => g.name === 'Support desk')!
          .contacts.map((c) => c.personaId),
      ).toContain('fox');

      // Licences (get-licensing-features): IM taken away is seen at the next re-read (here: focus).
      env.lab.admin.setLicence('im', false);
      const state = await session.handlers['config:resync']();
      expect(state.features.im).toEqual({ available: false, reason: 'Instant messaging is not licensed for your account on this server.' });
      await expect(session.handlers['im:send'](`sip:maria@${env.lab.domain}`, 'hi')).rejects.toMatchObject({
        code: 'config',
        message: 'The message was not sent: Instant messaging is not licensed for your account on this server.',
      });
      env.lab.admin.setLicence('im', true);
      expect((await session.handlers['config:resync']()).features.im).toEqual({ available: true });
    } finally {
      env.lab.admin.setLicence('im', true);
      env.lab.admin.notify = true;
      await session.close();
    }
  });

  it('keeps the last good list on screen when a re-read is answered with a login portal’s HTML page', async () => {
    const session = await signedIn('foreign-body', { configEvent: 'x-no-such-package', configResyncSeconds: 3600 });
    try {
      await mode(session, 'polling');
      const before = session.snapshot().groups;
      expect(before.flatMap((g) => g.contacts).length).toBeGreaterThan(0);
      let deltas = 0;
      const off = session.on('contacts:delta', () => deltas++);
      const seen = env.log.length;
      env.lab.cups.inject({ kind: 'html', times: 1, operation: 'get-all-config' });
      await session.handlers['config:resync']();
      off();
      expect(deltas).toBe(0);
      expect(session.snapshot().groups).toEqual(before);
      const said = env.log.slice(seen).find((l) => l.startsWith('foreign-body: config: re-reading the configuration failed'));
      expect(said).toBeDefined();
      expect(said).toMatch(/answered get-all-config with a web page, not a SOAP response; nothing was changed\./);
    } finally {
      await session.close();
    }
  });
});
