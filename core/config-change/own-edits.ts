/**
 * When a contact or group notification may be the echo of this client's own edit. A CUPS tells
 * every client of the user about an edit, the editing one included, and the echo can arrive
 * after a newer edit of the same row was already applied (rename A→B, then B→C: the echo of
 * A→B lands after C is on screen). Echoes carry no id linking them to our request, so matching
 * them is guesswork; instead, while an own edit is unanswered or was answered moments ago, a
 * notification that would change the list is not trusted as a delta: the list is re-read from
 * the server once and diffed, so the screen ends at the server's latest state and nothing
 * flickers when it already agrees. A notification the list already agrees with is ignored as
 * before, and outside the window notifications apply as deltas (the normal, cheap path).
 */

/** How long after an own edit was answered its echo may still arrive (a real CUPS relays it through the SIP server). */
export const ECHO_WINDOW_MS = 10_000;

export interface OwnEdits {
  /** Own edits sent and not yet answered. */
  editing: number;
  /** When the last own edit was answered (ms since the epoch), 0 when none was made. */
  lastEditAt: number;
}

/** Whether a list-changing notification arriving at `now` must be checked by re-reading rather than applied. */
export function mayBeOwnEcho(edits: OwnEdits, now: number, windowMs = ECHO_WINDOW_MS): boolean {
  if (edits.editing > 0) return true;
  return edits.lastEditAt > 0 && now - edits.lastEditAt < windowMs;
}
