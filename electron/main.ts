/**
 * Electron main: hardened windows over the same renderer and backend as the browser host.
 * Sandbox and context isolation on, no node integration, a strict CSP on every response,
 * window.open denied (http/https links go to the system browser), navigation locked,
 * permissions refused, single instance, and tel:/sip:/im: links handed to the running instance.
 *
 * Desktop pieces: a tray icon with a status menu, remembered window geometry (clamped to the
 * displays present), start at login, conversations in their own windows, exports through a
 * save dialog, and "Remember me" through safeStorage. The logic of each lives in a module
 * without electron (`shared/open-url.ts`, `window-state.ts`, `tray-menu.ts`, `tray-icon.ts`)
 * so it is unit-tested; this file only wires it to Electron.
 *
 * The shell speaks the UI's language (electron/i18n.ts): the setting `language` is applied at
 * start and again whenever Settings changes it, and the tray menu is rebuilt then.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, powerMonitor, screen, session, shell, Tray } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Store from 'electron-store';
import { contentSecurityPolicy } from '../shared/csp';
import { checkInvokeArgs } from '../shared/ipc-guards';
import { INVOKE_CHANNELS, type InvokeChannel } from '../shared/ipc';
import type { DesktopPrefs, ExportedFile, OpenRequest, OwnAvailability } from '../shared/domain';
import { isOnThePhone } from '../shared/domain';
import { isAllowedExternalUrl } from '../shared/links';
import { OPEN_SCHEMES, chatAddress, openRequestFromArgv, parseOpenUrl } from '../shared/open-url';
import { DEMO_LAB_ENV, createBackend, readDemoLabAddress, type CreatedBackend, type DemoLabAddress } from '../host/backend-factory';
import { SystemIdle } from '../core/system-idle';
import { dispatchInvoke, serialiseError } from '../host/bridge';
import { ElectronSettingsStore } from './settings';
import { createElectronSecrets } from './secrets';
import { clampBounds, readWindowState, type SavedWindowState } from './window-state';
import { trayMenu, trayTooltip } from './tray-menu';
import { attachContextMenu } from './context-menu';
import { applyShellLanguage, systemLanguages, t } from './i18n';
import { statusIconPng } from './tray-icon';
import { applyLinuxAutostart } from './autostart';

const CSP = contentSecurityPolicy('electron');

const RENDERER = join(__dirname, '..', 'renderer', 'index.html');
const RENDERER_URL = pathToFileURL(RENDERER).href;

/**
 * Requests are served only to the app's own page (main or conversation window, whatever its
 * query): not to another site, and not to another local file, which could hold anything.
 */
function isAppPage(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    url.search = '';
    url.hash = '';
    return url.href === RENDERER_URL;
  } catch {
    return false;
  }
}

let created: CreatedBackend | undefined;
let window: BrowserWindow | undefined;
let tray: Tray | undefined;
let quitting = false;
/** Open requests that arrive before the backend is ready (macOS open-url at launch). */
const pendingOpen: OpenRequest[] = [];
const conversationWindows = new Map<string, BrowserWindow>();

/** The same preferences for every window: the hardening is not relaxed for any of them. */
const WEB_PREFERENCES = {
  preload: join(__dirname, 'preload.cjs'),
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  webSecurity: true,
  spellcheck: true,
} as const;

function handleOpen(request: OpenRequest | undefined): void {
  if (!request) return;
  if (!created) {
    pendingOpen.push(request);
    return;
  }
  created.session.requestOpen(request);
  showMain();
}

function showMain(): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function applyAutoStart(enabled: boolean): void {
  // Only a packaged app can start at login: in development the executable is Electron itself.
  if (!app.isPackaged) return;
  if (process.platform === 'linux')
    applyLinuxAutostart(process.env.XDG_CONFIG_HOME || join(app.getPath('home'), '.config'), enabled, process.env.APPIMAGE || process.execPath);
  else app.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
}

/** Desktop preferences as saved (by any window): start at login, and the shell's language. */
function applyPrefs(prefs: DesktopPrefs): void {
  applyAutoStart(prefs.autoStart);
  applyLanguage(prefs.language);
}

