/**
 * SIP address-of-record helpers. Presence and IM are keyed by AOR (`sip:user@host`), so every
 * URI from the network is reduced to that form before it is compared or stored.
 */

/** `"Maria" <sip:Maria@Lab.Example;transport=tcp>` → `sip:Maria@lab.example`. */
export function normaliseAor(uri: string): string {
  let s = uri.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1];
  s = s.replace(/^sips?:/i, '');
  s = s.split(/[;?]/)[0];
  const at = s.lastIndexOf('@');
  if (at < 0) return `sip:${s.toLowerCase()}`;
  const user = s.slice(0, at);
  const host = s.slice(at + 1).toLowerCase();
  return `sip:${user}@${host}`;
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
