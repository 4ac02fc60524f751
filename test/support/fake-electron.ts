/**
 * A stand-in for the `electron` module, so the real bundles (dist/electron/main.cjs and
 * preload.cjs) run in Node where no Electron binary can start. It keeps what the app did
 * (windows and their options, IPC handlers, the CSP listener, the tray and its menus, links
 * handed to the system browser, safeStorage calls…) and lets a test play the operating system:
 * emit 'ready', 'second-instance' or 'open-url', click a tray item, call an IPC handler as a
 * given frame would.
 *
 * Every call the app makes is logged in `calls`; `until()` waits for a condition to become true
 * and re-checks it after each logged call, so tests wait on what the app does, never on time.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileFunction } from 'node:vm';

export const ROOT = join(import.meta.dirname, '..', '..');
export const MAIN_BUNDLE = join(ROOT, 'dist', 'electron', 'main.cjs');
export const PRELOAD_BUNDLE = join(ROOT, 'dist', 'electron', 'preload.cjs');

export interface Call {
  what: string;
  args: unknown[];
}

/** An Electron-style event whose `preventDefault` is remembered. */
export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export interface MenuItem {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };
type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;
type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;

export interface FakeElectronOptions {
  /** Directory that `app.getPath` hands out (userData, home, downloads… below it). */
  profileDir: string;
  /** What `requestSingleInstanceLock` answers (default true: this is the first instance). */
  singleInstance?: boolean;
  isPackaged?: boolean;
  /** Whether `safeStorage` has an OS keychain (default true). */
  encryptionAvailable?: boolean;
  /** Path `dialog.showSaveDialog` answers with (undefined: the user cancels). */
  saveTo?: string;
}

let nextWebContentsId = 1;

export class FakeElectron {
  readonly calls: Call[] = [];
  private readonly changed = new EventEmitter();
  readonly windows: FakeBrowserWindow[] = [];
  readonly trays: FakeTray[] = [];
  readonly ipcHandlers = new Map<string, IpcHandler>();
  readonly ipcListeners = new Map<string, IpcHandler>();
  headersListener: HeadersListener | undefined;
  permissionRequestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheckHandler: ((wc: unknown, permission: string) => boolean) | undefined;
  /** Seconds `powerMonitor.getSystemIdleTime` answers. */
  systemIdleSeconds = 0;
  encryptionAvailable: boolean;
  saveTo: string | undefined;
  readonly app: FakeApp;
  /** The object `require('electron')` returns in the main process. */
  readonly module: Record<string, unknown>;

