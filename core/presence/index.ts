/**
 * # Own presence
 *
 * **Owns** the user's own status (chosen by hand, Away when idle and back), the phone override
 * ("On the phone" while a call is up and the user is Available, Away or Busy), and what is
 * published: the only caller of `SipAccount.setPresence`. Publishing goes through one
 * `SerialPublisher` (never two PUBLISHes in flight, latest state wins); after a reconnection
 * it publishes exactly once, when the account is registered again.
 *
 * **Events:** `presence:own`.
 *
 * **IPC slice:** `presence:set-own`, `presence:idle`, `presence:recent-notes`.
 * (The long-term status is a CUPS feature: core/cups/features/.)
 */
export { OwnPresence, type OwnPresenceChannel } from './own-presence';
export { PublisherState, SerialPublisher } from './serial-publisher';
