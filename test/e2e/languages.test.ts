/**
 * Languages end to end on the demo lab, in Chromium. The same walk over the main views (buddy
 * list, contact menu and card, conversation, own status, Recent, History, every Settings
 * section, Diagnostics with its ladder, sign-in) is made in English and then in German, chosen
 * in Settings → Desktop without a reload. Every string seen in both walks of a view must be data
 * (a colleague's name, a number, a note, the server's words, a protocol token) or a word German
 * writes the same way: a string left in English fails, naming itself and its view. The choice
 * survives a restart, and with no choice the system's language is used.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_COLLEAGUES, LAB_DIALING_RULES, LAB_DIRECTORY_DETAILS, LAB_DIRECTORY_EXTRA, LAB_EXTRA_GROUPS, DEMO_USER } from '../../lab/directory';
import { LANGUAGE_NAME } from '../../shared/languages';
import { RESOURCES } from '../../shared/locales';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

let desk: DeskE2e;
let page: Page;

beforeAll(async () => {
  desk = await startDeskE2e('languages', { lab: { livenEveryMs: 0, replyDelayMs: 100 } });
  ({ page } = desk);
});

afterAll(() => desk?.close());

/**
 * Parts of a view that hold nothing but data: protocol messages and their one-line summaries
 * (as the exported trace has them), message text as sent, and the screen reader's copy of an
 * incoming message.
 */
const DATA_ONLY = [
  '[data-testid="diag-message"]',
  '[data-testid="diag-entry"]',
  '[data-testid="ladder-arrow"]',
  '[data-testid="message-text"]',
  '.message-text',
  '[data-testid="announcer"]',
];

/** Every visible text of the page and the attributes people hear, each trimmed, once. */
async function visibleStrings(): Promise<string[]> {
  return page.evaluate((dataOnly) => {
    const out = new Set<string>();
    const add = (s: string | null | undefined) => {
      const t = (s ?? '').replace(/\s+/g, ' ').trim();
      if (t) out.add(t);
    };
    const skip = (el: Element) => dataOnly.some((sel) => el.closest(sel));
    for (const el of document.body.querySelectorAll('*')) {
      if (skip(el) || !(el as HTMLElement).checkVisibility?.({ checkVisibilityCSS: true })) continue;
      for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE) add(node.textContent);
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description']) add(el.getAttribute(attr));
      if (el instanceof HTMLSelectElement) for (const o of el.options) add(o.textContent);
      if (el instanceof SVGTextElement) add(el.textContent);
    }
    return [...out];
  }, DATA_ONLY);
}

/** Words German spells as English does: every word of a German string the app ships. */
const GERMAN_WORDS = new Set(
  Object.values(RESOURCES.de)
    .flatMap((ns) => JSON.stringify(ns).match(/\p{L}{2,}/gu) ?? [])
    .map((w) => w.toLowerCase()),
);

/** The lab's data as the server and the directory give it. */
const DATA = [
  DEMO_USER.id,
  DEMO_USER.displayName,
  ...Object.values(LANGUAGE_NAME),
  ...DEMO_USER.numbers,
  ...LAB_COLLEAGUES.flatMap((p) => [p.displayName, p.group, p.status?.note ?? '', ...p.numbers]),
  ...LAB_EXTRA_GROUPS,
  ...LAB_DIRECTORY_EXTRA.flatMap((e) => [e.displayName ?? `${e.givenName} ${e.surname}`, e.title ?? '', ...(e.work ?? []), ...(e.mobile ?? [])]),
  ...Object.values(LAB_DIRECTORY_DETAILS).flatMap((d) => [d.title, ...(d.mobile ?? [])]),
  ...LAB_DIALING_RULES.flatMap((r) => [r.name, r.description]),
]
  .filter((d) => d.length >= 3)
  .sort((a, b) => b.length - a.length);

/** What of a string shared by both walks is still English: words that are neither data nor German too. */
function englishLeft(s: string): string[] {
  let rest = s;
  for (const d of DATA) rest = rest.split(d).join(' ');
  rest = rest.replace(/\S*[@:/]\S*/g, ' '); // addresses, URLs, host:port
  rest = rest.replace(/\bCisco( \p{Lu}\p{L}*)+/gu, ' '); // product names the phone system reports (Cisco Unified Client Services Framework)
  rest = rest.replace(/\S*\w\.\w\S*/g, ' '); // dotted names: the server's preference keys (PhoneNumber.Primary)
  rest = rest.replace(/\b[a-z]+(-[a-z]+)+\b|\b\p{L}*\p{Ll}\p{Lu}\p{L}*\b/gu, ' '); // protocol operations: get-user-config, selectCmDevice, GetCSTAFeatures
  return (rest.match(/\p{L}{2,}/gu) ?? []).filter((w) => !/^\p{Lu}+$/u.test(w) && !GERMAN_WORDS.has(w.toLowerCase()));
}

type Walk = Map<string, string[]>;

const contactRow = (id: string) => page.locator('li', { has: page.locator(`[data-testid="contact"][data-uri="${desk.uri(id)}"]`) });

