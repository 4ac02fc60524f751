import { useEffect, useState } from 'react';
import type { DesktopPrefs, HostInfo } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';

/** Start at login (the desktop app only) and the sound for incoming IMs. */
export function DesktopSection({ api, onError }: SectionProps) {
  const [prefs, setPrefs] = useState<DesktopPrefs | undefined>();
  const [info, setInfo] = useState<HostInfo | undefined>();
  useEffect(() => {
    api.invoke('desktop:prefs').then(setPrefs, (e) => onError(errorText(e).message));
    api.invoke('app:info').then(setInfo, () => undefined);
  }, [api, onError]);
  if (!prefs) return <p className="empty">Loading…</p>;
  // Shown at once; the host's answer (or the previous value, on failure) follows.
  const change = (patch: Partial<DesktopPrefs>) => {
    const before = prefs;
    setPrefs({ ...prefs, ...patch });
    api.invoke('desktop:set-prefs', patch).then(setPrefs, (e) => {
      setPrefs(before);
      onError(errorText(e).message);
    });
  };
  const desktop = info?.host === 'electron';
  return (
    <div>
      <label className="settings-check">
        <input
          type="checkbox"
          data-testid="pref-auto-start"
          checked={prefs.autoStart}
          disabled={!desktop}
          onChange={(e) => change({ autoStart: e.target.checked })}
        />
        Start Presence Desk when I log in to this computer{desktop ? '' : ' (desktop app only)'}
      </label>
      <label className="settings-check">
        <input type="checkbox" data-testid="pref-im-sound" checked={prefs.imSound} onChange={(e) => change({ imSound: e.target.checked })} />
        Play a sound when a message arrives while Presence Desk is in the background
      </label>
    </div>
  );
}
