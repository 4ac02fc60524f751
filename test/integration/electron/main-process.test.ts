/**
 * The Electron main process as shipped (dist/electron/main.cjs, built by the global setup),
 * run in Node with a fake `electron` module because no Electron binary can start here. The
 * test plays the operating system and the renderer: it emits 'ready', a second launch or a
 * macOS link, calls the IPC handlers as a frame would, clicks the tray menu, and checks what
 * main did. The app never starts a lab: as `npm start` does, the test starts the real demo lab
 * (Kamailio, CUPS, slapd) and hands its address over in PRESENCE_DESK_DEMO_LAB; the packaged
 * app ignores that and shows sign-in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INVOKE_CHANNELS } from '../../../shared/ipc';
import type { OwnStatus, SessionState, Snapshot } from '../../../shared/domain';
import { startLab, type Lab } from '../../../lab';
import { DEMO_LAB_ENV } from '../../../host/backend-factory';
import { demoLabAddress } from '../../../host/demo-lab';
import { FakeElectron, ROOT, runMain, type FakeBrowserWindow, type MenuItem, type RunOptions } from '../../support/fake-electron';

const RENDERER = join(ROOT, 'dist', 'renderer', 'index.html');
const HARDENED = {
  preload: join(ROOT, 'dist', 'electron', 'preload.cjs'),
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  webSecurity: true,
  spellcheck: true,
};

/** Starts main on a fresh fake Electron, emits 'ready' and waits until the main window is shown. */
async function startApp(
  options: ConstructorParameters<typeof FakeElectron>[0],
  run: RunOptions = {},
  beforeReady?: (fake: FakeElectron) => void,
): Promise<FakeElectron> {
  const fake = new FakeElectron(options);
  runMain(fake, run);
  beforeReady?.(fake);
  fake.app.emitReady();
  await fake.until(() => fake.windows[0]?.isVisible(), 'the main window to be shown');
  return fake;
}

/** Quits as the user would from the tray and waits until the app (and its lab, if any) ended. */
async function quitApp(fake: FakeElectron | undefined): Promise<void> {
  if (!fake || fake.app.quitted) return;
  fake.app.quit();
  await fake.until(() => fake.app.quitted, 'the app to end');
}

function trayItems(fake: FakeElectron): MenuItem[] {
  return fake.trays[0]?.menu?.items ?? [];
}

