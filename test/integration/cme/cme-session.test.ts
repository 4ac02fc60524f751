/**
 * The CME session against the lab router (lab/cme, written from the two CME documents with its
 * own XML codec): sign-in, the speed dials as a group, directory search, line state as
 * presence through the event tables (and only the new events read), the own phone, the
 * preview and call, Settings → Account's site facts, and a router that answers badly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CmeSession } from '../../../core/cme/session';
import { SettingsCertificateTrust } from '../../../core/store/certificate-trust';
import { MemorySettingsStore } from '../../../core/store/settings';
import type { PhoneState, PresenceUpdate, SessionState } from '../../../shared/domain';
import { startLabCmeRouter, type LabCmeRouter } from '../../../lab/cme/router';
import { waitForEvent } from '../../support/wait';

let router: LabCmeRouter;
let session: CmeSession | undefined;

beforeAll(async () => {
  router = await startLabCmeRouter();
});
afterAll(() => router.close());
afterEach(async () => {
  await session?.close();
  session = undefined;
});

function newSession(settings = new MemorySettingsStore()) {
  session = new CmeSession({ settings, trust: new SettingsCertificateTrust(settings), pollIntervalMs: 100, timeoutMs: 2000 });
  return session;
}

const uriOf = (number: string) => `sip:${number}@127.0.0.1`;
const presenceOf = (s: CmeSession, number: string) => s.snapshot().presence[uriOf(number)];

describe('signed in to the lab CME router', () => {
  it('shows the speed dials, their line state, the own phone and the site', async () => {
    const s = newSession();
    const state = await s.signIn({ server: router.url, user: router.user.id, password: router.user.password });
    expect(state).toMatchObject({ phase: 'signed-in', serverType: 'cme', uri: uriOf('2001') });
    const snap = s.snapshot();
    expect(snap.groups.map((g) => g.name)).toEqual(['Speed dials']);
    expect(snap.groups[0]!.contacts.map((c) => [c.personaId, c.displayName])).toEqual([
      ['2002', 'Maria Chen'],
      ['2003', 'Sam Okafor'],
      ['2004', 'Priya Natarajan'],
      ['2005', 'Omar Haddad'],
      ['2006', 'Jonas Berg'],
      ['2007', 'Lena Fischer'],
      ['2013', 'Nadia Petrova'],
    ]);
    expect(presenceOf(s, '2002')?.availability).toBe('available');
    expect(snap.phone).toMatchObject({ link: 'monitoring', line: '2001', calls: [], phoneDnd: false });
    const site = await s.handlers['account:site']();
    expect(site).toMatchObject({ name: 'lab-cme', version: '8.6', mode: 'ITS', sipRegistrar: '127.0.0.1:5060 (authentication: register)' });
    expect(site?.presence).toMatch(/^off: colleagues are shown by the state of their line/);
    expect(site?.numberPlan).toBe('72 extensions at most; 12 configured; voice mail 2999');
  });

  it('a colleague whose line goes in use shows On the phone, and available again after; only new events are read', async () => {
    const s = newSession();
    await s.signIn({ server: router.url, user: router.user.id, password: router.user.password });
    const from = router.requests.length;
    const updates = (cb: (u: PresenceUpdate[]) => void) => s.on('presence:changed', cb);
    const busy = waitForEvent(updates, (u) => u.some((x) => x.uri === uriOf('2003') && x.presence.availability === 'on-the-phone'), '2003 on the phone');
    router.setLine('2003', 'CONNECTED');
    await busy;
    const idle = waitForEvent(updates, (u) => u.some((x) => x.uri === uriOf('2003') && x.presence.availability === 'available'), '2003 available');
    router.setLine('2003', 'IDLE');
    await idle;
    const asked = router.requests.slice(from);
    // Never a full re-read: extensions are asked by tag only, events by their new IDs only.
    const reads = asked.filter((r) => r.operation === 'ISgetExtension');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const r of reads) expect(r.params).toEqual([['ISExtID', '3']]);
    const eventIds = asked.filter((q) => q.operation === 'ISgetExtEvts').flatMap((r) => r.params);
    expect(eventIds.every(([name]) => name === 'ISExtEvtID')).toBe(true);
    // Each event is read once.
    expect(new Set(eventIds.map(([, id]) => id)).size).toBe(eventIds.length);
    expect(eventIds.length).toBe(2);
  });

  it('a line on a SIP phone (ISgetSipExtension, ISgetSipDevice) shows On the phone too, read through its pool', async () => {
    const s = newSession();
    await s.signIn({ server: router.url, user: router.user.id, password: router.user.password });
    expect(presenceOf(s, '2013')?.availability).toBe('available');
    const from = router.requests.length;
    const updates = (cb: (u: PresenceUpdate[]) => void) => s.on('presence:changed', cb);
    const busy = waitForEvent(updates, (u) => u.some((x) => x.uri === uriOf('2013') && x.presence.availability === 'on-the-phone'), '2013 on the phone');
    router.setLine('2013', 'CONNECTED');
    await busy;
    router.setLine('2013', 'IDLE');
    await waitForEvent(updates, (u) => u.some((x) => x.uri === uriOf('2013') && x.presence.availability === 'available'), '2013 available');
    const reads = router.requests.slice(from).filter((r) => r.operation === 'ISgetSipDevice');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const r of reads) expect(r.params).toEqual([['ISPoolID', '1']]);
    expect(router.requests.slice(from).some((r) => r.operation === 'ISgetExtension')).toBe(false);
  });

  it('an unregistered phone shows its line offline; the own phone shows its call and DND', async () => {
    const s = newSession();
    await s.signIn({ server: router.url, user: router.user.id, password: router.user.password });
    const updates = (cb: (u: PresenceUpdate[]) => void) => s.on('presence:changed', cb);
    const offline = waitForEvent(updates, (u) => u.some((x) => x.uri === uriOf('2006') && x.presence.availability === 'offline'), '2006 offline');
    router.setRegistered('2006', false);
    expect((await offline).find((x) => x.uri === uriOf('2006'))?.presence.note).toBe('Phone not registered');
    router.setRegistered('2006', true);

    const phone = (cb: (p: PhoneState) => void) => s.on('phone:state', cb);
    const talking = waitForEvent(phone, (p) => p.calls.some((c) => c.state === 'talking'), 'own call');
    router.setLine('2001', 'CONNECTED');
    await talking;
    const dnd = waitForEvent(phone, (p) => p.phoneDnd === true && p.calls.length === 0, 'own phone idle with DND');
    router.setDnd('2001', true);
    router.setLine('2001', 'IDLE');
    await dnd;
    router.setDnd('2001', false);
  });

  it('searches the directory and calls a number with the preview', async () => {
    const s = newSession();
    await s.signIn({ server: router.url, user: router.user.id, password: router.user.password });
    const found = await s.handlers['directory:search']('ines');
    expect(found).toEqual([{ userId: '2010', displayName: 'Inès Moreau', phones: [{ label: 'work', number: '2010' }] }]);
    expect((await s.handlers['directory:search']('desk')).map((p) => p.displayName)).toEqual(['Front Desk', 'Help Desk']);
    const plan = await s.handlers['dial:preview']('2010');
    expect(plan.dial).toBe('2010');
    expect(plan.error).toBeUndefined();
    const entry = await s.handlers['dial:call']('2010');
    expect(entry).toMatchObject({ kind: 'call', target: '2010', dialed: '2010' });
    expect(await s.handlers['recent:list']()).toEqual([entry]);
    await expect(s.handlers['dial:call']('call me')).rejects.toThrow();
  });
});

describe('a router that answers badly', () => {
  const signIn = (password = router.user.password) => newSession().signIn({ server: router.url, user: router.user.id, password });

  it('a wrong password is refused in words', async () => {
    await expect(signIn('not-the-password')).rejects.toMatchObject({ code: 'auth', message: expect.stringMatching(/refused the user name or password/) });
    expect(session!.sessionState).toMatchObject({ phase: 'signed-out', error: { code: 'auth' } });
  });

  it('a web page instead of XML', async () => {
    router.misbehave('html');
    await expect(signIn()).rejects.toMatchObject({ code: 'parse', message: expect.stringMatching(/web page, not an XML API response/) });
  });

  it('a fault, in the router\u2019s words', async () => {
    router.misbehave('fault');
    await expect(signIn()).rejects.toMatchObject({ code: 'soap-fault', message: expect.stringMatching(/Request queue full, try again later/) });
  });

  it('a 10 MB answer is refused at the size cap', async () => {
    router.misbehave('huge');
    await expect(signIn()).rejects.toMatchObject({ code: 'parse', message: expect.stringMatching(/larger than 10 MB and was refused/) });
  });

  it('a slow answer hits the time limit', async () => {
    router.misbehave('slow', 1, 10_000);
    await expect(signIn()).rejects.toMatchObject({ code: 'timeout', message: expect.stringMatching(/did not answer ISgetUser within 2 s/) });
  });

  it('an answer cut off half-way', async () => {
    router.misbehave('cut');
    await expect(signIn()).rejects.toMatchObject({ code: 'parse' });
  });

  it('a failed poll says line states may be out of date, and recovers by itself', async () => {
    const s = newSession();
    await s.signIn({ server: router.url, user: router.user.id, password: router.user.password });
    const states = (cb: (v: SessionState) => void) => s.on('session:state', cb);
    const broken = waitForEvent(states, (v) => v.phase === 'reconnecting', 'reconnecting');
    router.misbehave('html', 2);
    expect((await broken).error?.message).toMatch(/^Line states may be out of date: The router at 127\.0\.0\.1:\d+ answered ISget\w+ with a web page/);
    await waitForEvent(states, (v) => v.phase === 'signed-in', 'signed in again');
    const busy = waitForEvent(
      (cb: (u: PresenceUpdate[]) => void) => s.on('presence:changed', cb),
      (u) => u.some((x) => x.uri === uriOf('2004') && x.presence.availability === 'on-the-phone'),
      '2004 on the phone',
    );
    router.setLine('2004', 'CONNECTED');
    await busy;
    router.setLine('2004', 'IDLE');
  });
});

describe('an xml user that is no phone user', () => {
  it('signs in, and Settings → Account says why there are no speed dials and no own phone', async () => {
    const admin = await startLabCmeRouter({ managementUser: 'nms:s3cret-pass' });
    try {
      const s = newSession();
      expect((await s.signIn({ server: admin.url, user: 'nms', password: 's3cret-pass' })).phase).toBe('signed-in');
      expect(s.snapshot().groups).toEqual([]);
      expect(s.snapshot().phone).toMatchObject({ link: 'not-configured' });
      expect((await s.handlers['account:site']())?.problems).toEqual([
        'The router knows no phone user "nms" (ISgetUser): no speed dials and no own phone are shown.',
      ]);
    } finally {
      await session?.close();
      session = undefined;
      await admin.close();
    }
  });
});

describe('a router over HTTPS with its own certificate', () => {
  it('is refused at first with the certificate shown; trusted for its host:port, sign-in works; the pin is kept', async () => {
    const tlsRouter = await startLabCmeRouter({ tls: true });
    try {
      const settings = new MemorySettingsStore();
      const s = newSession(settings);
      const request = { server: tlsRouter.url, user: tlsRouter.user.id, password: tlsRouter.user.password };
      const refused = await s.signIn(request).then(
        () => undefined,
        (e: { code: string; certificate?: { hostPort: string; fingerprint256: string } }) => e,
      );
      expect(refused?.code).toBe('tls');
      expect(refused?.certificate).toMatchObject({ hostPort: `127.0.0.1:${tlsRouter.port}`, fingerprint256: tlsRouter.certificateFingerprint });
      await s.handlers['tls:trust'](refused!.certificate!.hostPort, refused!.certificate!.fingerprint256);
      expect(settings.get().trustedCertificates.map((c) => c.hostPort)).toEqual([`127.0.0.1:${tlsRouter.port}`]);
      expect((await s.signIn(request)).phase).toBe('signed-in');
    } finally {
      await session?.close();
      session = undefined;
      await tlsRouter.close();
    }
  });
});
