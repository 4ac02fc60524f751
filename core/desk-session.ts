/** Where hosts and tests have always found the session: it lives in core/session now. */
export { DeskSession, presenceBackup, presenceTarget, type CupsLike, type DeskSessionOptions, type SipLike } from './session';
export { presenceListUri, toContactGroups } from './contacts';
export { MAX_IM_BYTES } from './im';
