import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { WATCHER_ACTIONS, type WatcherAction, type WatcherState } from '../../../shared/domain';
import type { DeskApi } from '../../../shared/ipc';
import { errorText } from '../api';
import { watcherActionLabel } from './labels';

/**
 * Who may see my presence on a SIMPLE server: the pres-rules (RFC 5025) per address or
 * domain. Each change is written to the server and the list shown is what it then holds.
 */
export function PresenceRules({ api, state }: { api: DeskApi; state: WatcherState }) {
  const { t } = useTranslation(['settings', 'common']);
  const [who, setWho] = useState('');
  const [action, setAction] = useState<WatcherAction>('allow');
  const [error, setError] = useState<string | undefined>();
  const decide = (target: string, next: WatcherAction | 'forget') => {
    setError(undefined);
    return api.invoke('watchers:decide', target, next).catch((e) => {
      setError(errorText(e).message);
      throw e;
    });
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void decide(who, action).then(
      () => setWho(''),
      () => undefined,
    );
  };
  return (
    <section data-testid="presence-rules">
      <p>{t('presenceRules.intro')}</p>
      <ul className="rule-list">
        {state.rules.map((r) => (
          <li key={r.who} data-testid="presence-rule" data-who={r.who} data-action={r.action}>
            <span>{r.who.replace(/^sip:/, '')}</span>
            <select
              value={r.action}
              aria-label={t('presenceRules.ruleAction', { who: r.who })}
              onChange={(e) => void decide(r.who, e.target.value as WatcherAction).catch(() => undefined)}
            >
              {WATCHER_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {watcherActionLabel(a)}
                </option>
              ))}
            </select>
            <button className="link" onClick={() => void decide(r.who, 'forget').catch(() => undefined)}>
              {t('common:remove')}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="rule-add">
        <input
          value={who}
          onChange={(e) => setWho(e.target.value)}
          placeholder={t('presenceRules.addressPlaceholder')}
          aria-label={t('presenceRules.address')}
          required
        />
        <select value={action} onChange={(e) => setAction(e.target.value as WatcherAction)} aria-label={t('presenceRules.newAction')}>
          {WATCHER_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {watcherActionLabel(a)}
            </option>
          ))}
        </select>
        <button type="submit">{t('common:add')}</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
