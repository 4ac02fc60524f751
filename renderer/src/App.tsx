import { useCallback, useMemo, useRef, useState } from 'react';
import type { Contact } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { BuddyList } from './BuddyList';
import { Conversation } from './Conversation';
import { DialBox } from './DialBox';
import { OwnStatus } from './OwnStatus';
import { Recent } from './Recent';
import { SignIn } from './SignIn';
import { useDesk } from './store';
import { useIdle } from './use-idle';
import { useNotifications } from './use-notifications';

const PHASE_LABEL = { 'signed-out': 'Signed out', 'signing-in': 'Signing in…', 'signed-in': 'Online', reconnecting: 'Reconnecting…' } as const;

export function App({ api }: { api: DeskApi }) {
  const openPeerRef = useRef<string | undefined>(undefined);
  const [state, dispatch] = useDesk(api, openPeerRef);
  const [tabs, setTabs] = useState<string[]>([]);
  const [active, setActive] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [sideTab, setSideTab] = useState<'contacts' | 'recent'>('contacts');
  openPeerRef.current = active;
  useIdle(api, state.idleAwayMinutes, state.session.phase === 'signed-in');

  const contacts = useMemo(() => {
    const map = new Map<string, Contact>();
    for (const g of state.groups) for (const c of g.contacts) map.set(c.uri, c);
    return map;
  }, [state.groups]);

  const open = useCallback(
    (uri: string) => {
      setTabs((t) => (t.includes(uri) ? t : [...t, uri]));
      setActive(uri);
      dispatch({ type: 'read', peer: uri });
    },
    [dispatch],
  );
  useNotifications(api, state.unread, contacts, open);

  const close = (uri: string) => {
    setTabs((t) => t.filter((x) => x !== uri));
    if (active === uri) setActive(shownTabs.find((x) => x !== uri));
  };

  // Incoming messages from someone without an open tab get a tab (flagged as unread).
  const shownTabs = [...tabs, ...Object.keys(state.unread).filter((p) => state.unread[p] > 0 && !tabs.includes(p))];

  if (!state.loaded) return <p className="loading">Connecting to Presence Desk…</p>;
  const { session } = state;
  const signedIn = session.phase === 'signed-in' || session.phase === 'reconnecting';

  return (
    <div className="app">
      <header className="top-bar">
        <span className="brand">Presence Desk</span>
        <span className={`connection connection-${session.phase}`} data-testid="connection" data-phase={session.phase}>
          {PHASE_LABEL[session.phase]}
          {session.demo && ' · demo lab'}
        </span>
        {signedIn && (
          <button className="link" onClick={() => void api.invoke('session:sign-out')}>
            Sign out
          </button>
        )}
      </header>
      {state.hostLost && (
        <div className="banner error" role="alert">
          The connection to Presence Desk was lost. Reload this page when the app is running again.
        </div>
      )}
      {session.phase === 'reconnecting' && (
        <div className="banner warning" role="status" data-testid="reconnecting">
          {session.error?.message ?? 'Reconnecting…'} Messages you send now are queued.
        </div>
      )}
      {notice && (
        <div className="banner error" role="alert" onClick={() => setNotice(undefined)}>
          {notice}
        </div>
      )}
      {!signedIn ? (
        <SignIn api={api} session={session} defaults={state.signInDefaults} />
      ) : (
        <main className="workspace">
          <aside className="sidebar">
            <OwnStatus api={api} own={state.own} onError={setNotice} />
            <DialBox api={api} />
            <div className="side-tabs" role="tablist">
              <button role="tab" aria-selected={sideTab === 'contacts'} data-testid="tab-contacts" onClick={() => setSideTab('contacts')}>
                Contacts
              </button>
              <button role="tab" aria-selected={sideTab === 'recent'} data-testid="tab-recent" onClick={() => setSideTab('recent')}>
                Recent
              </button>
            </div>
            {sideTab === 'contacts' ? (
              <BuddyList groups={state.groups} presence={state.presence} unread={state.unread} onOpen={open} />
            ) : (
              <Recent api={api} />
            )}
          </aside>
          <section className="chat-area">
            {shownTabs.length > 0 && (
              <div className="tabs" role="tablist">
                {shownTabs.map((uri) => (
                  <div key={uri} className={`tab ${uri === active ? 'tab-active' : ''}`} role="tab" aria-selected={uri === active}>
                    <button className="tab-label" onClick={() => open(uri)}>
                      {contacts.get(uri)?.displayName ?? uri.replace(/^sip:/, '')}
                      {(state.unread[uri] ?? 0) > 0 && <span className="badge">{state.unread[uri]}</span>}
                    </button>
                    <button className="tab-close" aria-label="Close conversation" onClick={() => close(uri)}>
                      ×
                    </button>
                  </div>
                ))}
              </div>
            )}
            {active ? (
              <Conversation
                key={active}
                api={api}
                peer={active}
                contact={contacts.get(active)}
                presence={state.presence[active]}
                messages={state.conversations[active] ?? []}
                composing={state.composing[active] ?? false}
              />
            ) : (
              <p className="empty-chat">Choose a contact to start a conversation.</p>
            )}
          </section>
        </main>
      )}
    </div>
  );
}
