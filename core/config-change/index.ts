/**
 * Live configuration: what the server changes while the user is signed in (UCCN change
 * notifications, or re-reading while there are none) reaches the buddy list, the dialing rules,
 * the presence server in use and the features offered. Owns `config:state` / `config:resync`
 * (IPC) and the `config:state` event. See live-config.ts.
 */
export { LiveConfig, CONFIG_ACCEPT, type LiveConfigChannel, type LiveConfigOptions } from './live-config';
export { applyListChange, type ListChange } from './contact-changes';
export { serverFeatures } from './features';