async function saveExport(file: ExportedFile, owner: BrowserWindow | undefined): Promise<ExportedFile> {
  const options = {
    defaultPath: join(app.getPath('downloads'), file.fileName),
    filters: [
      {
        name: file.mimeType === 'application/json' ? t('shell:export.jsonFiles') : t('shell:export.textFiles'),
        extensions: [file.fileName.split('.').pop() ?? 'txt'],
      },
    ],
  };
  const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { fileName: '', mimeType: file.mimeType, text: '' };
  await writeFile(choice.filePath, file.text, { encoding: 'utf8', mode: 0o600 });
  return { fileName: file.fileName, mimeType: file.mimeType, text: '', savedTo: choice.filePath };
}

function openConversationWindow(peer: unknown): boolean {
  const uri = typeof peer === 'string' ? chatAddress(peer) : undefined;
  if (!uri) return false;
  const existing = conversationWindows.get(uri);
  if (existing && !existing.isDestroyed()) {
    existing.show();
    existing.focus();
    return true;
  }
  const win = new BrowserWindow({ width: 520, height: 620, title: t('common:appName'), show: false, webPreferences: { ...WEB_PREFERENCES } });
  conversationWindows.set(uri, win);
  win.on('closed', () => conversationWindows.delete(uri));
  win.once('ready-to-show', () => win.show());
  void win.loadFile(RENDERER, { query: { conversation: uri } });
  return true;
}

/** Channels whose answer needs Electron itself (dialogs, windows, login items). */
const hostHandlers: Partial<Record<InvokeChannel, (sender: BrowserWindow | undefined, args: unknown[]) => Promise<unknown> | unknown>> = {
  'diagnostics:export': async (sender, args) => saveExport((await dispatchInvoke(created!.backend, 'diagnostics:export', args)) as ExportedFile, sender),
  'im:export': async (sender, args) => saveExport((await dispatchInvoke(created!.backend, 'im:export', args)) as ExportedFile, sender),
  'window:open-conversation': (_sender, args) => openConversationWindow(args[0]),
};

function createMainWindow(windowStore: Store<{ main?: SavedWindowState }>): BrowserWindow {
  const saved = readWindowState(windowStore.get('main'));
  const bounds = clampBounds(
    saved?.bounds,
    [screen.getPrimaryDisplay(), ...screen.getAllDisplays().filter((d) => d.id !== screen.getPrimaryDisplay().id)].map((d) => d.workArea),
  );
  const win = new BrowserWindow({ ...bounds, minWidth: 420, minHeight: 360, title: t('common:appName'), show: false, webPreferences: { ...WEB_PREFERENCES } });
  if (saved?.maximized) win.maximize();
  const remember = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    windowStore.set('main', {
      bounds: win.isMaximized() ? (readWindowState(windowStore.get('main'))?.bounds ?? win.getBounds()) : win.getBounds(),
      maximized: win.isMaximized(),
    });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(remember, 500);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', (event) => {
    remember();
    // With a tray icon, closing the window keeps the app (and the user's presence) running.
    if (tray && !quitting) {
      event.preventDefault();
      win.hide();
    }
  });
  // Started at login (--hidden): stay in the tray until the user opens the window.
  win.once('ready-to-show', () => !process.argv.includes('--hidden') && win.show());
  return win;
}

/** The setting `language` ("system": the system's preferred languages) for the shell; the tray follows. */
function applyLanguage(choice: string | undefined): void {
  applyShellLanguage(choice, systemLanguages(app));
  updateTray();
}

function updateTray(): void {
  if (!tray || !created) return;
  const snap = created.session.snapshot();
  const availability = snap.own.availability;
  const phase = snap.session.phase;
  tray.setImage(nativeImage.createFromBuffer(statusIconPng(availability, phase), { scaleFactor: 2 }));
  tray.setToolTip(trayTooltip(availability, phase, snap.session.user, isOnThePhone(snap.phone)));
  const items = trayMenu(availability, phase, {
    setStatus: (a: OwnAvailability) =>
      void created?.session.setOwnStatus({ availability: a, note: created.session.snapshot().own.note }).catch(() => undefined),
    show: showMain,
    quit: () => {
      quitting = true;
      app.quit();
    },
  });
  tray.setContextMenu(Menu.buildFromTemplate(items.map(({ id, label, type, checked, enabled, click }) => ({ id, label, type, checked, enabled, click }))));
}

