import type { Contact } from '../../shared/domain';

/**
 * The name shown for someone we talk to: their contact's display name (the core's one rule:
 * nickname, else directory name, else user part), else their address without `sip:`.
 */
export function peerName(contact: Pick<Contact, 'displayName'> | undefined, peer: string): string {
  return contact?.displayName ?? peer.replace(/^sips?:/, '');
}
