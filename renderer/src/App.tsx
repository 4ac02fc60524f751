import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError, Contact } from '../../shared/domain';
import { isOnThePhone } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { BuddyList, type ListEditing } from './BuddyList';
import { Dialog, type DialogRequest } from './Dialog';
import { errorText } from './api';
import { PagedConversation } from './PagedConversation';
import { PhoneStatusLine } from './PhoneStatusLine';
import { DialBox } from './DialBox';
import { OwnStatus } from './OwnStatus';
import { Recent } from './Recent';
import { Settings } from './settings';
import { SignIn } from './SignIn';
import { useDesk } from './store';
import { useIdle } from './use-idle';
import { useCallNotifications, useNotifications } from './use-notifications';
import { callerName } from './number-owner';
import { Diagnostics } from './diagnostics/Diagnostics';
import { HistorySearch } from './history/HistorySearch';
import { useImSound } from './use-im-sound';
import { AddContactDialog } from './AddContactDialog';
import { ContactCard } from './ContactCard';
import { DirectoryStatusLine } from './DirectoryStatusLine';
import { useCallRequests } from './use-open-requests';
import { useCall } from './use-call';
import { peerName } from './peer-name';
import { useMuted } from './use-muted';
import { ContactNotice, WatcherPrompts } from './WatcherPrompts';
import { ErrorHeadline } from './ErrorHeadline';
import { formatNumber, i18n } from './i18n';
import { withoutListEdits } from './list-editing';
import { offers } from '../../shared/capabilities';

/**
 * A line in the error banner: an error from the core (its code gives the translated headline,
 * its message stays in the server's words), or words a view composed itself (no code).
 */
type Notice = Pick<AppError, 'message'> & Partial<Pick<AppError, 'code'>>;

/** Marks, not words: the same in every language (the buttons they sit on have translated names). */
const CLOSE_MARK = '×';
const MUTED_MARK = '🔕';

