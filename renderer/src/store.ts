/**
 * The renderer's state: the host's snapshot, kept current by events. Presence updates replace
 * only the entries that changed, so rows whose contact did not change keep their identity and
 * React skips them (no whole-list re-render on each NOTIFY).
 */
import { useEffect, useReducer } from 'react';
import type {
  ChatMessage,
  ComposingUpdate,
  ContactChange,
  ContactGroup,
  ConversationPage,
  HistoryImport,
  HistoryStatus,
  LiveConfigState,
  OwnStatus,
  PhoneState,
  Presence,
  PresenceUpdate,
  SessionState,
  Snapshot,
} from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { applyContactChanges } from '../../shared/contact-changes';

export interface DeskState {
  loaded: boolean;
  session: SessionState;
  own: OwnStatus;
  groups: ContactGroup[];
  presence: Record<string, Presence>;
  conversations: Record<string, ChatMessage[]>;
  composing: Record<string, boolean>;
  unread: Record<string, number>;
  signInDefaults: Snapshot['signInDefaults'];
  idleAwayMinutes: number;
  /** The user's own phone line (CTI gateway). */
  phone: PhoneState;
  /** Whether IM history can be written (a failure is shown with the file's name). */
  history?: HistoryStatus;
  /** How configuration changes arrive and what the server offers now (IM, voicemail, meetings). */
  liveConfig?: LiveConfigState;
  /** The one-time import of an earlier version's history, while it runs. */
  historyImport?: HistoryImport;
  /** Per conversation, whether older messages than those shown are stored (absent: not asked yet). */
  older: Record<string, boolean>;
  hostLost: boolean;
}

export type Action =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'session'; session: SessionState }
  | { type: 'contacts'; groups: ContactGroup[] }
  | { type: 'contact-changes'; changes: ContactChange[] }
  | { type: 'history'; history: HistoryStatus }
  | { type: 'live-config'; liveConfig: LiveConfigState }
  | { type: 'history-import'; status: HistoryImport }
  | { type: 'older'; peer: string; page: ConversationPage }
  | { type: 'presence'; updates: PresenceUpdate[] }
  | { type: 'own'; own: OwnStatus }
  | { type: 'phone'; phone: PhoneState }
  | { type: 'message'; message: ChatMessage; openPeer: string | undefined }
  | { type: 'composing'; update: ComposingUpdate }
  | { type: 'read'; peer: string }
  | { type: 'host-lost' };

export const initialState: DeskState = {
  loaded: false,
  session: { phase: 'signed-out' },
  own: { availability: 'available', note: '' },
  groups: [],
  presence: {},
  conversations: {},
  composing: {},
  unread: {},
  signInDefaults: { server: '', user: '' },
  idleAwayMinutes: 0,
  phone: { link: 'not-configured', calls: [] },
  older: {},
  hostLost: false,
};

export function reducer(state: DeskState, action: Action): DeskState {
  switch (action.type) {
    case 'snapshot':
      // A snapshot without a history status means nothing is known to be wrong: drop an old banner.
      return { ...state, loaded: true, history: undefined, historyImport: undefined, older: {}, ...action.snapshot };
    case 'session':
      return { ...state, session: action.session };
    case 'contacts':
      return { ...state, groups: action.groups };
    case 'contact-changes':
      // Only what changed: untouched groups and contacts keep their identity (and their rows).
      return { ...state, groups: applyContactChanges(state.groups, action.changes) };
    case 'history':
      return { ...state, history: action.history };
    case 'live-config':
      return { ...state, liveConfig: action.liveConfig };
    case 'history-import':
      // Once done, older messages may be stored before those shown: ask again on the next scroll.
      return action.status.state === 'done' ? { ...state, historyImport: undefined, older: {} } : { ...state, historyImport: action.status };
    case 'older': {
      // An older page goes before what is shown; a message already shown (it came live) is kept once.
      const list = state.conversations[action.peer] ?? [];
      const shown = new Set(list.map((m) => m.id));
      const older = action.page.messages.filter((m) => !shown.has(m.id));
      return {
        ...state,
        conversations: { ...state.conversations, [action.peer]: [...older, ...list] },
        older: { ...state.older, [action.peer]: action.page.more },
      };
    }
    case 'presence': {
      const presence = { ...state.presence };
      for (const u of action.updates) presence[u.uri] = u.presence;
      return { ...state, presence };
    }
    case 'own':
      return { ...state, own: action.own };
    case 'phone':
      return { ...state, phone: action.phone };
    case 'message': {
      const m = action.message;
      const list = state.conversations[m.peer] ?? [];
      const at = list.findIndex((x) => x.id === m.id);
      const next = at >= 0 ? list.map((x, i) => (i === at ? m : x)) : [...list, m];
      const isNewIncoming = at < 0 && m.direction === 'in' && action.openPeer !== m.peer;
      return {
        ...state,
        conversations: { ...state.conversations, [m.peer]: next },
        composing: m.direction === 'in' ? { ...state.composing, [m.peer]: false } : state.composing,
        unread: isNewIncoming ? { ...state.unread, [m.peer]: (state.unread[m.peer] ?? 0) + 1 } : state.unread,
      };
    }
    case 'composing':
      return { ...state, composing: { ...state.composing, [action.update.peer]: action.update.active } };
    case 'read':
      return state.unread[action.peer] ? { ...state, unread: { ...state.unread, [action.peer]: 0 } } : state;
    case 'host-lost':
      return { ...state, hostLost: true };
  }
}

