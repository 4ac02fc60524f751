import { describe, expect, it } from 'vitest';
import { ECHO_WINDOW_MS, mayBeOwnEcho } from '../../../core/config-change/own-edits';

describe('a contact notification that may echo an own edit', () => {
  const now = 1_000_000;

  it('is checked by re-reading while an own edit is unanswered', () => {
    expect(mayBeOwnEcho({ editing: 1, lastEditAt: 0 }, now)).toBe(true);
    expect(mayBeOwnEcho({ editing: 2, lastEditAt: now - 10 * ECHO_WINDOW_MS }, now)).toBe(true);
  });

  it('is checked by re-reading shortly after an own edit was answered', () => {
    expect(mayBeOwnEcho({ editing: 0, lastEditAt: now }, now)).toBe(true);
    expect(mayBeOwnEcho({ editing: 0, lastEditAt: now - ECHO_WINDOW_MS + 1 }, now)).toBe(true);
  });

  it('is applied as a delta when no own edit was made, or the last one is long answered', () => {
    expect(mayBeOwnEcho({ editing: 0, lastEditAt: 0 }, now)).toBe(false);
    expect(mayBeOwnEcho({ editing: 0, lastEditAt: now - ECHO_WINDOW_MS }, now)).toBe(false);
    expect(mayBeOwnEcho({ editing: 0, lastEditAt: now - 500 }, now, 200)).toBe(false);
  });
});
