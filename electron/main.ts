/**
 * Electron main: one hardened window over the same renderer and backend as the browser host.
 * Sandbox and context isolation on, no node integration, a strict CSP on every response,
 * window.open denied (http/https links go to the system browser), navigation locked,
 * single instance, and tel:/sip:/im: links handed to the running instance.
 */
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { INVOKE_CHANNELS } from '../shared/ipc';
import { isAllowedExternalUrl } from '../shared/links';
import { createBackend, type CreatedBackend } from '../host/backend-factory';
import { dispatchInvoke, serialiseError } from '../host/bridge';
import { ElectronSettingsStore } from './settings';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let created: CreatedBackend | undefined;
let window: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  for (const scheme of ['tel', 'sip', 'im']) app.setAsDefaultProtocolClient(scheme);

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  app.whenReady().then(async () => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

    created = await createBackend(process.argv.slice(app.isPackaged ? 1 : 2), 'electron', {
      profileDir: app.getPath('userData'),
      settings: new ElectronSettingsStore(),
    });
    for (const channel of INVOKE_CHANNELS) {
      ipcMain.handle(channel, async (event, ...args: unknown[]) => {
        if (event.senderFrame?.url && !event.senderFrame.url.startsWith('file://')) return { ok: false, error: { code: 'invalid-input', message: 'Refused.' } };
        try {
          return { ok: true, value: await dispatchInvoke(created!.backend, channel, args) };
        } catch (error) {
          return { ok: false, error: serialiseError(error) };
        }
      });
    }

    window = new BrowserWindow({
      width: 1100,
      height: 740,
      title: 'Presence Desk',
      show: false,
      webPreferences: {
        preload: join(__dirname, 'preload.cjs'),
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: true,
      },
    });
    created.backend.subscribe((event, payload) => window?.webContents.send(event, payload));
    window.once('ready-to-show', () => window?.show());
    await window.loadFile(join(__dirname, '..', 'renderer', 'index.html'));
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!created) return;
    event.preventDefault();
    const closing = created;
    created = undefined;
    void closing.close().finally(() => app.quit());
  });
}