/** Why sending an IM is refused now (the server's licence or switch), or undefined. */
export function imRefusal(state: Pick<DeskState, 'liveConfig'>): string | undefined {
  const live = state.liveConfig;
  return live && live.mode !== 'off' && !live.features.im.available ? live.features.im.reason : undefined;
}

/** One display frame: presence bursts are applied at most this often. */
const FRAME_MS = 16;

/** Loads the snapshot and follows every event; `openPeer` decides what counts as unread. */
export function useDesk(api: DeskApi, openPeerRef: { current: string | undefined }): [DeskState, React.Dispatch<Action>] {
  const [state, dispatch] = useReducer(reducer, initialState);
  useEffect(() => {
    // Presence comes in bursts (thousands of contacts at sign-in): apply it at most once per
    // frame, latest state per contact, so the list recounts and redraws once per frame. A change
    // after a quiet frame is applied at once, so a single status change shows without waiting.
    const pendingPresence = new Map<string, PresenceUpdate>();
    let frame = 0;
    let lastFlush = -Infinity;
    const flushPresence = () => {
      frame = 0;
      lastFlush = performance.now();
      const updates = [...pendingPresence.values()];
      pendingPresence.clear();
      if (updates.length) dispatch({ type: 'presence', updates });
    };
    const offs = [
      api.on('session:state', (session) => dispatch({ type: 'session', session })),
      api.on('contacts:changed', (groups) => dispatch({ type: 'contacts', groups })),
      api.on('contacts:delta', (changes) => dispatch({ type: 'contact-changes', changes })),
      api.on('im:history-status', (history) => dispatch({ type: 'history', history })),
      api.on('im:history-import', (status) => dispatch({ type: 'history-import', status })),
      api.on('presence:changed', (updates) => {
        for (const u of updates) pendingPresence.set(u.uri, u);
        if (frame) return;
        if (performance.now() - lastFlush >= FRAME_MS) flushPresence();
        else frame = requestAnimationFrame(flushPresence);
      }),
      api.on('presence:own', (own) => dispatch({ type: 'own', own })),
      api.on('phone:state', (phone) => dispatch({ type: 'phone', phone })),
      api.on('im:message', (message) => dispatch({ type: 'message', message, openPeer: openPeerRef.current })),
      api.on('im:composing', (update) => dispatch({ type: 'composing', update })),
      api.on('config:state', (liveConfig) => dispatch({ type: 'live-config', liveConfig })),
    ];
    const lost = () => dispatch({ type: 'host-lost' });
    window.addEventListener('desk-host-closed', lost);
    // Back at the window: without change notifications the host re-reads the list and configuration.
    const focused = () =>
      void api.invoke('config:resync').then(
        (liveConfig) => dispatch({ type: 'live-config', liveConfig }),
        () => undefined,
      );
    window.addEventListener('focus', focused);
    api.invoke('session:snapshot').then((snapshot) => dispatch({ type: 'snapshot', snapshot }));
    api.invoke('config:state').then(
      (liveConfig) => dispatch({ type: 'live-config', liveConfig }),
      () => undefined,
    );
    return () => {
      cancelAnimationFrame(frame);
      offs.forEach((off) => off());
      window.removeEventListener('desk-host-closed', lost);
      window.removeEventListener('focus', focused);
    };
  }, [api, openPeerRef]);
  return [state, dispatch];
}
