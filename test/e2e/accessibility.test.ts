/**
 * Accessibility end to end on the demo lab, in Chromium: axe finds no serious or critical
 * violation on the main views (buddy list, conversation, settings, diagnostics, sign-in) in the
 * light and the dark theme (the system setting, emulated), keyboard focus is drawn, and the open
 * conversation's live region announces an incoming IM and a change of the person's status.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let page: Page;

beforeAll(async () => {
  desk = await startDeskE2e('a11y', { lab: { livenEveryMs: 0, replyDelayMs: 100 } });
  ({ page } = desk);
});

afterAll(() => desk?.close());

const SCHEMES = ['light', 'dark'] as const;

/** Serious and critical violations on the page as it is, as "rule: target" lines. */
async function seriousViolations(): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`));
}

async function checkBothThemes(view: string): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    // The theme is the system's: the page's background follows it.
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background, `${view} in ${colorScheme}`).toBe(colorScheme === 'dark' ? 'rgb(20, 23, 29)' : 'rgb(246, 247, 249)');
    expect(await seriousViolations(), `${view} in the ${colorScheme} theme`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const uri = (id: string) => desk.uri(id);
const contact = (id: string) => page.locator(`[data-testid="contact"][data-uri="${uri(id)}"]`);

describe('accessibility', () => {
  it('the buddy list has no serious or critical violation in either theme', async () => {
    await contact('maria').waitFor();
    await checkBothThemes('buddy list');
  });

  it('shows keyboard focus', async () => {
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return 'nothing focused';
      const style = getComputedStyle(el);
      return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 ? 'visible' : `${el.tagName}: ${style.outline} ${style.boxShadow}`;
    });
    expect(outline).toBe('visible');
  });

  it('a conversation has none, and its live region announces an incoming IM and a status change', async () => {
    await contact('maria').click();
    await page.locator('[data-testid="conversation"]').waitFor();
    const announcer = page.locator('[data-testid="announcer"]');
    expect(await announcer.getAttribute('aria-live')).toBe('polite');
    expect(await announcer.textContent()).toBe('');

    await desk.created.lab!.bots.get('maria')!.account.sendMessage(uri('alex'), 'Lunch at noon?');
    await expect.poll(() => announcer.textContent()).toBe('Maria Chen: Lunch at noon?');

    await desk.created.lab!.bots.get('maria')!.setStatus({ availability: 'busy', note: 'On a call' });
    await expect.poll(() => announcer.textContent()).toBe('Maria Chen is now Busy (On a call)');

    // Our own messages are not read back: the next announcement is Maria's answer to it.
    await page.fill('[data-testid="im-input"]', 'Sure');
    await page.keyboard.press('Enter');
    await expect.poll(() => announcer.textContent(), { timeout: 10_000 }).toBe('Maria Chen: Hi, Maria here. You wrote: “Sure”');

    await checkBothThemes('conversation');
  });

  it('settings have none in either theme', async () => {
    await page.click('[data-testid="open-settings"]');
    await page.locator('.settings').waitFor();
    await checkBothThemes('settings');
    await page.locator('.settings-close').click();
  });

  it('diagnostics have none in either theme', async () => {
    await page.click('[data-testid="open-diagnostics"]');
    await page.locator('[data-testid="diag-entry"]').first().waitFor();
    await page.locator('[data-testid="diag-entry"]').first().click();
    await page.locator('[data-testid="diag-message"]').waitFor();
    await checkBothThemes('diagnostics');
    await page.click('[data-testid="diag-close"]');
  });

  it('sign-in has none in either theme', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('[data-testid="sign-in"]').waitFor();
    await checkBothThemes('sign-in');
    expect(desk.pageErrors).toEqual([]);
  });
});
