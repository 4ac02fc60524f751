/**
 * Paged conversations: opening a conversation shows its latest messages (those the snapshot
 * or live events brought, else the latest page from the history), and each scroll to the top
 * loads the page before the oldest message shown. Only what is shown crosses IPC, however
 * long the conversation.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import type { Action, DeskState } from './store';

export interface ConversationPages {
  /** Older messages are (or may be) stored before those shown. */
  hasOlder: boolean;
  loading: boolean;
  /** Why the last page could not be loaded, in words. */
  error?: string;
  /** Loads the page before the oldest message shown (the latest page when none is shown). */
  loadOlder: () => Promise<void>;
}

export function useConversationPages(api: DeskApi, peer: string, state: DeskState, dispatch: (action: Action) => void): ConversationPages {
  const messages = state.conversations[peer];
  // Unknown until a page says otherwise: a conversation with messages shown may have older ones.
  const hasOlder = state.older[peer] ?? true;
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const busy = useRef(false);
  const oldest = messages?.[0]?.id;
  const signedIn = state.loaded && (state.session.phase === 'signed-in' || state.session.phase === 'reconnecting');

  const loadOlder = useCallback(async () => {
    if (busy.current || !hasOlder || !signedIn) return;
    busy.current = true;
    setLoading(true);
    try {
      const page = await api.invoke('im:page', peer, oldest ? { before: oldest } : {});
      dispatch({ type: 'older', peer, page });
      setError(undefined);
    } catch (e) {
      setError(errorText(e).message);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, [api, peer, oldest, hasOlder, signedIn, dispatch]);

  // Nothing shown yet for this conversation: its latest page.
  const empty = !messages?.length;
  useEffect(() => {
    if (empty && state.older[peer] === undefined) void loadOlder();
  }, [empty, peer, state.older, loadOlder]);

  return { hasOlder, loading, loadOlder, ...(error ? { error } : {}) };
}
