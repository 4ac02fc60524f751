import { beforeAll, describe, expect, it } from 'vitest';
import { chooseLanguage, formatTime, startI18n } from '../../renderer/src/i18n';
import { lastSeenText, presenceLabel, statusLine } from '../../renderer/src/presence-look';

const local = (d: number, h: number, m: number) => new Date(2026, 11, d, h, m).getTime();
const time = (at: number) => formatTime(at);

beforeAll(() => startI18n('en'));

describe('last seen', () => {
  it('says today’s time, yesterday, or the date', () => {
    const now = local(2, 15, 0);
    expect(lastSeenText(local(2, 9, 5), now)).toBe(`last seen ${time(local(2, 9, 5))}`);
    expect(lastSeenText(local(1, 23, 50), now)).toBe(`last seen yesterday ${time(local(1, 23, 50))}`);
    expect(lastSeenText(local(1, 23, 50), now)).not.toContain('Dec');
    expect(lastSeenText(local(28, 8, 0) - 30 * 86_400_000, now)).toMatch(/^last seen \S+ \S+ /);
  });

  it('shows it under an offline contact without a note only', () => {
    const at = local(2, 9, 5);
    expect(statusLine({ availability: 'offline', note: '', lastSeen: at })).toBe(`Offline · last seen ${time(at)}`.replace(/last seen .*/, lastSeenText(at)));
    expect(statusLine({ availability: 'offline', note: '' })).toBe('Offline');
    expect(statusLine({ availability: 'available', note: '', lastSeen: at })).toBe('Available');
    expect(statusLine({ availability: 'offline', note: 'Back Monday', lastSeen: at })).toBe('Back Monday');
  });
});

describe('in German', () => {
  it('says the status and "zuletzt gesehen" with the German date', async () => {
    await chooseLanguage('de');
    try {
      const now = local(2, 15, 0);
      expect(presenceLabel('on-the-phone')).toBe('Am Telefon');
      expect(lastSeenText(local(1, 23, 50), now)).toBe(`zuletzt gesehen gestern ${time(local(1, 23, 50))}`);
      expect(lastSeenText(local(20, 8, 0) - 30 * 86_400_000, now)).toMatch(/^zuletzt gesehen \d+\. Nov\. /);
      expect(statusLine({ availability: 'offline', note: '' })).toBe('Offline');
    } finally {
      await chooseLanguage('en');
    }
  });
});
