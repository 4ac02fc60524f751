/**
 * CME's own SIP presence against a real Kamailio (lab/cme/sip-site.ts): the router's presence
 * globals name the registrar, the session registers there with the sign-in credentials (or a
 * separate SIP login), a colleague publishing over SIP shows that status, a colleague without
 * SIP presence keeps line state, and a refused SIP login is said in words while line state works.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CmeSession } from '../../../core/cme/session';
import { SettingsCertificateTrust } from '../../../core/store/certificate-trust';
import { MemorySettingsStore } from '../../../core/store/settings';
import { SipAccount } from '../../../core/sip';
import type { Presence, PresenceUpdate } from '../../../shared/domain';
import { startLabCmeSipSite, type LabCmeSipSite } from '../../../lab/cme/sip-site';
import { waitForEvent } from '../../support/wait';

let site: LabCmeSipSite;
let session: CmeSession | undefined;
const SIP_PASSWORD = 'sip-pool-secret-1';

beforeAll(async () => {
  // The demo user's SIP password differs from the router password: the default login is refused.
  site = await startLabCmeSipSite({ sipPassword: SIP_PASSWORD });
});
afterAll(() => site.stop());
afterEach(async () => {
  await session?.close();
  session = undefined;
});

function newSession(settings = new MemorySettingsStore()) {
  session = new CmeSession({ settings, trust: new SettingsCertificateTrust(settings), pollIntervalMs: 100, timeoutMs: 3000 });
  return session;
}

const uriOf = (number: string) => `sip:${number}@127.0.0.1`;
const updatesOf = (s: CmeSession) => (cb: (u: PresenceUpdate[]) => void) => s.on('presence:changed', cb);
const signIn = (s: CmeSession, sipPassword?: string) =>
  s.signIn({ server: site.router.url, user: site.router.user.id, password: site.router.user.password, ...(sipPassword ? { sipPassword } : {}) });

describe('a CME router whose presence engine is on', () => {
  it('registers with the SIP login; a colleague publishing busy over SIP shows busy, one without SIP keeps line state', async () => {
    const s = newSession();
    const state = await signIn(s, SIP_PASSWORD);
    expect(state).toMatchObject({ phase: 'signed-in', uri: 'sip:alex@127.0.0.1', presenceServer: `TCP 127.0.0.1:${site.kamailio.tcpPort}` });
    expect(state.error).toBeUndefined();
    const account = await s.handlers['account:site']();
    expect(account?.presence).toMatch(/^on .*colleagues are shown by their SIP presence, else by the state of their line/);
    expect(account?.sipPresence).toBe(`in use: TCP 127.0.0.1:${site.kamailio.tcpPort} as sip:alex@127.0.0.1`);

    const busy = waitForEvent(updatesOf(s), (u) => u.some((x) => x.uri === uriOf('2002') && x.presence.availability === 'busy'), '2002 busy over SIP');
    await site.publish('2002', { availability: 'busy', note: 'In a meeting' });
    expect((await busy).find((x) => x.uri === uriOf('2002'))?.presence.note).toBe('In a meeting');

    // 2003 has no SIP presence: its line decides.
    const onPhone = waitForEvent(
      updatesOf(s),
      (u) => u.some((x) => x.uri === uriOf('2003') && x.presence.availability === 'on-the-phone'),
      '2003 on the phone',
    );
    site.router.setLine('2003', 'CONNECTED');
    await onPhone;
    expect(s.snapshot().presence[uriOf('2002')]?.availability).toBe('busy');
    site.router.setLine('2003', 'IDLE');
    await waitForEvent(updatesOf(s), (u) => u.some((x) => x.uri === uriOf('2003') && x.presence.availability === 'available'), '2003 available');
  });

  it('the own status set in the app is published over SIP, where a colleague sees it', async () => {
    const s = newSession();
    await signIn(s, SIP_PASSWORD);
    const colleague = new SipAccount({
      server: { host: site.kamailio.host, port: site.kamailio.tcpPort, transport: 'tcp' },
      domain: site.domain,
      user: '2004',
      password: site.passwordOf('2004'),
    });
    try {
      await colleague.start();
      const seen = new Promise<Presence>((resolve) =>
        colleague.on('presence', (uri, presence) => uri === 'sip:alex@127.0.0.1' && presence.availability === 'dnd' && resolve(presence)),
      );
      colleague.watch('sip:alex@127.0.0.1');
      await s.handlers['presence:set-own']({ availability: 'dnd', note: 'Focus time' });
      expect((await seen).note).toBe('Focus time');
    } finally {
      await colleague.stop();
    }
  });

  it('a wrong SIP password is said in words; line state keeps working', async () => {
    const s = newSession();
    const state = await signIn(s);
    expect(state.phase).toBe('signed-in');
    expect(state.presenceServer).toBeUndefined();
    expect(state.error).toMatchObject({
      code: 'sip',
      message: expect.stringMatching(/^SIP presence is not available \(.+\); colleagues are shown by the state of their line\.$/),
    });
    const account = await s.handlers['account:site']();
    expect(account?.sipPresence).toMatch(/^failed: /);
    expect(account?.problems.some((p) => p.startsWith('SIP presence: '))).toBe(true);
    const onPhone = waitForEvent(
      updatesOf(s),
      (u) => u.some((x) => x.uri === uriOf('2002') && x.presence.availability === 'on-the-phone'),
      '2002 on the phone',
    );
    site.router.setLine('2002', 'CONNECTED');
    await onPhone;
    site.router.setLine('2002', 'IDLE');
  });

  it('a separate SIP login given at sign-in is used and kept in the settings (its password is not)', async () => {
    const settings = new MemorySettingsStore();
    const s = newSession(settings);
    const state = await s.signIn({
      server: site.router.url,
      user: site.router.user.id,
      password: site.router.user.password,
      sipUser: 'alex',
      sipPassword: SIP_PASSWORD,
    });
    expect(state).toMatchObject({ phase: 'signed-in', uri: 'sip:alex@127.0.0.1' });
    expect(state.error).toBeUndefined();
    expect(settings.get().cmeSipUser).toBe('alex');
    expect(JSON.stringify(settings.get())).not.toContain(SIP_PASSWORD);
  });

  it('a separate SIP login from settings is used instead of the sign-in user name', async () => {
    const settings = new MemorySettingsStore();
    settings.update({ cmeSipUser: 'nobody-here' });
    const s = newSession(settings);
    const state = await signIn(s, SIP_PASSWORD);
    // Kamailio knows no "nobody-here": refused, in words, and the sign-in itself stands.
    expect(state).toMatchObject({ phase: 'signed-in', error: { code: 'sip' } });
  });
});
