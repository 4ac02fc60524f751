/**
 * The one SIP address normaliser. Presence and IM are keyed by address-of-record
 * (`sip:user@host`), so every address — from the network, the server's lists, the command line
 * or the user — is reduced to that form before it is compared or stored. The core, the hosts and
 * the renderer all use these functions, so a contact is found under the same key everywhere.
 *
 * The rules: a display name and angle brackets are dropped; the scheme (`sip:`, `sips:`, `im:`,
 * `pres:`) becomes `sip:`; URI parameters and headers are dropped; the host is lower-cased; the
 * user part keeps its case, as SIP compares it exactly.
 */

/** The user and host of an address, or undefined when it has no `user@host`. */
export function splitAddress(address: string): { user: string; host: string } | undefined {
  let s = address.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1];
  s = s.replace(/^(?:sips?|im|pres):/i, '');
  if (s.startsWith('//')) s = s.slice(2); // im://user@host, as some pages write it
  s = s.split(/[;?#]/)[0];
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return undefined;
  return { user: s.slice(0, at), host: s.slice(at + 1).toLowerCase() };
}

/**
 * `"Maria" <sip:Maria@Lab.Example;transport=tcp>` → `sip:Maria@lab.example`. Lenient: an address
 * without a user part is kept as `sip:<host>` (lower-cased), since servers do send those.
 */
export function normaliseAor(uri: string): string {
  const parts = splitAddress(uri);
  if (parts) return `sip:${parts.user}@${parts.host}`;
  const bare = uri
    .trim()
    .replace(/^.*<([^>]*)>.*$/, '$1')
    .replace(/^(?:sips?|im|pres):/i, '')
    .split(/[;?#]/)[0];
  return `sip:${bare.toLowerCase()}`;
}

/** The AOR key of an address, or undefined when it is not a `user@host` address (a phone number, say). */
export function addressKey(address: string): string | undefined {
  const parts = splitAddress(address);
  return parts ? `sip:${parts.user}@${parts.host}` : undefined;
}

/** The AOR of a CUPS persona id: a bare id gets the presence domain, a full address is kept. */
export function personaUri(personaId: string, domain: string): string {
  const id = personaId.trim();
  if (/^sips?:/i.test(id)) return normaliseAor(id);
  if (id.includes('@')) return normaliseAor(`sip:${id}`);
  return normaliseAor(`sip:${id}@${domain}`);
}

/** The user part of an AOR, for display when nothing better is known. */
export function aorUser(uri: string): string {
  const s = normaliseAor(uri).slice(4);
  const at = s.lastIndexOf('@');
  return at < 0 ? s : s.slice(0, at);
}
