/**
 * The router of sessions: a sign-in goes to the session of the type asked for, else the one the
 * address names, else the last used (CME to CmeSession, CUPS and SIMPLE to DeskSession); while a CME router is signed in, presence-server channels
 * are refused in words (or read as empty where the renderer asks on its own), and the app's own
 * channels still work.
 */
import { describe, expect, it } from 'vitest';
import { CmeSession } from '../../../core/cme/session';
import { DeskSession } from '../../../core/desk-session';
import { ServerSessions } from '../../../core/session/server-session';
import { SettingsCertificateTrust } from '../../../core/store/certificate-trust';
import { MemorySettingsStore } from '../../../core/store/settings';
import { serverTypeOf } from '../../../shared/server-type';
import type { SessionState, SignInRequest } from '../../../shared/domain';
import { closedPort } from '../../support/wait';

function sessions() {
  const settings = new MemorySettingsStore();
  const desk = new DeskSession({ info: { host: 'browser', version: 'test' }, settings, historyDir: '/nonexistent/history' });
  const cme = new CmeSession({ settings, trust: new SettingsCertificateTrust(settings) });
  const signedInTo: string[] = [];
  const fake =
    (name: string) =>
    async (request: SignInRequest): Promise<SessionState> => {
      signedInTo.push(`${name} ${request.serverType}`);
      return { phase: 'signed-in', serverType: request.serverType };
    };
  desk.signIn = fake('desk');
  cme.signIn = fake('cme');
  return { router: new ServerSessions(desk, cme), signedInTo, settings };
}

describe('server type of an address', () => {
  it.each([
    ['http://10.1.1.1/ios_xml_app/cme', 'cme'],
    ['https://router.example.com:8443/ios_xml_app/cme', 'cme'],
    ['router.example.com/ios_xml_app/cme', 'cme'],
    ['https://cups.example.com/EPASSoap/service', 'cups'],
    ['cups.example.com', undefined],
    ['http://example.com/other', undefined],
  ])('%s → %s', (address, type) => expect(serverTypeOf(address)).toBe(type));
});

describe('ServerSessions', () => {
  it('signs in to the type asked for, else the one the address names by its path, else what a probe finds', async () => {
    const { router, signedInTo } = sessions();
    await router.handlers['session:sign-in']({ server: 'router', user: 'a', password: 'p', serverType: 'cme' });
    await router.handlers['session:sign-in']({ server: 'https://cups/EPASSoap/service', user: 'a', password: 'p' });
    await router.handlers['session:sign-in']({ server: '', user: 'a@example.com', password: 'p', serverType: 'simple' });
    expect(router.serverType).toBe('simple');
    expect(router.current).toBe(router.cups);
    await router.handlers['session:sign-in']({ server: 'http://r/ios_xml_app/cme', user: 'a', password: 'p' });
    expect((await router.handlers['session:snapshot']()).session.detected).toEqual({ type: 'cme', by: 'path' });
    // Nothing answers at this address: neither CUPS nor CME, so a SIMPLE server at its host.
    const port = await closedPort();
    const state = await router.handlers['session:sign-in']({ server: `127.0.0.1:${port}`, user: 'a', password: 'p' });
    expect(state.detected).toEqual({ type: 'simple', by: 'none' });
    expect(signedInTo).toEqual(['cme cme', 'desk cups', 'desk simple', 'cme cme', 'desk simple']);
    expect(router.serverType).toBe('simple');
    // A type chosen in the form forgets what was detected.
    expect((await router.handlers['session:sign-in']({ server: 'router', user: 'a', password: 'p', serverType: 'cme' })).detected).toBeUndefined();
  });

  it('with CME in use: presence-server features refused in words, reads the renderer makes alone empty, app channels work', async () => {
    const { router } = sessions();
    await router.handlers['session:sign-in']({ server: 'r', user: 'a', password: 'p', serverType: 'cme' });
    expect(() => router.handlers['im:send']('sip:2002@r', 'hi')).toThrow('Instant messages need a presence server; a Cisco Unified CME router has none.');
    expect(() => router.handlers['contacts:add-group']('X')).toThrow(/keeps no contact list to edit: your buddy list is your speed dials/);
    expect(() => router.handlers['privacy:get']()).toThrow(
      /Cisco Unified Presence feature; the Cisco Unified CME router you are signed in to does not offer it/,
    );
    expect(() => router.handlers['phone:control']('hold', 'cme:2001')).toThrow(/answered, held and ended at the phone/);
    expect(await router.handlers['im:history']('sip:2002@r')).toEqual([]);
    expect(await router.handlers['longterm:get']()).toBeNull();
    expect(await router.handlers['watchers:get']()).toEqual({ available: false, pending: [], rules: [] });
    expect(() => router.handlers['phone:request']({ service: 'setDoNotDisturb', on: true })).toThrow(/Cisco Unified Presence feature/);
    expect((await router.handlers['connection:get']()).soapTimeoutSeconds).toBe(10);
    expect((await router.handlers['app:info']()).version).toBe('test');
    expect((await router.handlers['session:snapshot']()).signInDefaults.serverType).toBe('cme');
  });

  it('says which features the session in use offers, from the channels it answers', async () => {
    const { router } = sessions();
    await router.handlers['session:sign-in']({ server: 'r', user: 'a', password: 'p', serverType: 'cme' });
    expect((await router.handlers['session:snapshot']()).session.features).toEqual([]);
    await router.handlers['session:sign-in']({ server: 'c', user: 'a', password: 'p', serverType: 'cups' });
    expect((await router.handlers['session:snapshot']()).session.features).toEqual([
      'im',
      'contactEdits',
      'privacy',
      'calendar',
      'serverPreferences',
      'longTermStatus',
    ]);
  });

  it('passes on DeskSession’s events once, whether CUPS or a SIMPLE server is in use', async () => {
    const { router } = sessions();
    await router.handlers['session:sign-in']({ server: '', user: 'a@example.com', password: 'p', serverType: 'simple' });
    const seen: string[] = [];
    const off = router.subscribe((event) => seen.push(event));
    await router.cups.signOut();
    off();
    expect(seen.filter((e) => e === 'session:state')).toHaveLength(1);
  });
});
