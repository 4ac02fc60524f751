/**
 * The words the conversation view composes outside JSX, in both shipped languages: delivery
 * states, emoji names in the picker, and the time or date of listed items (Recent, history).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliveryLabel } from '../../renderer/src/delivery-label';
import { emojiName, PICKER, PICKER_EMOJI } from '../../renderer/src/emoji';
import { chooseLanguage, formatDate, formatTime, startI18n } from '../../renderer/src/i18n';
import { whenText } from '../../renderer/src/when-text';

beforeAll(() => startI18n('en'));
afterEach(() => chooseLanguage('en'));

describe('delivery states', () => {
  it('are said in English, and nothing for a received message', () => {
    expect(deliveryLabel('queued')).toBe('Queued — will send when connected');
    expect(deliveryLabel('failed')).toBe('Not delivered');
    expect(deliveryLabel('received')).toBe('');
  });

  it('are said in German once the language changes', async () => {
    await chooseLanguage('de');
    expect(deliveryLabel('sending')).toBe('Wird gesendet…');
    expect(deliveryLabel('failed')).toBe('Nicht zugestellt');
    expect(deliveryLabel('stored')).toMatch(/^Vom Server gespeichert/);
    expect(deliveryLabel('received')).toBe('');
  });
});

describe('emoji names', () => {
  it('name every emoji in the picker, each differently, in English and German', async () => {
    expect(PICKER_EMOJI).toHaveLength(40);
    for (const lang of ['en', 'de'] as const) {
      await chooseLanguage(lang);
      const names = PICKER.map(emojiName);
      for (const [i, name] of names.entries()) expect(name, `${lang} ${PICKER[i]!.emoji}`).not.toMatch(/^(emoji\.|chat:)|^$/);
      expect(new Set(names).size, lang).toBe(names.length);
    }
  });

  it('follow the language', async () => {
    const coffee = PICKER.find((p) => p.emoji === '☕')!;
    expect(emojiName(coffee)).toBe('hot beverage');
    await chooseLanguage('de');
    expect(emojiName(coffee)).toBe('Heißgetränk');
  });
});

describe('when a listed item happened', () => {
  const now = new Date(2026, 11, 2, 15, 0).getTime();

  it('is the time today and the date before, in the UI language', async () => {
    const today = new Date(2026, 11, 2, 9, 5).getTime();
    const earlier = new Date(2026, 10, 24, 9, 5).getTime();
    expect(whenText(today, now)).toBe(formatTime(today));
    expect(whenText(earlier, now)).toBe(formatDate(earlier));
    expect(whenText(earlier, now)).toBe('11/24/2026');
    await chooseLanguage('de');
    expect(whenText(today, now)).toBe('09:05');
    expect(whenText(earlier, now)).toBe('24.11.2026');
  });
});
