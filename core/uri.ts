/**
 * SIP address-of-record helpers for the core: the one definition lives in
 * `shared/sip-address.ts`, so the renderer keys contacts exactly as the core does.
 */
export { aorUser, normaliseAor, personaUri } from '../shared/sip-address';
