/**
 * Finds links and phone numbers in plain message text. The result is a list of pieces the
 * renderer turns into React elements; nothing here produces HTML, and only http(s) and mailto
 * links are ever made clickable (`javascript:` and friends stay plain text).
 */
import { isAllowedExternalUrl } from '../../shared/links';

export type Piece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string } | { kind: 'number'; text: string };

const PATTERN = /\b((?:https?:\/\/|mailto:)[^\s<>"']+[^\s<>"'.,;:!?)\]}])|(\+?\(?\d[\d\s().-]{5,}\d)/gi;

export function splitMessage(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(PATTERN)) {
    const [found, link, number] = m;
    const at = m.index ?? 0;
    if (link && !isAllowedExternalUrl(link)) continue;
    // A number needs at least 7 digits, so dates and times stay text.
    if (number && number.replace(/\D/g, '').length < 7) continue;
    // Dates (2026-11-24, 24.11.2026) are not numbers to call.
    if (number && /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})$/.test(number.trim())) continue;
    if (at > last) pieces.push({ kind: 'text', text: text.slice(last, at) });
    pieces.push(link ? { kind: 'link', text: found, href: link } : { kind: 'number', text: found });
    last = at + found.length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}