  constructor(readonly options: FakeElectronOptions) {
    this.encryptionAvailable = options.encryptionAvailable ?? true;
    this.saveTo = options.saveTo;
    this.app = new FakeApp(this);
    // The window class below is built per fake and must reach it from its own constructor.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    const BrowserWindow = class extends FakeBrowserWindow {
      constructor(windowOptions: Record<string, unknown>) {
        super(fake, windowOptions);
      }
      static getAllWindows(): FakeBrowserWindow[] {
        return fake.windows.filter((w) => !w.destroyed);
      }
      static fromWebContents(contents: unknown): FakeBrowserWindow | null {
        return fake.windows.find((w) => w.webContents === contents) ?? null;
      }
    };
    this.module = {
      app: this.app,
      BrowserWindow,
      ipcMain: {
        handle: (channel: string, handler: IpcHandler) => {
          // Electron refuses a second handler for a channel; so does the fake.
          if (this.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
          this.ipcHandlers.set(channel, handler);
          this.record('ipcMain.handle', channel);
        },
        removeHandler: (channel: string) => this.ipcHandlers.delete(channel),
        on: (channel: string, listener: IpcHandler) => {
          this.ipcListeners.set(channel, listener);
          this.record('ipcMain.on', channel);
        },
      },
      session: {
        defaultSession: {
          webRequest: {
            onHeadersReceived: (listener: HeadersListener) => {
              this.headersListener = listener;
              this.record('webRequest.onHeadersReceived');
            },
          },
          setPermissionRequestHandler: (handler: FakeElectron['permissionRequestHandler']) => {
            this.permissionRequestHandler = handler;
            this.record('session.setPermissionRequestHandler');
          },
          setPermissionCheckHandler: (handler: FakeElectron['permissionCheckHandler']) => {
            this.permissionCheckHandler = handler;
            this.record('session.setPermissionCheckHandler');
          },
        },
      },
      protocol: {
        registerSchemesAsPrivileged: (schemes: unknown) => this.record('protocol.registerSchemesAsPrivileged', schemes),
        handle: (scheme: string) => this.record('protocol.handle', scheme),
      },
      Tray: class extends FakeTray {
        constructor(image: unknown) {
          super(fake, image);
        }
      },
      Menu: {
        buildFromTemplate: (template: MenuItem[]) => {
          this.record('Menu.buildFromTemplate', template);
          return { items: template, popup: () => this.record('Menu.popup', template) };
        },
        setApplicationMenu: (menu: unknown) => this.record('Menu.setApplicationMenu', menu),
      },
      nativeImage: {
        createFromBuffer: (buffer: Buffer, imageOptions?: unknown) => ({ buffer, options: imageOptions, isEmpty: () => buffer.length === 0 }),
        createEmpty: () => ({ buffer: Buffer.alloc(0), isEmpty: () => true }),
      },
      safeStorage: {
        isEncryptionAvailable: () => {
          this.record('safeStorage.isEncryptionAvailable');
          return this.encryptionAvailable;
        },
        // Chromium's fixed-key fallback when Linux has no keyring.
        getSelectedStorageBackend: () => (this.encryptionAvailable ? 'gnome_libsecret' : 'basic_text'),
        encryptString: (plain: string) => {
          this.record('safeStorage.encryptString');
          if (!this.encryptionAvailable) throw new Error('Encryption is not available.');
          return Buffer.from(`sealed:${Buffer.from(plain, 'utf8').toString('hex')}`, 'utf8');
        },
        decryptString: (sealed: Buffer) => {
          this.record('safeStorage.decryptString');
          const text = sealed.toString('utf8');
          if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
          return Buffer.from(text.slice('sealed:'.length), 'hex').toString('utf8');
        },
      },
      powerMonitor: Object.assign(new EventEmitter(), {
        getSystemIdleTime: () => {
          this.record('powerMonitor.getSystemIdleTime');
          return this.systemIdleSeconds;
        },
      }),
      shell: {
        openExternal: async (url: string) => {
          this.record('shell.openExternal', url);
        },
        openPath: async (path: string) => {
          this.record('shell.openPath', path);
          return '';
        },
      },
      dialog: {
        showSaveDialog: async (...args: unknown[]) => {
          this.record('dialog.showSaveDialog', ...args);
          return this.saveTo ? { canceled: false, filePath: this.saveTo } : { canceled: true, filePath: undefined };
        },
        showErrorBox: (title: string, content: string) => this.record('dialog.showErrorBox', title, content),
      },
      screen: {
        getPrimaryDisplay: () => PRIMARY_DISPLAY,
        getAllDisplays: () => [PRIMARY_DISPLAY],
      },
    };
  }

  record(what: string, ...args: unknown[]): void {
    this.calls.push({ what, args });
    this.changed.emit('change');
  }

  /** The logged calls named `what`. */
  callsOf(what: string): Call[] {
    return this.calls.filter((c) => c.what === what);
  }

