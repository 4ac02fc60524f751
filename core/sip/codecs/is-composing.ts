/**
 * The is-composing indication (RFC 3994): `<isComposing><state>active|idle</state>…`.
 * Read by local name like every other body, size-capped, and refused with a specific reason
 * when the document says nothing usable.
 */
import { find, parseXml, text, XmlError } from '../../xml/safe-xml';

export const IS_COMPOSING_TYPE = 'application/im-iscomposing+xml';
export const IS_COMPOSING_MAX_BYTES = 16 * 1024;

export interface IsComposing {
  active: boolean;
  /** Seconds the sender promises to refresh an active state within (RFC 3994 §3). */
  refresh?: number;
  /** The content type being composed (text/plain for us). */
  contentType?: string;
}

/** Parses an is-composing body; throws XmlError with the reason when it cannot be used. */
export function parseIsComposing(body: string): IsComposing {
  const tree = parseXml(body, { maxBytes: IS_COMPOSING_MAX_BYTES, what: 'typing indication' });
  const root = find(tree, 'isComposing');
  if (!root) throw new XmlError('The typing indication has no <isComposing> element.');
  const state = text(find(root, 'state')).trim().toLowerCase();
  if (state !== 'active' && state !== 'idle') throw new XmlError(`The typing indication's state is "${state.slice(0, 40)}", not active or idle.`);
  const refresh = Number(text(find(root, 'refresh')).trim());
  const contentType = text(find(root, 'contenttype')).trim();
  return {
    active: state === 'active',
    ...(Number.isInteger(refresh) && refresh > 0 ? { refresh } : {}),
    ...(contentType ? { contentType } : {}),
  };
}
