/**
 * An open conversation fed from the store, with its older pages loaded from the history as the
 * user scrolls up: the same in the main window and in a conversation's own window.
 */
import type { Contact } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { Conversation } from './Conversation';
import { useConversationPages } from './conversation-pages';
import { imRefusal, type Action, type DeskState } from './store';

export function PagedConversation({
  api,
  peer,
  state,
  dispatch,
  contact,
  onShowCard,
  muted,
  onToggleMute,
}: {
  api: DeskApi;
  peer: string;
  state: DeskState;
  dispatch: (action: Action) => void;
  contact: Contact | undefined;
  /** Only where the contact card can be shown (the main window, for a listed contact). */
  onShowCard?: (() => void) | undefined;
  muted?: boolean;
  onToggleMute?: () => void;
}) {
  const pages = useConversationPages(api, peer, state, dispatch);
  return (
    <Conversation
      api={api}
      peer={peer}
      contact={contact}
      presence={state.presence[peer]}
      messages={state.conversations[peer] ?? []}
      composing={state.composing[peer] ?? false}
      pages={pages}
      historyImport={state.historyImport}
      imUnavailable={imRefusal(state)}
      meetingServer={state.liveConfig?.features.meeting.server}
      onShowCard={onShowCard}
      muted={muted}
      onToggleMute={onToggleMute}
    />
  );
}