  /** Resolves with `check()`'s first truthy value, re-checked after every call the app makes. */
  until<T>(check: () => T | undefined | false | null, what: string, ms = 20_000): Promise<T> {
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const onChange = () => {
        const value = check();
        if (!value) return;
        clearTimeout(timer);
        this.changed.off('change', onChange);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.changed.off('change', onChange);
        reject(
          new Error(
            `timed out waiting for ${what} (${ms} ms); last calls: ${this.calls
              .slice(-5)
              .map((c) => c.what)
              .join(', ')}`,
          ),
        );
      }, ms);
      this.changed.on('change', onChange);
    });
  }

  /**
   * Calls the IPC handler of `channel` as a frame at `frameUrl` in `window` would
   * (`ipcRenderer.invoke` from the preload), returning the handler's reply envelope.
   */
  async invoke(
    channel: string,
    args: unknown[] = [],
    { window = this.windows[0], frameUrl = window?.loadedUrl }: { window?: FakeBrowserWindow; frameUrl?: string | null } = {},
  ): Promise<unknown> {
    const handler = this.ipcHandlers.get(channel);
    if (!handler) throw new Error(`no IPC handler for ${channel}`);
    const event = { sender: window?.webContents, senderFrame: frameUrl === null ? null : { url: frameUrl } };
    return handler(event, ...args);
  }

  /** Like `invoke`, from the app's own page, unwrapping `{ ok, value }` (throws the error otherwise). */
  async request<T = unknown>(channel: string, ...args: unknown[]): Promise<T> {
    const reply = (await this.invoke(channel, args)) as { ok: boolean; value?: T; error?: { message: string } };
    if (!reply.ok) throw new Error(`${channel}: ${reply.error?.message}`);
    return reply.value as T;
  }

  /** Everything sent to the renderer of `window` on `channel`, oldest first. */
  sent(window: FakeBrowserWindow, channel: string): unknown[] {
    return window.webContents.sentMessages.filter((m) => m.channel === channel).map((m) => m.payload);
  }
}

const PRIMARY_DISPLAY = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, scaleFactor: 1 };