function cspDirectives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('Electron main with no server configured, run by npm start with the demo lab', () => {
  let profileDir: string;
  let fake: FakeElectron;
  let main: FakeBrowserWindow;
  let beforeReady: string[];
  let lab: Lab;

  beforeAll(async () => {
    profileDir = mkdtempSync(join(tmpdir(), 'pd-electron-'));
    lab = await startLab({ livenEveryMs: 30_000, log: () => undefined });
    fake = await startApp({ profileDir, saveTo: join(profileDir, 'export.txt') }, { env: { [DEMO_LAB_ENV]: JSON.stringify(demoLabAddress(lab)) } }, (f) => {
      beforeReady = f.calls.map((c) => `${c.what} ${c.args.join(' ')}`.trim());
      // macOS hands a clicked link over before the app is ready.
      const event = { defaultPrevented: false, preventDefault: () => undefined };
      f.app.emit('open-url', event, 'sip:maria@demo.presence-desk.test');
    });
    main = fake.windows[0]!;
  });

  afterAll(async () => {
    await quitApp(fake);
    await lab?.stop();
    rmSync(profileDir, { recursive: true, force: true });
  });

  it('claims the single-instance lock and the tel:, sip:, sips: and im: links before ready, and opens nothing before', () => {
    expect(beforeReady[0]).toBe('app.requestSingleInstanceLock');
    expect(beforeReady.filter((c) => c.startsWith('app.setAsDefaultProtocolClient'))).toEqual(
      ['tel', 'sip', 'sips', 'im'].map((s) => `app.setAsDefaultProtocolClient ${s}`),
    );
    expect(beforeReady).toEqual(expect.arrayContaining(['app.on second-instance', 'app.on open-url', 'app.on web-contents-created', 'app.on before-quit']));
    expect(beforeReady.some((c) => c.startsWith('new BrowserWindow') || c.startsWith('ipcMain.handle') || c.startsWith('new Tray'))).toBe(false);
  });

  it('opens one main window, hidden until ready to show, with sandbox, context isolation, no node and the bundled preload', () => {
    expect(fake.windows).toHaveLength(1);
    expect(main.options).toMatchObject({ show: false, title: 'Presence Desk', minWidth: 420, minHeight: 360 });
    expect(main.options.webPreferences).toEqual(HARDENED);
    expect(existsSync(HARDENED.preload)).toBe(true);
    expect(main.loads).toEqual([{ file: RENDERER, options: undefined }]);
    expect(main.isVisible()).toBe(true);
    // Centred on the primary display's work area at the default size: nothing was saved yet.
    expect(main.getBounds()).toEqual({ x: 410, y: 150, width: 1100, height: 740 });
  });

  it('keeps settings and window state in the profile it was given', () => {
    const userData = fake.app.getPath('userData');
    expect(JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8'))).toMatchObject({ server: '' });
    main.setBounds({ x: 20, y: 30, width: 900, height: 700 });
    main.close(); // hides to the tray, and remembers where it was
    expect(JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8'))).toEqual({
      main: { bounds: { x: 20, y: 30, width: 900, height: 700 }, maximized: false },
    });
  });

  it('keeps running in the tray when the main window is closed', () => {
    expect(fake.callsOf('BrowserWindow.close').at(-1)?.args).toEqual([main.webContents.id, true]);
    expect(main.isDestroyed()).toBe(false);
    expect(main.isVisible()).toBe(false);
    expect(fake.app.quitRequests).toBe(0);
    fake.trays[0]!.emit('click');
    expect(main.isVisible()).toBe(true);
  });

  it('denies window.open and gives only http, https and mailto links to the system browser', () => {
    const open = main.webContents.windowOpenHandler!;
    expect(open).toBeTypeOf('function');
    for (const url of ['https://www.example.com/help', 'http://intranet.example/x', 'mailto:help@example.com'])
      expect(open({ url })).toEqual({ action: 'deny' });
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'sip:maria@lab.example', 'data:text/html,<script>1</script>', 'not a url'])
      expect(open({ url })).toEqual({ action: 'deny' });
    expect(fake.callsOf('shell.openExternal').map((c) => c.args[0])).toEqual([
      'https://www.example.com/help',
      'http://intranet.example/x',
      'mailto:help@example.com',
    ]);
  });

  it('prevents navigation, redirects and webviews away from the app', () => {
    expect(main.webContents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(main.webContents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(main.webContents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(main.webContents.navigate('will-attach-webview', 'https://evil.example/')).toBe(true);
  });

  it('offers the spell checker’s suggestions in a field’s context menu, and replaces or learns the word', () => {
    const menuOf = (params: object): MenuItem[] => {
      const before = fake.callsOf('Menu.popup').length;
      main.webContents.emit('context-menu', { preventDefault: () => undefined }, params);
      const shown = fake.callsOf('Menu.popup');
      return shown.length > before ? (shown.at(-1)!.args[0] as MenuItem[]) : [];
    };
    const flags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true };
    const items = menuOf({ isEditable: true, misspelledWord: 'meetign', dictionarySuggestions: ['meeting', 'meting'], selectionText: '', editFlags: flags });
    expect(items.map((i) => i.label ?? i.type)).toEqual([
      'meeting',
      'meting',
      'Add “meetign” to dictionary',
      'separator',
      'Cut',
      'Copy',
      'Paste',
      'separator',
      'Select all',
    ]);
    items[0]!.click!();
    expect(fake.callsOf('webContents.replaceMisspelling').map((c) => c.args)).toEqual([[main.webContents.id, 'meeting']]);
    items[2]!.click!();
    expect(fake.callsOf('session.addWordToSpellCheckerDictionary').map((c) => c.args[0])).toEqual(['meetign']);

    // A misspelled word without suggestions says so; a correct field only edits; selected text copies; elsewhere nothing.
    expect(menuOf({ isEditable: true, misspelledWord: 'xqzt', dictionarySuggestions: [], selectionText: '', editFlags: flags })[0]).toMatchObject({
      label: 'No suggestions',
      enabled: false,
    });
    expect(
      menuOf({ isEditable: true, misspelledWord: '', dictionarySuggestions: [], selectionText: '', editFlags: flags }).map((i) => i.label ?? i.type),
    ).toEqual(['Cut', 'Copy', 'Paste', 'separator', 'Select all']);
    expect(
      menuOf({ isEditable: false, misspelledWord: '', dictionarySuggestions: [], selectionText: 'Hi Maria', editFlags: flags }).map((i) => i.label),
    ).toEqual(['Copy']);
    expect(menuOf({ isEditable: false, misspelledWord: '', dictionarySuggestions: [], selectionText: '', editFlags: flags })).toEqual([]);
  });

  it('puts a strict Content-Security-Policy on every response and grants only notifications', () => {
    let response: { responseHeaders?: Record<string, string[]> } | undefined;
    fake.headersListener!({ url: pathToFileURL(RENDERER).href, responseHeaders: { 'X-Kept': ['1'] } }, (r) => (response = r));
    expect(response!.responseHeaders!['X-Kept']).toEqual(['1']);
    const [policy] = response!.responseHeaders!['Content-Security-Policy']!;
    const csp = cspDirectives(policy!);
    expect(["'none'", "'self'"]).toContain(csp.get('default-src')!.join(' '));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(csp.get('object-src') ?? csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);

    const granted = (permission: string) => new Promise<boolean>((resolve) => fake.permissionRequestHandler!({}, permission, resolve));
    return Promise.all(['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal'].map(granted)).then((answers) => {
      expect(answers).toEqual([true, false, false, false, false]);
      expect(fake.permissionCheckHandler!({}, 'media')).toBe(false);
    });
  });

  it('serves every channel of the IPC contract, and only to the app’s own page', async () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    const refused = { ok: false, error: { code: 'invalid-input', message: 'Refused.' } };
    for (const frameUrl of [
      'https://evil.example/',
      'http://127.0.0.1:8080/index.html',
      'file:///etc/passwd',
      'file:///tmp/index.html',
      'data:text/html,x',
      'devtools://devtools/bundled/x.html',
      '',
      null,
    ]) {
      expect(await fake.invoke('session:snapshot', [], { frameUrl }), String(frameUrl)).toEqual(refused);
      expect(await fake.invoke('window:open-conversation', ['sip:maria@demo.presence-desk.test'], { frameUrl })).toEqual(refused);
    }
    expect(fake.windows).toHaveLength(1);

    expect(await fake.request('app:info')).toMatchObject({ host: 'electron', systemIdle: true, canRememberPassword: true });
    const snap = await fake.request<Snapshot>('session:snapshot');
    expect(snap.session).toMatchObject({ phase: 'signed-in', user: 'alex' });
    // The session's own errors come back as data, with their code.
    expect(await fake.invoke('diagnostics:get', [-1])).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('hands a link the OS gave before ready to the renderer once the page is loaded', () => {
    expect(fake.sent(main, 'app:open')).toEqual([{ kind: 'chat', uri: 'sip:maria@demo.presence-desk.test' }]);
  });

  it('a second launch with tel:+14085550101 brings the window back and asks the renderer to call', async () => {
    main.hide();
    main.minimize();
    fake.app.emit(
      'second-instance',
      { preventDefault: () => undefined },
      ['/opt/Presence Desk/presence-desk', '--no-sandbox', 'tel:+14085550101'],
      '/home/alex',
    );
    const open = await fake.until(() => fake.sent(main, 'app:open').find((r) => (r as { kind: string }).kind === 'call'), 'app:open for the number');
    expect(open).toEqual({ kind: 'call', number: '+14085550101' });
    expect(main.isVisible()).toBe(true);
    expect(main.isMinimized()).toBe(false);
    expect(main.focused).toBe(true);
  });

  it('opens a conversation in a window of its own with the same hardened preferences, once per peer', async () => {
    const snap = await fake.request<Snapshot>('session:snapshot');
    const peer = snap.groups[0]!.contacts[0]!.uri;
    expect(await fake.request('window:open-conversation', peer)).toBe(true);
    expect(fake.windows).toHaveLength(2);
    const conversation = fake.windows[1]!;
    expect(conversation.options.webPreferences).toEqual(HARDENED);
    expect(conversation.loads).toEqual([{ file: RENDERER, options: { query: { conversation: peer } } }]);
    await fake.until(() => conversation.isVisible(), 'the conversation window to be shown');
    // The same lock-down applies to it, and its page may use the IPC channels.
    expect(conversation.webContents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(conversation.webContents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(await fake.invoke('im:history', [peer], { window: conversation })).toMatchObject({ ok: true });

    conversation.hide();
    expect(await fake.request('window:open-conversation', peer)).toBe(true);
    expect(fake.windows).toHaveLength(2);
    expect(conversation.isVisible()).toBe(true);
    for (const bad of ['javascript:alert(1)', 'https://evil.example/']) expect(await fake.request('window:open-conversation', bad)).toBe(false);
    // A peer that is not even text is refused at the boundary, in words naming the argument.
    expect(await fake.invoke('window:open-conversation', [42])).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/^window:open-conversation: argument 1 \(peer\) is not valid/) },
    });
    expect(await fake.invoke('presence:set-own', [{}])).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringContaining('status.availability') },
    });
    expect(fake.windows).toHaveLength(2);
  });

  it('shows the status in the tray, and a status chosen there becomes the session’s own status in every window', async () => {
    const tray = fake.trays[0]!;
    expect(tray.tooltip).toBe('Presence Desk — alex: Available');
    expect(trayItems(fake).map((i) => [i.id, i.type ?? 'normal', i.checked ?? false])).toEqual([
      ['status-available', 'radio', true],
      ['status-away', 'radio', false],
      ['status-busy', 'radio', false],
      ['status-dnd', 'radio', false],
      ['status-invisible', 'radio', false],
      ['sep-1', 'separator', false],
      ['show', 'normal', false],
      ['sep-2', 'separator', false],
      ['quit', 'normal', false],
    ]);
    trayItems(fake).find((i) => i.id === 'status-busy')!.click!();
    await fake.until(() => tray.tooltip === 'Presence Desk — alex: Busy', 'the tray to say Busy');
    expect(trayItems(fake).find((i) => i.checked)?.id).toBe('status-busy');
    expect((await fake.request<Snapshot>('session:snapshot')).own.availability).toBe('busy');
    for (const window of fake.windows) expect((fake.sent(window, 'presence:own') as OwnStatus[]).at(-1)?.availability).toBe('busy');
  });

  it('saves an export where the user chose, readable by the user only', async () => {
    const peer = (await fake.request<Snapshot>('session:snapshot')).groups[0]!.contacts[0]!.uri;
    const result = await fake.request<{ savedTo?: string; text: string }>('im:export', peer, 'text');
    expect(result).toMatchObject({ savedTo: fake.saveTo, text: '' });
    const [owner, options] = fake.callsOf('dialog.showSaveDialog')[0]!.args as [unknown, { defaultPath: string }];
    expect(owner).toBe(main);
    expect(options.defaultPath.startsWith(fake.app.getPath('downloads'))).toBe(true);
    expect(statSync(fake.saveTo!).mode & 0o777).toBe(0o600);
    fake.saveTo = undefined; // the user cancels the next one
    expect(await fake.request('diagnostics:export')).toMatchObject({ fileName: '' });
  });

  it('goes Away by itself when the whole system has been idle past the threshold', async () => {
    await fake.request('presence:set-own', { availability: 'available', note: '' });
    fake.systemIdleSeconds = 60 * 60;
    await fake.until(() => (fake.sent(main, 'presence:own') as OwnStatus[]).at(-1)?.availability === 'away', 'automatic Away', 25_000);
    expect(fake.callsOf('powerMonitor.getSystemIdleTime').length).toBeGreaterThan(0);
    fake.systemIdleSeconds = 0;
  }, 30_000);

  it('Quit in the tray signs out before the app ends, and leaves the lab to whoever started it', async () => {
    trayItems(fake).find((i) => i.id === 'quit')!.click!();
    await fake.until(() => fake.app.quitted, 'the app to end');
    expect(lab.cups.sessionOf(lab.demoUser.id)).toBeUndefined();
    // The first quit was held back until the session had closed.
    expect(fake.app.quitRequests).toBe(2);
    expect(fake.trays[0]!.destroyed).toBe(true);
    expect(fake.windows.every((w) => w.isDestroyed())).toBe(true);
  });
});