/** Opens each main view in turn and records what it shows. */
async function walk(): Promise<Walk> {
  const seen: Walk = new Map();
  const take = async (view: string) => seen.set(view, await visibleStrings());

  await page.locator('[data-testid="directory-status"][data-state="ready"]').waitFor({ timeout: 15_000 });
  await take('buddy list');

  await contactRow('maria').hover();
  await contactRow('maria').locator('[data-testid="contact-more"]').click();
  await page.locator('[data-testid="contact-menu"]').waitFor();
  await take('contact menu');
  await page.click('[data-testid="menu-card"]');
  await page.locator('[data-testid="contact-card"]').waitFor();
  await take('contact card');
  await page.click('[data-testid="card-close"]');

  await page.locator(`[data-testid="contact"][data-uri="${desk.uri('maria')}"]`).click();
  await page.locator('[data-testid="conversation"]').waitFor();
  await take('conversation');

  await page.click('[data-testid="tab-recent"]');
  await take('recent');
  await page.click('[data-testid="tab-history"]');
  await take('history');
  await page.click('[data-testid="tab-contacts"]');

  await page.click('[data-testid="open-settings"]');
  await page.locator('.settings').waitFor();
  const sections = await page
    .locator('.settings-nav button[data-testid^="settings-"]:not(.settings-close)')
    .evaluateAll((b) => b.map((e) => e.getAttribute('data-testid')!));
  for (const id of sections) {
    await page.click(`[data-testid="${id}"]`);
    await page.locator(`[data-testid="${id}"][aria-current="page"]`).waitFor();
    // A section that reads from the server says "Loading…" first: wait for it to go.
    await page.locator('.settings-body .empty').filter({ hasText: /…$/ }).waitFor({ state: 'detached' });
    await take(`settings: ${id}`);
  }
  await page.click('[data-testid="settings-close"]');

  await page.click('[data-testid="open-diagnostics"]');
  await page.locator('[data-testid="diag-entry"]').first().click();
  await page.locator('[data-testid="diag-message"]').waitFor();
  await take('diagnostics');
  await page.click('[data-testid="diag-close"]');
  return seen;
}

async function chooseLanguage(language: string): Promise<void> {
  await page.click('[data-testid="open-settings"]');
  await page.click('[data-testid="settings-desktop"]');
  await page.selectOption('[data-testid="pref-language"]', language);
  await page.locator(`html[lang="${language === 'system' ? 'en' : language}"]`).waitFor();
  await page.click('[data-testid="settings-close"]');
}

describe('languages', () => {
  let english: Walk;
  let german: Walk;

  it('walks the main views in English', async () => {
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // A message of our own, so that the conversation shows its delivery state.
    await page.locator(`[data-testid="contact"][data-uri="${desk.uri('maria')}"]`).click();
    await page.fill('[data-testid="im-input"]', 'Sure');
    await page.keyboard.press('Enter');
    english = await walk();
    expect(english.get('settings: settings-desktop')).toContain('Language');
  });

  it('changes every visible string of the main views when German is chosen in Settings, without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { beforeGerman: boolean }).beforeGerman = true));
    await chooseLanguage('de');
    german = await walk();
    expect(await page.evaluate(() => (window as unknown as { beforeGerman?: boolean }).beforeGerman)).toBe(true);
    // Each string left in English once, with the first view that shows it.
    const leftovers = new Map<string, string>();
    for (const [view, strings] of english) {
      const inGerman = new Set(german.get(view));
      expect(inGerman.size, view).toBeGreaterThan(0);
      for (const s of strings)
        if (inGerman.has(s) && englishLeft(s).length && !leftovers.has(s)) leftovers.set(s, `${view}: ${JSON.stringify(s)} (${englishLeft(s).join(' ')})`);
    }
    expect([...leftovers.values()]).toEqual([]);
    expect(desk.console.filter((line) => line.includes('missing string:'))).toEqual([]);
  });

  it('shows sign-in in German too', async () => {
    await desk.created.backend.handlers['session:sign-out']();
    await page.locator('[data-testid="sign-in"]').waitFor();
    const strings = await visibleStrings();
    await chooseLanguageFromSignIn('en');
    const inEnglish = await visibleStrings();
    const left = inEnglish.filter((s) => strings.includes(s) && englishLeft(s).length);
    expect(left).toEqual([]);
    expect(desk.pageErrors).toEqual([]);
  });
});

/** On the sign-in view Settings is not open: the saved choice is changed through the host. */
async function chooseLanguageFromSignIn(language: 'en' | 'de'): Promise<void> {
  await desk.created.backend.handlers['desktop:set-prefs']({ language });
  await page.reload();
  await page.locator(`html[lang="${language}"]`).waitFor();
  await page.locator('[data-testid="sign-in"]').waitFor();
}

describe('the language at start', () => {
  it('is the saved choice after a restart, and the system language when none is saved', async () => {
    const saved = await startDeskE2e('languages-saved', { locale: 'en-US' });
    try {
      await saved.created.backend.handlers['desktop:set-prefs']({ language: 'de' });
      await saved.page.reload();
      await saved.page.locator('html[lang="de"]').waitFor();
      await saved.page.click('[data-testid="open-settings"]');
      await saved.page.locator(`[role="dialog"][aria-label="${(RESOURCES.de.settings as { title: string }).title}"]`).waitFor();
    } finally {
      await saved.close();
    }
    const system = await startDeskE2e('languages-system', { locale: 'de-AT' });
    try {
      await system.page.locator('html[lang="de"]').waitFor();
      await system.page.click('[data-testid="open-settings"]');
      await system.page.click('[data-testid="settings-desktop"]');
      expect(await system.page.inputValue('[data-testid="pref-language"]')).toBe('system');
    } finally {
      await system.close();
    }
  });
});