/**
 * The demo lab `npm start` started for this run, if any. The app never starts a lab itself,
 * and the packaged app ignores the variable: with no server configured it shows sign-in.
 */
function demoLabFromStart(): DemoLabAddress | undefined {
  if (app.isPackaged) return undefined;
  try {
    return readDemoLabAddress(process.env[DEMO_LAB_ENV]);
  } catch (error) {
    console.error(`The demo lab is not used: ${(error as Error).message}`);
    return undefined;
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second launch (a tel:/sip:/im: link clicked while running) focuses this one and passes its argv.
  app.on('second-instance', (_event, argv) => {
    showMain();
    handleOpen(openRequestFromArgv(argv));
  });
  // macOS delivers links as open-url events, possibly before the app is ready.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleOpen(parseOpenUrl(url));
  });
  for (const scheme of OPEN_SCHEMES) app.setAsDefaultProtocolClient(scheme);

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    attachContextMenu(contents, Menu);
  });

  app.whenReady().then(async () => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });
    // Only notifications (incoming IMs while in the background); camera, microphone, geolocation… are refused.
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'notifications'));
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => permission === 'notifications');

    const settings = new ElectronSettingsStore();
    created = await createBackend(process.argv.slice(app.isPackaged ? 1 : 2), 'electron', {
      profileDir: app.getPath('userData'),
      settings,
      secrets: createElectronSecrets(app.getPath('userData')),
      demoLab: demoLabFromStart(),
    });
    applyAutoStart(settings.get().autoStart);
    applyLanguage(settings.get().language);
    // Automatic Away follows the whole system's idle time, not activity in our window.
    const backend = created;
    new SystemIdle({
      idleSeconds: () => powerMonitor.getSystemIdleTime(),
      thresholdMinutes: () => backend.session.snapshot().idleAwayMinutes,
      onChange: (idle) => void backend.session.setIdle(idle).catch(() => undefined),
    }).start();
    // Back from sleep: without change notifications, what changed on the server meanwhile is read now.
    powerMonitor.on('resume', () => void Promise.resolve(backend.session.handlers['config:resync']()).catch(() => undefined));
    for (const channel of INVOKE_CHANNELS) {
      ipcMain.handle(channel, async (event, ...args: unknown[]) => {
        if (!isAppPage(event.senderFrame?.url)) return { ok: false, error: { code: 'invalid-input', message: 'Refused.' } };
        try {
          // Checked here too, as the Electron-only handlers below do not go through dispatchInvoke.
          const checked = checkInvokeArgs(channel, args) as unknown[];
          const own = hostHandlers[channel];
          const value = own
            ? await own(BrowserWindow.fromWebContents(event.sender) ?? undefined, checked)
            : await dispatchInvoke(created!.backend, channel, checked);
          return { ok: true, value };
        } catch (error) {
          return { ok: false, error: serialiseError(error) };
        }
      });
    }

    window = createMainWindow(new Store<{ main?: SavedWindowState }>({ name: 'window-state' }));
    // Every window (main and conversation windows) follows the same events.
    created.backend.subscribe((event, payload) => {
      for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(event, payload);
      if (event === 'presence:own' || event === 'session:state' || event === 'phone:state') updateTray();
      // Preferences saved in any window: start at login, and a language that reaches the menus at once, as it reaches the windows.
      if (event === 'desktop:prefs-changed') applyPrefs(payload as DesktopPrefs);
    });
    tray = new Tray(nativeImage.createFromBuffer(statusIconPng('available', 'signed-out'), { scaleFactor: 2 }));
    tray.on('click', showMain);
    updateTray();
    await window.loadFile(RENDERER);
    handleOpen(openRequestFromArgv(process.argv));
    for (const request of pendingOpen.splice(0)) handleOpen(request);
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    quitting = true;
    if (!created) return;
    event.preventDefault();
    const closing = created;
    created = undefined;
    tray?.destroy();
    tray = undefined;
    void closing.close().finally(() => app.quit());
  });
}
