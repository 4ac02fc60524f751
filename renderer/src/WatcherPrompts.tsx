import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { WatcherState } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';

/** The presence authorization state of a SIMPLE server, kept current from `watchers:changed`. */
export function useWatchers(api: DeskApi): WatcherState | undefined {
  const [state, setState] = useState<WatcherState | undefined>();
  useEffect(() => {
    let live = true;
    const off = api.on('watchers:changed', (s) => live && setState(s));
    api.invoke('watchers:get').then(
      (s) => live && setState((now) => now ?? s),
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return state;
}

/**
 * "<name> wants to see your status — Allow / Block" for each watcher the server holds as
 * pending (presence.winfo). The answer goes into the user's pres-rules on the server.
 */
export function WatcherPrompts({ api }: { api: DeskApi }) {
  const { t } = useTranslation('session');
  const state = useWatchers(api);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  if (!state?.available || state.pending.length === 0) return null;
  const decide = (uri: string, action: 'allow' | 'block') => {
    setBusy(uri);
    setError(undefined);
    api
      .invoke('watchers:decide', uri, action)
      .catch((e) => setError(errorText(e).message))
      .finally(() => setBusy(undefined));
  };
  return (
    <div className="watcher-prompts" data-testid="watcher-prompts">
      {state.pending.map((p) => (
        <div
          key={p.uri}
          className="banner info"
          role="alertdialog"
          aria-label={t('watchers.asks', { name: p.displayName })}
          data-testid="watcher-prompt"
          data-uri={p.uri}
        >
          <span>
            {/* The name and address are the elements' own children, never interpolated: a name is data and is shown as it is. */}
            <Trans
              t={t}
              i18nKey="watchers.wants"
              components={{ name: <strong>{p.displayName}</strong>, address: <span className="muted">({p.uri.replace(/^sip:/, '')})</span> }}
            />
          </span>
          <button data-testid="watcher-allow" disabled={busy === p.uri} onClick={() => decide(p.uri, 'allow')}>
            {t('watchers.allow')}
          </button>
          <button data-testid="watcher-block" disabled={busy === p.uri} onClick={() => decide(p.uri, 'block')}>
            {t('watchers.block')}
          </button>
        </div>
      ))}
      {error && (
        <div className="banner error" role="alert" data-testid="watcher-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** Words for the user about the contact list (an edit merged with another device's), until dismissed. */
export function ContactNotice({ api }: { api: DeskApi }) {
  const [notice, setNotice] = useState<string | undefined>();
  useEffect(() => api.on('contacts:notice', setNotice), [api]);
  if (!notice) return null;
  return (
    <div className="banner warning" role="status" data-testid="contacts-notice" onClick={() => setNotice(undefined)}>
      {notice}
    </div>
  );
}
