/**
 * The session's own IPC slice: what the app is, Diagnostics (the protocol trace), desktop
 * preferences and certificate trust. None of these needs a connection.
 */
import type { DesktopPrefs, ExportedFile, HostInfo, SessionState, TraceSummary } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import { LANGUAGE_CHOICES } from '../../shared/languages';
import type { TraceRecorder } from '../diagnostics';
import { DeskError } from '../errors';
import type { SettingsCertificateTrust } from '../store/certificate-trust';
import type { SettingsStore } from '../store/settings';

export type AppChannel =
  | 'app:info'
  | 'diagnostics:list'
  | 'diagnostics:get'
  | 'diagnostics:export'
  | 'diagnostics:follow'
  | 'desktop:prefs'
  | 'desktop:set-prefs'
  | 'window:open-conversation'
  | 'tls:trust';

export interface AppHandlerDeps {
  info: HostInfo;
  settings: SettingsStore;
  trace: TraceRecorder;
  trust: SettingsCertificateTrust;
  state: () => SessionState;
  /** Sends one live trace entry to the views that follow the trace. */
  entry: (summary: TraceSummary) => void;
  /** Tells every window the preferences just saved (a language or mute chosen in one applies in all). */
  prefsChanged: (prefs: DesktopPrefs) => void;
}

export function appHandlers(deps: AppHandlerDeps): Pick<InvokeHandlers, AppChannel> {
  const { settings, trace } = deps;
  // Views following the trace live; entries are summarised for them only while there is one.
  let followers = 0;
  let unfollow: (() => void) | undefined;
  const desktopPrefs = (): DesktopPrefs => {
    const { autoStart, imSound, mutedConversations, language } = settings.get();
    return { autoStart, imSound, mutedConversations, language };
  };
  const exportTrace = (filter?: Parameters<TraceRecorder['list']>[0]): ExportedFile => {
    const { user, server } = deps.state();
    const text = trace.exportText(filter ?? {}, { version: deps.info.version, account: user && server ? `${user} on ${server}` : undefined });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    return { fileName: `presence-desk-trace-${stamp}.txt`, mimeType: 'text/plain', text };
  };
  return {
    'app:info': () => deps.info,
    'diagnostics:list': (filter) => trace.list(filter),
    'diagnostics:get': (id) => {
      const entry = trace.get(Number(id));
      if (!entry) throw new DeskError('invalid-input', 'That message is no longer kept (the trace keeps the most recent ones).');
      return entry;
    },
    'diagnostics:export': (filter) => exportTrace(filter),
    'diagnostics:follow': (on) => {
      followers = Math.max(0, followers + (on === true ? 1 : -1));
      if (followers > 0) unfollow ??= trace.onEntry(deps.entry);
      else {
        unfollow?.();
        unfollow = undefined;
      }
      return null;
    },
    'desktop:prefs': () => desktopPrefs(),
    'desktop:set-prefs': (prefs) => {
      const patch: Partial<DesktopPrefs> = {};
      if (typeof prefs?.autoStart === 'boolean') patch.autoStart = prefs.autoStart;
      if (typeof prefs?.imSound === 'boolean') patch.imSound = prefs.imSound;
      if ((LANGUAGE_CHOICES as readonly unknown[]).includes(prefs?.language)) patch.language = prefs.language;
      if (Array.isArray(prefs?.mutedConversations)) patch.mutedConversations = [...new Set(prefs.mutedConversations.filter((p) => typeof p === 'string'))];
      settings.update(patch);
      const saved = desktopPrefs();
      deps.prefsChanged(saved);
      return saved;
    },
    // Windows belong to the host: Electron main answers this itself.
    'window:open-conversation': () => false,
    'tls:trust': (hostPort, fingerprint) => deps.trust.trust(hostPort, fingerprint),
  };
}