describe('Electron main with no server configured and no demo lab', () => {
  const profiles: string[] = [];
  afterAll(() => {
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  });

  for (const isPackaged of [true, false]) {
    it(
      isPackaged ? 'packaged: shows sign-in, even when PRESENCE_DESK_DEMO_LAB names a lab' : 'from a development build without npm start: shows sign-in',
      async () => {
        const profileDir = mkdtempSync(join(tmpdir(), 'pd-electron-'));
        profiles.push(profileDir);
        // An address that would be used if it were read: the packaged app must not look at it.
        const env = isPackaged
          ? { [DEMO_LAB_ENV]: JSON.stringify({ cupsUrl: 'http://127.0.0.1:9/EPASSoap/service', user: 'alex', password: 'pw' }) }
          : { [DEMO_LAB_ENV]: undefined };
        const app = await startApp({ profileDir, isPackaged }, { env });
        try {
          const snap = await app.request<Snapshot>('session:snapshot');
          expect(snap.session.phase).toBe('signed-out');
          expect(snap.session.error).toBeUndefined();
          expect(app.sent(app.windows[0]!, 'session:state').some((s) => (s as SessionState).phase !== 'signed-out')).toBe(false);
        } finally {
          await quitApp(app);
        }
      },
    );
  }
});

describe('Electron main with a server configured: "Remember me" through safeStorage', () => {
  let lab: Lab;
  const profiles: string[] = [];
  const apps: FakeElectron[] = [];

  const profile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-electron-'));
    profiles.push(dir);
    return dir;
  };
  const start = async (profileDir: string, encryptionAvailable: boolean) => {
    const app = await startApp({ profileDir, encryptionAvailable }, { args: ['--server', lab.cupsUrl, '--user', lab.demoUser.id] });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    lab = await startLab({ bots: false, log: () => undefined });
  });

  afterAll(async () => {
    for (const app of apps) await quitApp(app);
    await lab?.stop();
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the password only as OS-encrypted ciphertext, and signs in with it at the next start', async () => {
    const profileDir = profile();
    const first = await start(profileDir, true);
    expect(await first.request('app:info')).toMatchObject({ canRememberPassword: true });
    const state = await first.request<SessionState>('session:sign-in', {
      server: lab.cupsUrl,
      user: lab.demoUser.id,
      password: lab.demoUser.password,
      remember: true,
    });
    expect(state.phase).toBe('signed-in');
    expect(first.callsOf('safeStorage.encryptString')).toHaveLength(1);
    const kept = readFileSync(join(first.app.getPath('userData'), 'secrets.json'), 'utf8');
    expect(kept).not.toContain(lab.demoUser.password);
    expect(statSync(join(first.app.getPath('userData'), 'secrets.json')).mode & 0o777).toBe(0o600);
    await quitApp(first);

    const second = await start(profileDir, true);
    await second.until(() => second.sent(second.windows[0]!, 'session:state').some((s) => (s as SessionState).phase === 'signed-in'), 'the remembered sign-in');
    expect(second.callsOf('safeStorage.decryptString')).toHaveLength(1);
    await quitApp(second);
  });

  it('keeps no password when the OS offers no keychain', async () => {
    const app = await start(profile(), false);
    expect(await app.request('app:info')).not.toHaveProperty('canRememberPassword');
    const state = await app.request<SessionState>('session:sign-in', {
      server: lab.cupsUrl,
      user: lab.demoUser.id,
      password: lab.demoUser.password,
      remember: true,
    });
    expect(state.phase).toBe('signed-in');
    expect(app.callsOf('safeStorage.encryptString')).toHaveLength(0);
    expect(existsSync(join(app.app.getPath('userData'), 'secrets.json'))).toBe(false);
    await quitApp(app);
  });
});

