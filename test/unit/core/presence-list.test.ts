/**
 * How the session chooses event-list presence: the `presenceList` setting, validated like the
 * other settings, and the list URI it names.
 */
import { describe, expect, it } from 'vitest';
import { presenceListUri, type SipLike } from '../../../core/desk-session';
import { validateSettings } from '../../../core/store/settings';

const withLists = { watchList: () => undefined } as unknown as SipLike;
const withoutLists = {} as SipLike;

describe('presence list setting', () => {
  it('is per contact by default, and keeps only "auto" or a SIP URI', () => {
    expect(validateSettings({}).presenceList).toBe('');
    expect(validateSettings({ presenceList: 'auto' }).presenceList).toBe('auto');
    expect(validateSettings({ presenceList: 'sip:team-list@example.com' }).presenceList).toBe('sip:team-list@example.com');
    for (const bad of ['yes', 'http://x/y', 'sip:no-domain', 'sip:a b@c', 42, `sip:${'x'.repeat(600)}@c`])
      expect(validateSettings({ presenceList: bad }).presenceList).toBe('');
  });

  it('names the list to watch, or none', () => {
    expect(presenceListUri('', 'alex', 'lab.test', withLists)).toBeUndefined();
    expect(presenceListUri('auto', 'alex', 'lab.test', withLists)).toBe('sip:alex-list@lab.test');
    expect(presenceListUri('sip:team@lab.test', 'alex', 'lab.test', withLists)).toBe('sip:team@lab.test');
    // A SIP engine that cannot watch lists keeps the per-contact path.
    expect(presenceListUri('auto', 'alex', 'lab.test', withoutLists)).toBeUndefined();
  });
});
