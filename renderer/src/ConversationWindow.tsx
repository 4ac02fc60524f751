/**
 * A conversation in its own window (`?conversation=<uri>`): the same store and contract as the
 * main window, showing one conversation only. Electron opens it as a separate BrowserWindow;
 * in the browser host it is just another tab with the same token.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeskApi } from '../../shared/ipc';
import { chatAddress } from '../../shared/open-url';
import { PagedConversation } from './PagedConversation';
import { useDesk } from './store';
import { peerName } from './peer-name';

export function ConversationWindow({ api, peer }: { api: DeskApi; peer: string }) {
  const { t } = useTranslation(['chat', 'common']);
  const openPeerRef = useRef<string | undefined>(peer);
  const [state, dispatch] = useDesk(api, openPeerRef);
  const contact = useMemo(() => state.groups.flatMap((g) => g.contacts).find((c) => c.uri === peer), [state.groups, peer]);
  const title = t('window.title', { name: peerName(contact, peer), app: t('common:appName') });
  // The title is in the UI's language: a language change makes a new title, and sets it.
  useEffect(() => {
    document.title = title;
  }, [title]);
  if (!state.loaded) return <p className="loading">{t('window.connecting', { app: t('common:appName') })}</p>;
  if (state.session.phase !== 'signed-in' && state.session.phase !== 'reconnecting') return <p className="empty-chat">{t('window.signIn')}</p>;
  return (
    <div className="app conversation-window" data-testid="conversation-window">
      <PagedConversation api={api} peer={peer} state={state} dispatch={dispatch} contact={contact} />
    </div>
  );
}

/** The peer a `?conversation=` window shows, if this is one (only SIP addresses are accepted). */
export function conversationParam(search: string): string | undefined {
  const value = new URLSearchParams(search).get('conversation');
  return value ? chatAddress(value) : undefined;
}
