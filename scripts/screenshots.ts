/**
 * Writes the README's screenshots from the real app: builds the renderer, starts the demo lab
 * and the browser host, drives Debian's Chromium through a short session, and saves
 *
 *   docs/screenshot-buddy-list.png     the contact list with live presence
 *   docs/screenshot-conversation.png   a conversation with a colleague
 *   docs/screenshot-status-menu.png    the own-status chooser, open
 *   docs/screenshot-diagnostics.png    the Diagnostics view with a masked REGISTER and its ladder
 *   docs/screenshot-ladder.png         the ladder diagram of the sign-in's REGISTER dialog
 *   docs/screenshot-dark.png           the dark theme (system setting): buddy list with photos, a conversation
 *   docs/screenshot-german.png         the app in German: buddy list and a conversation
 *   docs/screenshot-german-settings.png  Settings → Desktop with the language choice, in German
 *   docs/screenshot-recent-notes.png   the recent status notes, open
 *   docs/screenshot-desk.png           a conversation, and a contact's menu with its Call items
 *   docs/screenshot-dial-recent.png    the dial box with the rule preview, and the Recent tab
 *   docs/screenshot-own-phone.png      a call on the desk phone (CTI gateway) and "On the phone"
 *   docs/screenshot-contact-card.png   a contact card with directory numbers and their previews
 *   docs/screenshot-connection-settings.png  Settings → Connection with the SIP choices
 *
 * Run with `npx tsx scripts/screenshots.ts` after UI changes. Everything it starts is stopped
 * before it exits, also on failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { createBackend, type CreatedBackend } from '../host/backend-factory';
import { demoLabStarter } from '../host/demo-lab';
import { startBrowserHost, type BrowserHost } from '../host/browser-host';
import { launchChromium } from '../test/support/chromium';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'docs');

async function main(): Promise<void> {
  await build({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  const profile = mkdtempSync(join(tmpdir(), 'pd-screenshots-'));
  let created: CreatedBackend | undefined;
  let host: BrowserHost | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    created = await createBackend([], 'browser', { profileDir: profile, demoLab: demoLabStarter({ livenEveryMs: 0, replyDelayMs: 300 }), log: () => {} });
    host = await startBrowserHost({ backend: created.backend, info: created.info, staticDir: join(root, 'dist', 'renderer') });
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(host.url);
    const lab = created.lab!;
    const uri = (id: string) => `sip:${id}@${lab.domain}`;
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor();
    for (const [id, availability] of Object.entries({ maria: 'available', sam: 'away', priya: 'busy', jonas: 'dnd', lena: 'offline' })) {
      await page.locator(`[data-testid="contact"][data-uri="${uri(id)}"][data-availability="${availability}"]`).waitFor({ timeout: 10_000 });
    }
    await page.locator('[data-testid="directory-status"][data-state="ready"]').waitFor({ timeout: 10_000 });
    for (const note of ['Working from Berlin today', 'Planning the release']) {
      await page.fill('[data-testid="own-note"]', note);
      await page.keyboard.press('Enter');
      await lab.bots.get('maria')!.waitForPresence(uri(lab.demoUser.id), (p) => p.note === note, 10_000);
    }
    await page.locator('[data-testid="recent-notes"]:not([disabled])').waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-buddy-list.png') });
    console.log('wrote docs/screenshot-buddy-list.png');

    await page.click(`[data-testid="contact"][data-uri="${uri('maria')}"]`);
    await page.fill('[data-testid="im-input"]', 'Are we still on for the roadmap review at 3? Dial-in is +1 408 555 0199.');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="message"][data-direction="in"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(docs, 'screenshot-conversation.png') });
    console.log('wrote docs/screenshot-conversation.png');

    // A native <select> popup is drawn by the OS, outside the page, and never appears in a page
    // screenshot: show the same options as an open list box for the picture.
    await page.locator('[data-testid="own-status"]').evaluate((el) => {
      const select = el as HTMLSelectElement;
      select.size = select.options.length;
      select.style.position = 'relative';
      select.style.zIndex = '10';
    });
    const sidebar = await page.locator('.sidebar').boundingBox();
    await page.screenshot({ path: join(docs, 'screenshot-status-menu.png'), clip: { x: 0, y: 0, width: Math.ceil(sidebar?.width ?? 320) + 20, height: 300 } });
    await page.locator('[data-testid="own-status"]').evaluate((el) => {
      (el as HTMLSelectElement).size = 0;
      (el as HTMLSelectElement).removeAttribute('style');
    });
    console.log('wrote docs/screenshot-status-menu.png');

    await page.click('[data-testid="recent-notes"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="recent-note"]').length === 2);
    await page.screenshot({ path: join(docs, 'screenshot-recent-notes.png'), clip: { x: 0, y: 0, width: Math.ceil(sidebar?.width ?? 320) + 20, height: 300 } });
    await page.keyboard.press('Escape');
    console.log('wrote docs/screenshot-recent-notes.png');

    const priya = page.locator('li', { has: page.locator(`[data-testid="contact"][data-uri="${uri('priya')}"]`) });
    await priya.hover();
    await priya.locator('[data-testid="contact-more"]').click();
    await page.locator('[data-testid="menu-call"][title^="will dial"]').first().waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-desk.png') });
    await page.keyboard.press('Escape');
    console.log('wrote docs/screenshot-desk.png');

    const maria = page.locator('li', { has: page.locator(`[data-testid="contact"][data-uri="${uri('maria')}"]`) });
    await maria.hover();
    await maria.locator('[data-testid="contact-more"]').click();
    await page.click('[data-testid="menu-card"]');
    await page.locator('[data-testid="contact-card"]').waitFor();
    await page.locator('[data-testid="card-number"]').first().hover();
    await page.locator('[data-testid="card-number-hint"]').first().waitFor();
    await page.locator('[data-testid="card-device"]').first().waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-contact-card.png') });
    await page.click('[data-testid="card-close"]');
    console.log('wrote docs/screenshot-contact-card.png');

    await maria.hover();
    await maria.locator('[data-testid="contact-more"]').click();
    await page.locator('[data-testid="menu-call"][data-label="work"]').click();
    await page.locator('[data-testid="menu-call-result"][data-ok="true"]').waitFor();
    await page.fill('[data-testid="dial-input"]', '+1 (650) 555-0199');
    await page.locator('[data-testid="dial-preview"]', { hasText: 'will dial' }).waitFor();
    await page.click('[data-testid="tab-recent"]');
    await page.locator('[data-testid="recent-entry"]').first().waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-dial-recent.png') });
    await page.fill('[data-testid="dial-input"]', '');
    await page.click('[data-testid="tab-contacts"]');
    console.log('wrote docs/screenshot-dial-recent.png');

    // The call to Maria is up on the desk phone: the CTI gateway reports it, colleagues see On the phone.
    await page.locator('[data-testid="phone-call"][data-state="talking"]').first().waitFor();
    await page.locator('[data-testid="own-on-the-phone"]').waitFor();
    await lab.bots.get('omar')!.waitForPresence(uri(lab.demoUser.id), (p) => p.availability === 'on-the-phone', 10_000);
    await page.screenshot({ path: join(docs, 'screenshot-own-phone.png'), clip: { x: 0, y: 0, width: Math.ceil(sidebar?.width ?? 320) + 20, height: 380 } });
    await page.locator('[data-testid="phone-call"][data-state="talking"] [data-testid="hang-up"]').first().click();
    await page.locator('[data-testid="own-on-the-phone"]').waitFor({ state: 'detached' });
    console.log('wrote docs/screenshot-own-phone.png');

    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-connection"]');
    await page.locator('[data-testid="sip-settings"]').waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-connection-settings.png') });
    await page.click('[data-testid="settings-close"]');
    console.log('wrote docs/screenshot-connection-settings.png');

    await page.click('[data-testid="open-diagnostics"]');
    await page.fill('[data-testid="diag-text"]', 'Authorization:');
    const register = page.locator('[data-testid="diag-entry"]', { hasText: 'REGISTER sip:' }).first();
    await register.waitFor();
    await register.click();
    await page.locator('[data-testid="diag-message"]').waitFor();
    await page.fill('[data-testid="diag-text"]', '');
    // The whole trace again: answers and the CUPS SOAP exchanges, not only the filtered requests.
    await page.locator('[data-testid="diag-entry"][data-direction="in"]', { hasText: '200 OK (MESSAGE)' }).first().waitFor();
    await page.locator('[data-testid="diag-entry"][data-protocol="soap"]').first().waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-diagnostics.png') });
    console.log('wrote docs/screenshot-diagnostics.png');
    await page.locator('[data-testid="ladder-arrow"]').first().waitFor();
    await page.locator('[data-testid="diag-detail"]').screenshot({ path: join(docs, 'screenshot-ladder.png') });
    console.log('wrote docs/screenshot-ladder.png');
    await page.click('[data-testid="diag-close"]');

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.click(`[data-testid="contact"][data-uri="${uri('maria')}"]`);
    await page.locator('[data-testid="conversation"] [data-testid="avatar"][data-kind="photo"]').waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-dark.png') });
    console.log('wrote docs/screenshot-dark.png');

    // German, chosen in Settings → Desktop: applied at once, no reload.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-desktop"]');
    await page.selectOption('[data-testid="pref-language"]', 'de');
    await page.locator('html[lang="de"]').waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-german-settings.png') });
    console.log('wrote docs/screenshot-german-settings.png');
    await page.click('[data-testid="settings-close"]');
    await page.click(`[data-testid="contact"][data-uri="${uri('maria')}"]`);
    await page.locator('[data-testid="conversation"]').waitFor();
    await page.screenshot({ path: join(docs, 'screenshot-german.png') });
    console.log('wrote docs/screenshot-german.png');
  } finally {
    await browser?.close();
    await host?.close();
    await created?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
