import { useEffect, useState } from 'react';
import type { DeskApi } from '../../shared/ipc';

const ACTIVITY = ['mousemove', 'mousedown', 'keydown', 'wheel', 'touchstart', 'focus'] as const;

/**
 * Tells the host when the user has been inactive for `minutes` and when they are back; the
 * session decides what that means for the status. Activity in this page is only a stand-in:
 * where the host reads the system's idle time (Electron's powerMonitor, `HostInfo.systemIdle`)
 * it decides by itself, and this hook does nothing.
 */
export function useIdle(api: DeskApi, minutes: number, active: boolean): void {
  const [systemIdle, setSystemIdle] = useState<boolean | undefined>();
  useEffect(() => {
    api.invoke('app:info').then(
      (info) => setSystemIdle(info.systemIdle === true),
      () => setSystemIdle(false),
    );
  }, [api]);
  useEffect(() => {
    if (!active || minutes <= 0 || systemIdle !== false) return;
    let last = Date.now();
    let idle = false;
    const activity = () => {
      last = Date.now();
      if (idle) {
        idle = false;
        void api.invoke('presence:idle', false).catch(() => undefined);
      }
    };
    const check = setInterval(() => {
      if (!idle && Date.now() - last >= minutes * 60_000) {
        idle = true;
        void api.invoke('presence:idle', true).catch(() => undefined);
      }
    }, 15_000);
    for (const e of ACTIVITY) window.addEventListener(e, activity, { passive: true });
    return () => {
      clearInterval(check);
      for (const e of ACTIVITY) window.removeEventListener(e, activity);
    };
  }, [api, minutes, active, systemIdle]);
}
