/**
 * What `--open URI` on the command line asks the app to open: `tel:` (and `callto:`) numbers
 * become a call request for the dial box, `sip:`/`sips:`/`im:` addresses a chat. Anything else
 * is refused with a reason, so a mistyped argument is not silently ignored.
 */
import type { OpenRequest } from '../shared/domain';
import { normaliseAor } from '../shared/sip-address';

const MAX_URI = 2048;

export function parseOpenRequest(raw: string): OpenRequest | { error: string } {
  const text = raw.trim();
  if (!text || text.length > MAX_URI) return { error: 'The address to open is empty or too long.' };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  let rest = text.slice((scheme?.length ?? 0) + 1).replace(/^\/\//, '');
  try {
    rest = decodeURIComponent(rest);
  } catch {
    return { error: `"${text}" is not a valid address (bad %-escape).` };
  }
  if (scheme === 'tel' || scheme === 'callto') {
    // RFC 3966 parameters (;phone-context=…) are not part of the number; an extension is kept.
    const [number, ...params] = rest.split(';');
    const ext = params.find((p) => /^ext=/i.test(p));
    const value = `${number.trim()}${ext ? `;${ext}` : ''}`;
    if (!/[0-9]/.test(number)) return { error: `"${text}" has no phone number.` };
    return { kind: 'call', number: value };
  }
  if (scheme === 'sip' || scheme === 'sips' || scheme === 'im') {
    const address = rest.split(/[;?]/)[0].trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) return { error: `"${text}" is not a user@domain address.` };
    return { kind: 'chat', uri: normaliseAor(address) };
  }
  return { error: `Presence Desk opens tel:, sip: and im: addresses, not "${text}".` };
}
