/**
 * The hostile IM and note corpus through the real lab, checked in the DOM: colleague bots send
 * every hostile IM over SIP (Kamailio) and publish every hostile note in their PIDF, and the
 * app (the real backend, the browser host, Debian's Chromium) must show each as exactly the
 * text sent, with nothing in it made into an element, a handler, an unsafe link or a running
 * script (test/support/hostile-corpus.ts). The fast case of this part is
 * test/e2e/hostile-corpus.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../host/backend-factory';
import { demoLabStarter } from '../host/demo-lab';
import { startBrowserHost } from '../host/browser-host';
import { launchChromium } from '../test/support/chromium';
import { HOSTILE_IM_ONLY, HOSTILE_TEXTS, inertness, isInert, type InertReport } from '../test/support/hostile-corpus';
import { builtRenderer } from './renderer-build';
import type { Report } from './report';

const AREA = 'hostile input';

function summary(reports: InertReport[]): string {
  const elements = reports.reduce((n, r) => n + r.elements, 0);
  const handlers = reports.reduce((n, r) => n + r.handlers, 0);
  const links = reports.reduce((n, r) => n + r.unsafeLinks.length, 0);
  const ran = reports.filter((r) => r.pwned !== undefined).length;
  return `${elements} elements, ${handlers} handlers, ${links} unsafe links, ${ran ? 'a script RAN' : 'no script ran'}`;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (let delay = 20; Date.now() < end; delay = Math.min(delay * 2, 250)) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, delay));
  }
  return check().catch(() => false);
}

export async function hostileCorpus(report: Report): Promise<void> {
  const staticDir = await builtRenderer();
  const profile = mkdtempSync(join(tmpdir(), 'pd-rel-hostile-'));
  const created = await createBackend([], 'browser', {
    profileDir: profile,
    demoLab: demoLabStarter({ livenEveryMs: 0, replyDelayMs: 60_000 }),
    log: () => {},
  });
  const host = await startBrowserHost({ backend: created.backend, info: created.info, staticDir });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e.message).slice(0, 200)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(host.url);
    await page.locator('[data-testid="connection"][data-phase="signed-in"]').waitFor({ timeout: 60_000 });
    const lab = created.lab!;
    const me = `sip:${lab.demoUser.id}@${lab.domain}`;
    const bots = [...lab.bots.values()];

    // ── IMs: one colleague sends the whole corpus over SIP ──────────────────────────────────
    const sender = bots[0]!;
    created.session.requestOpen({ kind: 'chat', uri: sender.uri });
    const conversation = `[data-testid="conversation"][data-peer="${sender.uri}"]`;
    await page.locator(conversation).waitFor();
    const ims = [...HOSTILE_TEXTS, ...HOSTILE_IM_ONLY];
    const notSent: string[] = [];
    for (const text of ims) await sender.account.sendMessage(me, text).catch((e: Error) => notSent.push(e.message));
    const shownTexts = () => page.locator(`${conversation} [data-testid="message"][data-direction="in"] [data-testid="message-text"]`).allTextContents();
    await until(async () => (await shownTexts()).length >= ims.length - notSent.length, 20_000);
    const shown = await shownTexts();
    const exact = ims.filter((t) => shown.includes(t)).length;
    const imInert = await inertness(page, `${conversation} .messages`);
    report.add(
      AREA,
      `hostile IMs over SIP (${ims.length}): shown exactly as sent`,
      `${exact} / ${ims.length}${notSent.length ? ` (${notSent.length} not accepted by the server: ${notSent[0]})` : ''}`,
      `${ims.length} / ${ims.length}`,
      exact === ims.length,
    );
    report.add(AREA, 'hostile IMs: in the DOM', summary([imInert]), '0, 0, 0, none ran', isInert(imInert));

    // ── notes: colleagues publish the corpus in their presence, one note each in turn ───────
    let notesExact = 0;
    const missing: string[] = [];
    const notPublished: string[] = [];
    const noteReports: InertReport[] = [];
    for (const [i, note] of HOSTILE_TEXTS.entries()) {
      const bot = bots[i % bots.length]!;
      const published = await bot.setStatus({ availability: 'busy', note }).then(
        () => true,
        (e: Error) => (notPublished.push(`${note.length} characters: ${e.message}`), false),
      );
      if (!published) continue;
      created.session.requestOpen({ kind: 'chat', uri: bot.uri });
      const header = page.locator(`[data-testid="conversation"][data-peer="${bot.uri}"] header .subtle`);
      // A note travels in XML, whose readers must turn CR LF and lone CR into LF (XML 1.0 §2.11).
      const expected = note.replace(/\r\n?/g, '\n');
      if (await until(async () => (await header.textContent()) === expected, 10_000)) notesExact += 1;
      else missing.push(`${JSON.stringify(note.slice(0, 40))} shown as ${JSON.stringify((await header.textContent().catch(() => ''))?.slice(0, 40))}`);
      noteReports.push(await inertness(page, `[data-testid="conversation"][data-peer="${bot.uri}"] header`));
    }
    noteReports.push(await inertness(page, '[data-testid="contact"]'));
    report.add(
      AREA,
      `hostile presence notes over PUBLISH/NOTIFY (${HOSTILE_TEXTS.length}): shown exactly as set`,
      `${notesExact} / ${HOSTILE_TEXTS.length}${missing.length ? ` — ${missing.slice(0, 2).join('; ')}` : ''}${notPublished.length ? ` (${notPublished.length} not accepted by the server: ${notPublished.join('; ')})` : ''}`,
      `${HOSTILE_TEXTS.length - notPublished.length} / ${HOSTILE_TEXTS.length - notPublished.length}`,
      notesExact === HOSTILE_TEXTS.length - notPublished.length && missing.length === 0,
    );
    report.add(
      AREA,
      'hostile notes: in the DOM (conversation headers and buddy-list rows)',
      summary(noteReports),
      '0, 0, 0, none ran',
      noteReports.every(isInert),
    );
    const away = new URL(page.url()).origin !== host.origin;
    report.add(
      AREA,
      'page errors, dialogs, navigation away',
      `${pageErrors.length} errors, ${dialogs.length} dialogs, ${away ? 'navigated AWAY' : 'stayed'}`,
      '0, 0, stayed',
      pageErrors.length === 0 && dialogs.length === 0 && !away,
    );
  } finally {
    await browser.close();
    await host.close();
    await created.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
