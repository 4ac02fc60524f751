import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerPreference } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';

/**
 * The per-user preferences the server keeps (get/set-user-config): shared by every client
 * the user signs in with. Public ones may be shown to others (e.g. the primary number).
 */
export function ServerPreferencesSection({ api }: SectionProps) {
  const { t } = useTranslation(['settings', 'common']);
  const [prefs, setPrefs] = useState<ServerPreference[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [draft, setDraft] = useState<ServerPreference>({ name: '', value: '', isPublic: false });
  useEffect(() => {
    api
      .invoke('preferences:get')
      .then(setPrefs)
      .catch((e) => setError(errorText(e).message));
  }, [api]);

  const save = (pref: ServerPreference) => {
    const before = prefs ?? [];
    setError(undefined);
    setPrefs([...before.filter((p) => p.name !== pref.name), pref]);
    api
      .invoke('preferences:set', pref)
      .then(setPrefs)
      .catch((e) => {
        setPrefs(before);
        setError(errorText(e).message);
      });
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.name.trim()) return;
    save({ ...draft, name: draft.name.trim() });
    setDraft({ name: '', value: '', isPublic: false });
  };

  return (
    <div data-testid="server-preferences">
      {error && (
        <p className="error" role="alert" data-testid="preferences-error">
          {error}
        </p>
      )}
      {prefs === undefined && !error && <p className="empty">{t('serverPreferences.reading')}</p>}
      {prefs && (
        <table className="settings-table">
          <thead>
            <tr>
              <th>{t('serverPreferences.name')}</th>
              <th>{t('serverPreferences.value')}</th>
              <th>{t('serverPreferences.public')}</th>
            </tr>
          </thead>
          <tbody>
            {prefs.map((p) => (
              <tr key={p.name} data-testid="preference" data-name={p.name}>
                <td>{p.name}</td>
                <td>
                  <input
                    aria-label={t('serverPreferences.valueOf', { name: p.name })}
                    defaultValue={p.value}
                    maxLength={1024}
                    onBlur={(e) => e.target.value !== p.value && save({ ...p, value: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('serverPreferences.isPublic', { name: p.name })}
                    checked={p.isPublic}
                    onChange={(e) => save({ ...p, isPublic: e.target.checked })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="privacy-add" onSubmit={add}>
        <input
          aria-label={t('serverPreferences.newName')}
          placeholder={t('serverPreferences.namePlaceholder')}
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
        <input
          aria-label={t('serverPreferences.newValue')}
          placeholder={t('serverPreferences.value')}
          value={draft.value}
          onChange={(e) => setDraft({ ...draft, value: e.target.value })}
        />
        <label className="settings-check">
          <input type="checkbox" checked={draft.isPublic} onChange={(e) => setDraft({ ...draft, isPublic: e.target.checked })} />
          {t('serverPreferences.publicCheck')}
        </label>
        <button type="submit">{t('common:save')}</button>
      </form>
    </div>
  );
}