export class FakeApp extends EventEmitter {
  isPackaged: boolean;
  private readyResolve!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.readyResolve = resolve));
  private ready = false;
  quitRequests = 0;
  /** True once the app really ended (a 'before-quit' that nobody prevented). */
  quitted = false;

  constructor(private readonly fake: FakeElectron) {
    super();
    this.isPackaged = fake.options.isPackaged ?? false;
  }

  requestSingleInstanceLock(): boolean {
    this.fake.record('app.requestSingleInstanceLock');
    return this.fake.options.singleInstance ?? true;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  isReady(): boolean {
    return this.ready;
  }

  /** The test's part: Electron finished starting. */
  emitReady(): void {
    this.ready = true;
    this.emit('ready', fakeEvent(), {});
    this.readyResolve();
    this.fake.record('app:ready');
  }

  getPath(name: string): string {
    const dirs: Record<string, string> = { userData: 'userData', home: 'home', downloads: 'downloads', temp: 'temp', appData: 'appData', logs: 'logs' };
    if (!dirs[name]) throw new Error(`Failed to get '${name}' path`);
    return join(this.fake.options.profileDir, dirs[name]);
  }

  getVersion(): string {
    return '0.1.0';
  }

  getName(): string {
    return 'Presence Desk';
  }

  setAsDefaultProtocolClient(scheme: string): boolean {
    this.fake.record('app.setAsDefaultProtocolClient', scheme);
    return true;
  }

  setLoginItemSettings(settings: unknown): void {
    this.fake.record('app.setLoginItemSettings', settings);
  }

  /** Electron's order: 'before-quit' (which a listener may prevent), then the app ends. */
  quit(): void {
    this.quitRequests += 1;
    this.fake.record('app.quit');
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    for (const window of this.fake.windows) if (!window.destroyed) window.destroy();
    this.quitted = true;
    this.emit('will-quit', fakeEvent());
    this.emit('quit', fakeEvent(), 0);
    this.fake.record('app:quitted');
  }

  // EventEmitter's own signature: listeners of app events take any arguments.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    this.fake.record('app.on', event);
    return super.on(event, listener);
  }
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  windowOpenHandler: WindowOpenHandler | undefined;
  readonly sentMessages: { channel: string; payload: unknown }[] = [];

  constructor(private readonly fake: FakeElectron) {
    super();
  }

  /** The spell checker's dictionary additions (`session.addWordToSpellCheckerDictionary`). */
  readonly session = { addWordToSpellCheckerDictionary: (word: string) => (this.fake.record('session.addWordToSpellCheckerDictionary', word), true) };

  replaceMisspelling(word: string): void {
    this.fake.record('webContents.replaceMisspelling', this.id, word);
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
    this.fake.record('webContents.setWindowOpenHandler', this.id);
  }

  send(channel: string, payload: unknown): void {
    this.sentMessages.push({ channel, payload });
    this.fake.record('webContents.send', this.id, channel, payload);
  }

  /** Emits a navigation event as Electron does and says whether the app prevented it. */
  navigate(kind: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    const event = fakeEvent();
    this.emit(kind, event, url);
    return event.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents: FakeWebContents;
  readonly options: Record<string, unknown>;
  loadedUrl: string | undefined;
  loads: { file?: string; url?: string; options?: unknown }[] = [];
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  private bounds: { x: number; y: number; width: number; height: number };

  constructor(
    private readonly fake: FakeElectron,
    options: Record<string, unknown>,
  ) {
    super();
    this.options = options;
    const n = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);
    this.bounds = { x: n(options.x, 0), y: n(options.y, 0), width: n(options.width, 800), height: n(options.height, 600) };
    this.visible = options.show !== false;
    fake.windows.push(this);
    this.webContents = new FakeWebContents(fake);
    fake.record('new BrowserWindow', options);
    // Electron announces every new web contents before the window is returned.
    fake.app.emit('web-contents-created', fakeEvent(), this.webContents);
  }

  async loadFile(file: string, options?: { query?: Record<string, string>; hash?: string }): Promise<void> {
    this.loads.push({ file, options });
    this.fake.record('BrowserWindow.loadFile', file, options);
    // As Electron: a missing file fails the load (ERR_FILE_NOT_FOUND).
    if (!existsSync(file)) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${file}'`);
    const query = options?.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    this.loadedUrl = `${pathToFileURL(file).href}${query}`;
    await Promise.resolve();
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
  }

  async loadURL(url: string): Promise<void> {
    this.loads.push({ url });
    this.fake.record('BrowserWindow.loadURL', url);
    this.loadedUrl = url;
    await Promise.resolve();
    this.emit('ready-to-show');
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
    this.fake.record('BrowserWindow.show', this.webContents.id);
    this.emit('show');
  }

  hide(): void {
    this.visible = false;
    this.fake.record('BrowserWindow.hide', this.webContents.id);
    this.emit('hide');
  }

  focus(): void {
    this.focused = true;
    this.fake.record('BrowserWindow.focus', this.webContents.id);
  }

  minimize(): void {
    this.minimized = true;
  }

  restore(): void {
    this.minimized = false;
    this.fake.record('BrowserWindow.restore', this.webContents.id);
  }

  maximize(): void {
    this.maximized = true;
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isMaximized(): boolean {
    return this.maximized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  getBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }

  setBounds(bounds: Partial<{ x: number; y: number; width: number; height: number }>): void {
    this.bounds = { ...this.bounds, ...bounds };
    this.emit('resize');
  }

  /** The user closes the window: 'close' (which the app may prevent), then 'closed'. */
  close(): void {
    const event = fakeEvent();
    this.emit('close', event);
    this.fake.record('BrowserWindow.close', this.webContents.id, event.defaultPrevented);
    if (!event.defaultPrevented) this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
    this.fake.record('BrowserWindow.closed', this.webContents.id);
  }
}

export class FakeTray extends EventEmitter {
  image: unknown;
  tooltip = '';
  menu: { items: MenuItem[] } | undefined;
  destroyed = false;

  constructor(
    private readonly fake: FakeElectron,
    image: unknown,
  ) {
    super();
    this.image = image;
    fake.trays.push(this);
    fake.record('new Tray');
  }

  setImage(image: unknown): void {
    this.image = image;
  }

  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
    this.fake.record('Tray.setToolTip', tooltip);
  }

  setContextMenu(menu: { items: MenuItem[] }): void {
    this.menu = menu;
    this.fake.record('Tray.setContextMenu', menu);
  }

  destroy(): void {
    this.destroyed = true;
    this.fake.record('Tray.destroy');
  }
}

const SANDBOX_MODULES = new Set(['events', 'timers', 'url']);

