import { useEffect } from 'react';
import type { DeskApi } from '../../shared/ipc';

/**
 * The optional sound for an incoming IM while the window is not focused (Settings → Desktop).
 * A short two-tone chime synthesised with Web Audio: no audio file to ship, nothing for the
 * CSP to allow. The preference is read when a message arrives, so a change applies at once.
 */
export function useImSound(api: DeskApi): void {
  useEffect(() => {
    let context: AudioContext | undefined;
    return api.on('im:message', (m) => {
      if (m.direction !== 'in' || m.state !== 'received' || document.hasFocus()) return;
      void api
        .invoke('desktop:prefs')
        .then((prefs) => {
          if (!prefs.imSound || prefs.mutedConversations?.includes(m.peer) || typeof AudioContext === 'undefined') return;
          context ??= new AudioContext();
          chime(context);
        })
        .catch(() => undefined);
    });
  }, [api]);
}

function chime(ctx: AudioContext): void {
  const start = ctx.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + i * 0.12);
    gain.gain.exponentialRampToValueAtTime(0.2, start + i * 0.12 + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.12 + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + i * 0.12);
    osc.stop(start + i * 0.12 + 0.3);
  }
}
