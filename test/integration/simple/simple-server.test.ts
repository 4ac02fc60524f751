/**
 * The core against a plain SIMPLE service (lab profile "simple": Kamailio with its XCAP
 * server, presence authorised by pres-rules, presence.winfo, the lab's DNS): sign-in with only
 * a SIP address and password, the buddy list on XCAP, another client's edit, an edit conflict,
 * and a watcher's request answered Allow or Block.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactChange, PresenceUpdate, WatcherState } from '../../../shared/domain';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';
import { startSimpleLab, type SimpleLab } from '../../../lab/simple';
import { waitForEvent as waitFor } from '../../support/wait';
import { watchDemoUser, watcherSees } from '../../support/presence-watcher';

let lab: SimpleLab;
let dir: string;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-simple-'));
  lab = await startSimpleLab({ extraUsers: ['carol', 'dave', 'erin'], log: (l) => log.push(l) });
}, 60_000);
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function newSession(name: string, pollMs = 0, presenceList = ''): DeskSession {
  return new DeskSession({
    info: { host: 'browser', version: 'test' },
    settings: new MemorySettingsStore({ presenceList }),
    historyDir: join(dir, name, 'history'),
    dnsServers: [lab.dnsServer],
    xcapPollMs: pollMs,
    log: (l) => log.push(`${name}: ${l}`),
  });
}

const signIn = (session: DeskSession) => session.signIn({ serverType: 'simple', server: '', user: lab.demoUser.address, password: lab.demoUser.password });

async function serverList(): Promise<string> {
  const answer = await lab.xcap(lab.demoUser.id, 'GET', 'resource-lists');
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('Presence Desk on any SIMPLE server', () => {
  it('signs in with only a SIP address and password: the server from DNS, the buddy list from XCAP, presence through pres-rules', async () => {
    const session = newSession('first');
    try {
      const state = await signIn(session);
      expect(state).toMatchObject({ phase: 'signed-in', uri: `sip:alex@${lab.domain}`, presenceServer: `TCP ${lab.kamailio.host}:${lab.kamailio.tcpPort}` });
      expect(lab.dns.asked).toEqual(expect.arrayContaining([`NAPTR ${lab.domain}`, `SRV _sip._tcp.${lab.domain}`, `SRV _xcap._tcp.${lab.domain}`]));
      const snap = session.snapshot();
      expect(snap.groups.map((g) => g.name)).toEqual(['Product team', 'Support desk']);
      expect(snap.groups[0]!.contacts.map((c) => c.displayName)).toEqual(['Maria Chen', 'Sam Okafor', 'Priya Natarajan']);
      // Maria's pres-rules let the domain see her: her status arrives.
      const uri = `sip:maria@${lab.domain}`;
      const current = session.snapshot().presence[uri];
      if (current?.availability !== 'available')
        await waitFor<PresenceUpdate[]>(
          (cb) => session.on('presence:changed', cb),
          (u) => u.some((x) => x.uri === uri && x.presence.availability === 'available'),
          'Maria available',
        );
    } finally {
      await session.close();
    }
  });

  it('says in words what is wrong with the address, the password or the domain', async () => {
    const session = newSession('errors');
    try {
      await expect(session.signIn({ serverType: 'simple', server: '', user: 'alex', password: 'x' })).rejects.toMatchObject({
        code: 'invalid-input',
        message: expect.stringMatching(/"alex" is not a SIP address: enter it as name@domain/),
      });
      await expect(session.signIn({ serverType: 'simple', server: '', user: lab.demoUser.address, password: 'wrong' })).rejects.toMatchObject({
        code: 'auth',
        message: expect.stringMatching(/refused the user name or password/),
      });
      await expect(session.signIn({ serverType: 'simple', server: '', user: 'alex@nowhere.example', password: 'x' })).rejects.toMatchObject({
        message: expect.stringMatching(/Could not find the SIP server for nowhere\.example/),
      });
      expect(session.sessionState.phase).toBe('signed-out');
    } finally {
      await session.close();
    }
  });

  it('watches the whole list through one event-list subscription to the rls-services written at sign-in', async () => {
    const session = newSession('rls', 0, 'auto');
    try {
      await signIn(session);
      const uri = `sip:priya@${lab.domain}`;
      const current = session.snapshot().presence[uri];
      if (current?.availability !== 'busy')
        await waitFor<PresenceUpdate[]>(
          (cb) => session.on('presence:changed', cb),
          (u) => u.some((x) => x.uri === uri && x.presence.availability === 'busy'),
          'Priya busy through the list',
          10_000,
        );
      expect(log.filter((l) => l.startsWith('rls: ') && l.includes('watching each contact instead'))).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('adds a group and a contact as XCAP parts the server then holds, and keeps rls-services in step', async () => {
    const session = newSession('edit');
    try {
      await signIn(session);
      await session.handlers['contacts:add-group']('Partners');
      await session.handlers['contacts:add']('Partners', 'carol', 'Carol Über');
      const doc = await serverList();
      expect(doc).toMatch(/<list (xmlns="urn:ietf:params:xml:ns:resource-lists" )?name="Partners">/);
      expect(doc).toMatch(
        /<entry (xmlns="urn:ietf:params:xml:ns:resource-lists" )?uri="sip:carol@demo\.presence-desk\.test"><display-name>Carol Über<\/display-name><\/entry>/,
      );
      const rls = await lab.xcap(lab.demoUser.id, 'GET', 'rls-services');
      expect(rls.status).toBe(200);
      expect(rls.body).toContain(`<service uri="sip:alex-list@${lab.domain}">`);
      expect(rls.body).toContain(`sip:carol@${lab.domain}`);
      await session.handlers['contacts:rename']('Partners', `sip:carol@${lab.domain}`, 'Carol U.');
      expect(await serverList()).toContain('<display-name>Carol U.</display-name>');
      await session.handlers['contacts:remove']('Partners', `sip:carol@${lab.domain}`);
      await session.handlers['contacts:delete-group']('Partners');
      expect(await serverList()).not.toContain('Partners');
    } finally {
      await session.close();
    }
  });

  it('shows a change another client made to the list', async () => {
    const session = newSession('second', 200);
    try {
      await signIn(session);
      const seen = waitFor<ContactChange[]>(
        (cb) => session.on('contacts:delta', cb),
        () => session.snapshot().groups.some((g) => g.name === 'Friends' && g.contacts.some((c) => c.personaId === 'dave')),
        'the other client’s group',
      );
      const put = await lab.xcap(
        lab.demoUser.id,
        'PUT',
        'resource-lists',
        'resource-lists/list[@name="Friends"]',
        '<list xmlns="urn:ietf:params:xml:ns:resource-lists" name="Friends"><entry uri="sip:dave@demo.presence-desk.test"><display-name>Dave</display-name></entry></list>',
        'application/xcap-el+xml',
      );
      expect(put.status).toBe(200);
      await seen;
      await session.handlers['contacts:delete-group']('Friends');
    } finally {
      await session.close();
    }
  });

  it('two clients edit at once: nothing is lost and the user is told', async () => {
    const session = newSession('conflict');
    try {
      await signIn(session);
      // Another client adds a group after this one read the list: this one's ETag is now stale.
      const other = await lab.xcap(
        lab.demoUser.id,
        'PUT',
        'resource-lists',
        'resource-lists/list[@name="Elsewhere"]',
        '<list xmlns="urn:ietf:params:xml:ns:resource-lists" name="Elsewhere"/>',
        'application/xcap-el+xml',
      );
      expect(other.status).toBe(200);
      const notice = waitFor<string>(
        (cb) => session.on('contacts:notice', cb),
        () => true,
        'the conflict notice',
      );
      await session.handlers['contacts:add']('Support desk', 'erin', 'Erin');
      expect(await notice).toMatch(/changed on another device while you edited it; both changes are kept/);
      const doc = await serverList();
      expect(doc).toContain('name="Elsewhere"');
      expect(doc).toContain(`sip:erin@${lab.domain}`);
      const names = session.snapshot().groups.map((g) => g.name);
      expect(names).toContain('Elsewhere');
      expect(
        session
          .snapshot()
          .groups.find((g) => g.name === 'Support desk')!
          .contacts.map((c) => c.personaId),
      ).toContain('erin');
      await session.handlers['contacts:remove']('Support desk', `sip:erin@${lab.domain}`);
      await session.handlers['contacts:delete-group']('Elsewhere');
    } finally {
      await session.close();
    }
  });

  it('two devices signed in as the same user edit at once: the server holds both edits, the one who met the conflict is told, both end up alike', async () => {
    const a = newSession('device-a', 200);
    const b = newSession('device-b', 200);
    try {
      await signIn(a);
      await signIn(b);
      const notices: string[] = [];
      a.on('contacts:notice', (n) => notices.push(`a: ${n}`));
      b.on('contacts:notice', (n) => notices.push(`b: ${n}`));
      // Both read the same ETag at sign-in; whichever writes second is refused (412) and merges.
      await Promise.all([a.handlers['contacts:add-group']('From A'), b.handlers['contacts:add']('Product team', 'carol', 'Carol')]);
      const doc = await serverList();
      expect(doc).toContain('name="From A"');
      expect(doc).toContain(`sip:carol@${lab.domain}`);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^[ab]: Your buddy list was changed on another device while you edited it; both changes are kept/);
      const holdsBoth = (session: DeskSession) =>
        session.snapshot().groups.some((g) => g.name === 'From A') &&
        session.snapshot().groups.some((g) => g.name === 'Product team' && g.contacts.some((c) => c.personaId === 'carol'));
      for (const session of [a, b])
        if (!holdsBoth(session))
          await waitFor<ContactChange[]>(
            (cb) => session.on('contacts:delta', cb),
            () => holdsBoth(session),
            'both edits on each device',
          );
      await a.handlers['contacts:delete-group']('From A');
      await a.handlers['contacts:remove']('Product team', `sip:carol@${lab.domain}`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('asks about a new watcher; Allow lets them see the status, Block keeps it from them; a waiting request survives a restart', async () => {
    const session = newSession('winfo');
    const carol = await watchDemoUser(lab, 'carol');
    const dave = await watchDemoUser(lab, 'dave');
    try {
      await signIn(session);
      await session.setOwnStatus({ availability: 'busy', note: 'Writing specs' });
      const asked = (who: string) => (s: WatcherState) => s.pending.some((p) => p.uri === `sip:${who}@${lab.domain}`);
      if (!asked('carol')(session.watchers.state) || !asked('dave')(session.watchers.state))
        await waitFor<WatcherState>(
          (cb) => session.on('watchers:changed', cb),
          (s) => asked('carol')(s) && asked('dave')(s),
          'requests from carol and dave',
        );
      expect(carol.presence.some((p) => p.availability === 'busy')).toBe(false);

      const after = await session.handlers['watchers:decide'](`sip:carol@${lab.domain}`, 'allow');
      expect(after.rules).toContainEqual({ who: `sip:carol@${lab.domain}`, action: 'allow' });
      expect(after.pending.map((p) => p.uri)).not.toContain(`sip:carol@${lab.domain}`);
      await watcherSees(carol, (p) => p.availability === 'busy' && p.note === 'Writing specs', 'carol sees the status');
      const rules = await lab.xcap(lab.demoUser.id, 'GET', 'pres-rules');
      expect(rules.body).toMatch(/<one id="sip:carol@demo\.presence-desk\.test"\/>/);

      // Dave stays waiting across a restart of the app (sign out, sign in again with a new session).
      await session.close();
      const again = newSession('winfo');
      try {
        await signIn(again);
        expect(again.watchers.state.pending.map((p) => p.uri)).toContain(`sip:dave@${lab.domain}`);
        const blocked = await again.handlers['watchers:decide'](`sip:dave@${lab.domain}`, 'block');
        expect(blocked.rules).toContainEqual({ who: `sip:dave@${lab.domain}`, action: 'block' });
        await again.setOwnStatus({ availability: 'available', note: 'Back' });
        await watcherSees(carol, (p) => p.availability === 'available' && p.note === 'Back', 'carol sees the new status');
        // The server ends Dave's subscription as refused, and he never saw a status.
        await watcherSees(dave, (p) => p.note === 'Presence not available (terminated: rejected)', 'dave refused');
        expect(dave.presence.some((p) => p.note === 'Back' || p.note === 'Writing specs')).toBe(false);
      } finally {
        await again.close();
      }
    } finally {
      await session.close();
      await carol.account.stop();
      await dave.account.stop();
    }
  });
});
