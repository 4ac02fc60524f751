/**
 * Size limits that both hosts (Electron IPC and the browser host's WebSocket) and the renderer
 * apply, so a message is refused by the same rule wherever it is typed.
 */

/** The longest IM, counted in UTF-8 bytes of the text as the user typed it (what the server receives). */
export const MAX_IM_BYTES = 256 * 1024;

/**
 * The largest frame the browser host reads from its page. JSON escapes a control character as
 * `\u00XX` (6 bytes for 1), so the longest IM can take 6 × MAX_IM_BYTES = 1.5 MiB on the wire;
 * the rest leaves room for the other arguments. A larger frame is refused without being read.
 */
export const MAX_FRAME_BYTES = 2 * 1024 * 1024;

/** UTF-8 length of a string without encoding it (a lone surrogate counts as its 3-byte replacement). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Why an IM cannot be sent because of its size, in the user's words; undefined when it fits. */
export function imTooLong(text: string): string | undefined {
  return utf8Length(text) > MAX_IM_BYTES ? `The message is too long (more than ${MAX_IM_BYTES / 1024} KB).` : undefined;
}
