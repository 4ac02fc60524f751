/**
 * # Calls
 *
 * **Owns** click-to-dial (the server's dialing rules, WebDialer or the system's `tel:`
 * handler), the user's phone and line choice, the own phone line through the CTI gateway
 * (calls, answer/hold/hang-up; its state feeds OwnPresence's "On the phone") and recent
 * communications (this session's calls, merged with the server's list). The protocol pieces
 * stay in core/dial and core/dialing.
 *
 * **Events:** `recent:added`, `phone:state`.
 *
 * **IPC slice:** `dial:preview`, `dial:call`, `dial:hang-up`, `dial:devices`,
 * `dial:set-device`, `dial:rules`, `dial:preview-directory`, `phone:control`, `recent:list`.
 */
export { Calls, type CallsChannel, type CallsOptions } from './calls';