export interface RunOptions {
  /** The app's own arguments (after the executable, and after the app path when not packaged). */
  args?: string[];
  platform?: NodeJS.Platform;
  /** Variables set (or, with undefined, removed) for the app, e.g. PRESENCE_DESK_DEMO_LAB as `npm start` sets it. */
  env?: Record<string, string | undefined>;
}

/**
 * Runs a CommonJS bundle as Node's loader would (same wrapper, its own `require`), with
 * `electron` resolved to `electronModule` and a `process` whose argv, type and platform are
 * those of an Electron process. Returns the bundle's `module.exports`.
 */
export function runBundle(
  file: string,
  electronModule: Record<string, unknown>,
  processOverrides: { argv: string[]; platform?: NodeJS.Platform; env?: Record<string, string | undefined>; type: 'browser' | 'renderer' },
): unknown {
  const source = readFileSync(file, 'utf8');
  const wrapper = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname', 'process'], { filename: file });
  const realRequire = createRequire(file);
  const load = (id: string) => {
    if (id === 'electron') return electronModule;
    // A sandboxed preload gets only these few modules from Electron; anything else must be bundled.
    if (processOverrides.type === 'renderer' && !SANDBOX_MODULES.has(id)) throw new Error(`module not found in a sandboxed preload: ${id}`);
    return realRequire(id);
  };
  const scopedRequire = Object.assign(load, { resolve: realRequire.resolve, cache: realRequire.cache });
  const env = processOverrides.env ? { ...process.env, ...processOverrides.env } : process.env;
  const overrides: Record<string | symbol, unknown> = {
    argv: processOverrides.argv,
    type: processOverrides.type,
    platform: processOverrides.platform ?? process.platform,
    env,
  };
  // Everything else is the real process (timers, nextTick, events, exit hooks).
  const electronProcess = new Proxy(process, {
    get: (target, key) => (key in overrides ? overrides[key] : Reflect.get(target, key, target)),
  });
  const module = { exports: {} as unknown };
  wrapper(module.exports, scopedRequire, module, file, dirname(file), electronProcess);
  return module.exports;
}

/** Starts the main process bundle with this fake Electron, as `electron . <args>` would. */
export function runMain(fake: FakeElectron, { args = [], platform, env }: RunOptions = {}): void {
  const argv = fake.app.isPackaged
    ? ['/opt/Presence Desk/presence-desk', ...args]
    : [join(ROOT, 'node_modules', 'electron', 'dist', 'electron'), ROOT, ...args];
  runBundle(MAIN_BUNDLE, fake.module, { argv, platform, env, type: 'browser' });
}

/** The sandboxed renderer side: what the preload may use, and what it exposes to the page. */
export class FakeRendererElectron {
  readonly exposed = new Map<string, unknown>();
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  /** What the main process answers to `ipcRenderer.invoke` (an `{ ok, value | error }` envelope). */
  reply: (channel: string, args: unknown[]) => unknown = () => ({ ok: true, value: undefined });
  readonly ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: async (channel: string, ...args: unknown[]) => {
      this.invoked.push({ channel, args });
      return this.reply(channel, args);
    },
    send: (channel: string) => {
      throw new Error(`the preload must not use ipcRenderer.send (${channel})`);
    },
    sendSync: (channel: string) => {
      throw new Error(`the preload must not use ipcRenderer.sendSync (${channel})`);
    },
  });
  readonly module = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        if (this.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
        this.exposed.set(key, api);
      },
    },
    ipcRenderer: this.ipcRenderer,
  };

  /** The main process sends `payload` on `channel` (webContents.send). */
  deliver(channel: string, payload: unknown): void {
    this.ipcRenderer.emit(channel, { sender: this.ipcRenderer }, payload);
  }
}

/** Runs the preload bundle in a sandboxed renderer with this fake `contextBridge`/`ipcRenderer`. */
export function runPreload(renderer: FakeRendererElectron): void {
  runBundle(PRELOAD_BUNDLE, renderer.module, { argv: [], type: 'renderer' });
}