describe('Electron main, packaged: start at login', () => {
  const profiles: string[] = [];
  afterAll(() => {
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  });

  it('uses the login item on Windows and macOS, and an XDG autostart entry on Linux', async () => {
    for (const platform of ['win32', 'linux'] as const) {
      const profileDir = mkdtempSync(join(tmpdir(), 'pd-electron-'));
      profiles.push(profileDir);
      // A server is configured (unreachable): the test is about the shell, not the lab.
      const app = await startApp(
        { profileDir, isPackaged: true },
        {
          args: ['--server', 'https://127.0.0.1:9', '--user', 'alex'],
          platform,
          env: { XDG_CONFIG_HOME: join(profileDir, 'config'), APPIMAGE: '/opt/Presence Desk.AppImage' },
        },
      );
      expect(await app.request('desktop:set-prefs', { autoStart: true })).toMatchObject({ autoStart: true });
      if (platform === 'win32') {
        expect(app.callsOf('app.setLoginItemSettings').map((c) => c.args[0])).toEqual([
          { openAtLogin: false, args: ['--hidden'] },
          { openAtLogin: true, args: ['--hidden'] },
        ]);
      } else {
        expect(app.callsOf('app.setLoginItemSettings')).toHaveLength(0);
        expect(readFileSync(join(profileDir, 'config', 'autostart', 'presence-desk.desktop'), 'utf8')).toContain(
          'Exec="/opt/Presence Desk.AppImage" --hidden\n',
        );
      }
      await quitApp(app);
    }
  });
});

describe('Electron main, when another instance is running', () => {
  it('quits at once and takes over nothing', () => {
    const profileDir = mkdtempSync(join(tmpdir(), 'pd-electron-'));
    try {
      const fake = new FakeElectron({ profileDir, singleInstance: false });
      runMain(fake);
      expect(fake.calls.map((c) => c.what)).toEqual(['app.requestSingleInstanceLock', 'app.quit', 'app:quitted']);
    } finally {
      rmSync(profileDir, { recursive: true, force: true });
    }
  });
});
