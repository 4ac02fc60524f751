import { useCallback, useEffect, useState } from 'react';
import type { DeskApi } from '../../shared/ipc';

/**
 * Conversations the user muted (kept in settings, `mutedConversations`): the set, and a toggle
 * that saves it. A muted conversation makes no sound, raises no notification and shows no
 * unread count; its messages still arrive and are kept as always.
 */
export function useMuted(api: DeskApi): { muted: ReadonlySet<string>; toggle: (peer: string) => void } {
  const [muted, setMuted] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    api.invoke('desktop:prefs').then(
      (prefs) => setMuted(new Set(prefs.mutedConversations ?? [])),
      () => undefined,
    );
  }, [api]);
  const toggle = useCallback(
    (peer: string) =>
      setMuted((current) => {
        const next = new Set(current);
        if (!next.delete(peer)) next.add(peer);
        void api.invoke('desktop:set-prefs', { mutedConversations: [...next] }).catch(() => undefined);
        return next;
      }),
    [api],
  );
  return { muted, toggle };
}
