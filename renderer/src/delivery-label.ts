import type { ChatMessage } from '../../shared/domain';
import { i18n } from './i18n';

/**
 * The delivery state shown beside an outgoing message ("Sending…", "Not delivered"), in the UI's
 * language; empty for a received message, which has no delivery of ours to report. Call while a
 * component that uses `useTranslation('chat')` renders, so that a language change redraws it.
 */
export function deliveryLabel(state: ChatMessage['state']): string {
  return state === 'received' ? '' : i18n.t(`chat:state.${state}`);
}