export function App({ api }: { api: DeskApi }) {
  const { t } = useTranslation(['session', 'common']);
  const openPeerRef = useRef<string | undefined>(undefined);
  const [state, dispatch] = useDesk(api, openPeerRef);
  const [tabs, setTabs] = useState<string[]>([]);
  const [active, setActive] = useState<string | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();
  // Settings reports in its own words, without a code.
  const showMessage = useCallback((message: string) => setNotice({ message }), []);
  const [sideTab, setSideTab] = useState<'contacts' | 'recent' | 'history'>('contacts');
  const [diagnosticsOpen, setDiagnosticsOpen] = useState(false);
  const [dialog, setDialog] = useState<DialogRequest | undefined>();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [card, setCard] = useState<string | undefined>();
  const [addTo, setAddTo] = useState<string | undefined>();
  const callRequest = useCallRequests(api);
  // Calls from a contact's menu: the menu closes on click, so the outcome is shown here.
  const { call: menuCall, outcome: menuCallOutcome, clear: clearMenuCall } = useCall(api);
  // "Calling … on your phone…" is news only for a moment (the dial box shows the call itself).
  useEffect(() => {
    if (!menuCallOutcome?.ok) return;
    const timer = setTimeout(clearMenuCall, 10_000);
    return () => clearTimeout(timer);
  }, [menuCallOutcome, clearMenuCall]);
  const [undo, setUndo] = useState<{ text: string; run: () => Promise<unknown> } | undefined>();
  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => setUndo(undefined), 10_000);
    return () => clearTimeout(timer);
  }, [undo]);

  const editing = useMemo<ListEditing>(() => {
    const report = (e: unknown) => setNotice(errorText(e));
    // Dialog titles and undo lines are composed when the action happens, in the language of that moment.
    return {
      newGroup: () =>
        setDialog({
          title: i18n.t('session:listEdits.newGroup'),
          label: i18n.t('session:listEdits.groupName'),
          submit: i18n.t('session:listEdits.create'),
          onSubmit: (v) => api.invoke('contacts:add-group', v),
        }),
      addContact: (group) => setAddTo(group),
      renameGroup: (group) =>
        setDialog({
          title: i18n.t('session:listEdits.renameGroup', { group }),
          label: i18n.t('session:listEdits.groupName'),
          initial: group,
          submit: i18n.t('common:rename'),
          onSubmit: (v) => api.invoke('contacts:rename-group', group, v),
        }),
      deleteGroup: (group) =>
        api
          .invoke('contacts:delete-group', group)
          .then((g) =>
            setUndo({
              text: i18n.t('session:listEdits.groupDeleted', { group }),
              run: async () => {
                await api.invoke('contacts:add-group', g.name);
                for (const c of g.contacts) await api.invoke('contacts:add', g.name, c.personaId, c.nickname);
              },
            }),
          )
          .catch(report),
      contact: {
        rename: (group, c) =>
          setDialog({
            title: i18n.t('session:listEdits.renameContact', { name: c.displayName }),
            label: i18n.t('session:listEdits.nickname'),
            initial: c.nickname || c.displayName,
            submit: i18n.t('common:rename'),
            onSubmit: (v) => api.invoke('contacts:rename', group, c.uri, v),
          }),
        move: (from, c, to) => void api.invoke('contacts:move', from, c.uri, to).catch(report),
        remove: (group, c) =>
          void api
            .invoke('contacts:remove', group, c.uri)
            .then((r) =>
              setUndo({
                text: i18n.t('session:listEdits.contactRemoved', { name: r.displayName }),
                run: () => api.invoke('contacts:add', group, r.personaId, r.nickname),
              }),
            )
            .catch(report),
        card: (c) => setCard(c.uri),
        call: { api, place: (_c, number) => void menuCall(number) },
      },
    };
  }, [api, menuCall]);
  // Views and entries only some servers serve are shown by what the session offers, not by its type.
  const canEditList = offers(state.session, 'contactEdits');
  // Without IM a contact opens their card (numbers to call) instead of a conversation.
  const canIm = offers(state.session, 'im');
  const listEditing = useMemo(() => (canEditList ? editing : withoutListEdits(editing)), [editing, canEditList]);
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
  const { muted, toggle: toggleMute } = useMuted(api);
  // Muted conversations show no unread count (title, tabs, buddy list); their messages still arrive.
  const audible = useMemo(() => Object.fromEntries(Object.entries(state.unread).filter(([peer]) => !muted.has(peer))), [state.unread, muted]);
  useNotifications(api, audible, contacts, open, muted);
  const nameOf = useCallback((peer: string) => callerName(contacts, peer), [contacts]);
  const numberOf = useCallback(
    (uri: string) => {
      const c = contacts.get(uri);
      return c ? { name: c.displayName, ...(c.numbers[0] ? { number: c.numbers[0] } : {}) } : undefined;
    },
    [contacts],
  );
  useCallNotifications(api, nameOf);
  useImSound(api);
  // sip:/im: addresses the OS asked us to open (tel: goes to the dial box).
  useEffect(() => api.on('app:open', (request) => request.kind === 'chat' && open(request.uri)), [api, open]);

  const close = (uri: string) => {
    setTabs((t) => t.filter((x) => x !== uri));
    if (active === uri) setActive(shownTabs.find((x) => x !== uri));
  };

  // Incoming messages from someone without an open tab get a tab (flagged as unread).
  const shownTabs = [...tabs, ...Object.keys(state.unread).filter((p) => state.unread[p] > 0 && !tabs.includes(p))];

  if (!state.loaded) return <p className="loading">{t('app.connecting')}</p>;
  const { session } = state;
  const signedIn = session.phase === 'signed-in' || session.phase === 'reconnecting';

  return (
    <div className="app">
      <header className="top-bar">
        <span className="brand">{t('common:appName')}</span>
        <span className={`connection connection-${session.phase}`} data-testid="connection" data-phase={session.phase}>
          {session.demo ? t('header.phaseOnDemo', { phase: t(`phase.${session.phase}`) }) : t(`phase.${session.phase}`)}
        </span>
        {signedIn && (
          <>
            <button className="link" data-testid="open-settings" onClick={() => setSettingsOpen(true)}>
              {t('header.settings')}
            </button>
            <button className="link link-plain" onClick={() => void api.invoke('session:sign-out')}>
              {t('header.signOut')}
            </button>
          </>
        )}
        <button className="link diag-link" data-testid="open-diagnostics" onClick={() => setDiagnosticsOpen((o) => !o)}>
          {t('header.diagnostics')}
        </button>
      </header>
      {state.hostLost && (
        <div className="banner error" role="alert">
          {t('banner.hostLost')}
        </div>
      )}
      {session.phase === 'reconnecting' && (
        // The headline stands apart from the live region, whose words stay the core's (they name the server and the cause).
        <div className="banner warning" data-testid="reconnecting-banner">
          {session.error && <ErrorHeadline code={session.error.code} />}
          <div role="status" data-testid="reconnecting">
            {session.error?.message ?? t('banner.reconnecting')}
            {/* A CME router carries no messages: nothing is queued for it. */}
            {session.serverType !== 'cme' && ` ${t('banner.queued')}`}
          </div>
        </div>
      )}
      {state.history?.state === 'failing' && (
        <div className="banner error" role="alert" data-testid="history-failing">
          {t('banner.historyFailing', { file: state.history.file, error: state.history.error })}
        </div>
      )}
      {state.historyImport?.state === 'stopped' && (
        <div className="banner error" role="alert" data-testid="history-import-stopped">
          {t('banner.historyImportStopped', { percent: formatNumber(state.historyImport.percent), error: state.historyImport.error })}
        </div>
      )}
      {notice && (
        <div className="banner error" role="alert" onClick={() => setNotice(undefined)}>
          {/* One column: the headline above the details. */}
          <div>
            {notice.code && <ErrorHeadline code={notice.code} />}
            <span data-testid="notice">{notice.message}</span>
          </div>
        </div>
      )}
      {signedIn && <WatcherPrompts api={api} />}
      {signedIn && <ContactNotice api={api} />}
      {dialog && <Dialog request={dialog} onClose={() => setDialog(undefined)} />}
      {addTo !== undefined && signedIn && <AddContactDialog api={api} group={addTo} onClose={() => setAddTo(undefined)} />}
      {card && contacts.get(card) && signedIn && (
        <ContactCard
          api={api}
          contact={contacts.get(card)!}
          presence={state.presence[card]}
          onChat={canIm ? open : undefined}
          onClose={() => setCard(undefined)}
        />
      )}
      {undo && (
        <div className="toast" role="status" data-testid="toast">
          {undo.text}
          <button
            data-testid="undo"
            onClick={() => {
              const run = undo.run;
              setUndo(undefined);
              run().catch((e) => setNotice(errorText(e)));
            }}
          >
            {t('listEdits.undo')}
          </button>
        </div>
      )}
      {signedIn && settingsOpen && (
        <Settings
          api={api}
          snapshot={{ session, own: state.own, idleAwayMinutes: state.idleAwayMinutes, phone: state.phone }}
          onError={showMessage}
          onClose={() => setSettingsOpen(false)}
        />
      )}
      {diagnosticsOpen && <Diagnostics api={api} liveConfig={state.liveConfig} onClose={() => setDiagnosticsOpen(false)} />}
      {!signedIn ? (
        <SignIn api={api} session={session} defaults={state.signInDefaults} />
      ) : (
        <main className="workspace">
          <aside className="sidebar">
            <OwnStatus
              api={api}
              own={state.own}
              onThePhone={isOnThePhone(state.phone)}
              longTerm={offers(state.session, 'longTermStatus')}
              onError={setNotice}
            />
            <PhoneStatusLine
              phone={state.phone}
              request={(r) =>
                api.invoke('phone:request', r).then(
                  () => setNotice(undefined),
                  (e) => setNotice(errorText(e)),
                )
              }
            />
            <DialBox
              api={api}
              request={callRequest}
              phone={state.phone}
              nameOf={nameOf}
              numberOf={numberOf}
              voicemailPilot={state.liveConfig?.features.voicemail.pilot}
            />
            {menuCallOutcome && (
              <p
                className={`menu-call-result ${menuCallOutcome.ok ? 'dial-ok' : 'error'}`}
                role={menuCallOutcome.ok ? 'status' : 'alert'}
                data-testid="menu-call-result"
                data-ok={menuCallOutcome.ok}
              >
                <span>{menuCallOutcome.text}</span>
                <button className="link" aria-label={t('banner.dismiss')} data-testid="menu-call-dismiss" onClick={clearMenuCall}>
                  {CLOSE_MARK}
                </button>
              </p>
            )}
            <DirectoryStatusLine api={api} />
            <div className="side-tabs" role="tablist">
              <button role="tab" aria-selected={sideTab === 'contacts'} data-testid="tab-contacts" onClick={() => setSideTab('contacts')}>
                {t('tabs.contacts')}
              </button>
              <button role="tab" aria-selected={sideTab === 'recent'} data-testid="tab-recent" onClick={() => setSideTab('recent')}>
                {t('tabs.recent')}
              </button>
              <button role="tab" aria-selected={sideTab === 'history'} data-testid="tab-history" onClick={() => setSideTab('history')}>
                {t('tabs.history')}
              </button>
            </div>
            {sideTab === 'contacts' ? (
              <BuddyList groups={state.groups} presence={state.presence} unread={audible} onOpen={canIm ? open : setCard} edit={listEditing} />
            ) : sideTab === 'recent' ? (
              <Recent api={api} contacts={contacts} />
            ) : (
              <HistorySearch api={api} contacts={contacts} onOpen={open} historyImport={state.historyImport} />
            )}
          </aside>
          <section className="chat-area">
            {shownTabs.length > 0 && (
              // Open conversations: a button each (the current one marked), and a close button beside it;
              // not a tablist, whose tabs may not hold a second control.
              <nav className="tabs" aria-label={t('tabs.openConversations')}>
                {shownTabs.map((uri) => (
                  <div key={uri} className={`tab ${uri === active ? 'tab-active' : ''}`}>
                    <button className="tab-label" aria-current={uri === active ? 'page' : undefined} onClick={() => open(uri)}>
                      {peerName(contacts.get(uri), uri)}
                      {(audible[uri] ?? 0) > 0 && <span className="badge">{audible[uri]}</span>}
                      {muted.has(uri) && (
                        <span className="tab-muted" title={t('tabs.muted')} data-testid="tab-muted">
                          {' '}
                          {MUTED_MARK}
                        </span>
                      )}
                    </button>
                    <button className="tab-close" aria-label={t('tabs.close', { name: peerName(contacts.get(uri), uri) })} onClick={() => close(uri)}>
                      {CLOSE_MARK}
                    </button>
                  </div>
                ))}
              </nav>
            )}
            {active ? (
              <PagedConversation
                key={active}
                api={api}
                peer={active}
                state={state}
                dispatch={dispatch}
                contact={contacts.get(active)}
                onShowCard={contacts.has(active) ? () => setCard(active) : undefined}
                muted={muted.has(active)}
                onToggleMute={() => toggleMute(active)}
              />
            ) : (
              <p className="empty-chat">{t('app.chooseContact')}</p>
            )}
          </section>
        </main>
      )}
    </div>
  );
}
