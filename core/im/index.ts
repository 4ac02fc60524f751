/**
 * # Messaging
 *
 * **Owns** instant messages: the outgoing queue (written to history before sending, sent in
 * order once registered), redelivery right after a reconnection (`redelivery.ts`), incoming
 * messages (answered 200 only once stored in history, 500 with the reason when the history
 * cannot be written; a message already stored is answered 200 again and not shown twice),
 * is-composing both ways, history reads, search and export.
 *
 * **Events:** `im:message` (a new message or a new delivery state), `im:composing`,
 * `im:history-status` (the history file cannot be written, and which; or it can again).
 *
 * **IPC slice:** `im:send`, `im:retry`, `im:composing`, `im:history`, `im:search`, `im:export`.
 */
export { MAX_IM_BYTES, Messaging, NOT_STORED_REASON, type MessagingChannel } from './messaging';
export { RecoveryRedelivery, sipStatusOf, type RedeliveryOptions } from './redelivery';
