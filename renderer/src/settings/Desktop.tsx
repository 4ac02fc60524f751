import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DesktopPrefs, HostInfo } from '../../../shared/domain';
import { LANGUAGES, LANGUAGE_NAME, type LanguageChoice } from '../../../shared/languages';
import { errorText } from '../api';
import { chooseLanguage } from '../i18n';
import type { SectionProps } from '.';

/** The UI's language, start at login (the desktop app only) and the sound for incoming IMs. */
export function DesktopSection({ api, onError }: SectionProps) {
  const { t } = useTranslation(['settings', 'common']);
  const [prefs, setPrefs] = useState<DesktopPrefs | undefined>();
  const [info, setInfo] = useState<HostInfo | undefined>();
  useEffect(() => {
    api.invoke('desktop:prefs').then(setPrefs, (e) => onError(errorText(e).message));
    api.invoke('app:info').then(setInfo, () => undefined);
  }, [api, onError]);
  if (!prefs) return <p className="empty">{t('common:loading')}</p>;
  // Shown at once; the host's answer (or the previous value, on failure) follows.
  const change = (patch: Partial<DesktopPrefs>) => {
    const before = prefs;
    setPrefs({ ...prefs, ...patch });
    api.invoke('desktop:set-prefs', patch).then(setPrefs, (e) => {
      setPrefs(before);
      if (patch.language) void chooseLanguage(before.language);
      onError(errorText(e).message);
    });
  };
  const desktop = info?.host === 'electron';
  return (
    <div>
      <label className="settings-field">
        {t('desktop.language')}
        <select
          data-testid="pref-language"
          value={prefs.language ?? 'system'}
          onChange={(e) => {
            const language = e.target.value as LanguageChoice;
            void chooseLanguage(language);
            change({ language });
          }}
        >
          <option value="system">{t('desktop.systemLanguage')}</option>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAME[l]}
            </option>
          ))}
        </select>
      </label>
      <label className="settings-check">
        <input
          type="checkbox"
          data-testid="pref-auto-start"
          checked={prefs.autoStart}
          disabled={!desktop}
          onChange={(e) => change({ autoStart: e.target.checked })}
        />
        {desktop ? t('desktop.autoStart') : t('desktop.autoStartDesktopOnly')}
      </label>
      <label className="settings-check">
        <input type="checkbox" data-testid="pref-im-sound" checked={prefs.imSound} onChange={(e) => change({ imSound: e.target.checked })} />
        {t('desktop.imSound')}
      </label>
    </div>
  );
}
