/**
 * Any SIMPLE server (core/xcap): SIP-only sign-in with the server found through DNS, the buddy
 * list as an RFC 4826 resource-lists document on the XCAP server (RFC 4825), kept in step with
 * rls-services, and who may see the user's presence as pres-rules (RFC 5025), with watchers
 * asking for it learnt from presence.winfo (RFC 3857/3858).
 */
export { SimpleServerSession, splitSipAddress, type SimpleServerOptions } from './simple-server';
export { XcapClient, XcapConflict, type XcapClientOptions, type XcapResponse } from './xcap-client';
export { XcapBuddyList } from './buddy-list';
export { PresenceAuthorization, type WatcherRules, type WatcherChannel } from './presence-authorization';
