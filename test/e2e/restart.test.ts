/**
 * End to end across an app restart: chat with a colleague bot (typing indication, delivery
 * states), quit the app — backend, browser host and page — and start it again on the same
 * profile. The conversation is all there, in order, with each message's delivery state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';

const profile = mkdtempSync(join(tmpdir(), 'pd-e2e-restart-'));
let desk: DeskE2e | undefined;

afterAll(async () => {
  await desk?.close();
  rmSync(profile, { recursive: true, force: true });
});

describe('a conversation survives quitting and starting the app again', () => {
  const lines = ['Morning! Is the roadmap review still at 3?', 'And could you bring the Q3 numbers — grüße, 👋'];

  it('chats with a colleague: typing indication, then each message sent and answered', async () => {
    desk = await startDeskE2e('restart', { profile, lab: { livenEveryMs: 0, replyDelayMs: 400 } });
    const { page } = desk;
    await page.locator(`[data-testid="contact"][data-uri="${desk.uri('maria')}"]`).click();
    for (const [n, line] of lines.entries()) {
      await page.fill('[data-testid="im-input"]', line);
      await page.keyboard.press('Enter');
      await page.locator(`[data-testid="message"][data-direction="out"][data-state="sent"] >> nth=${n}`).waitFor();
      // The bot shows it is typing before it answers.
      await page.locator('[data-testid="composing"]').waitFor();
      await page.locator(`[data-testid="message"][data-direction="in"] >> nth=${n}`).waitFor();
    }
    expect(desk.pageErrors).toEqual([]);
    await desk.close();
    desk = undefined;
  });

  it('after the restart the conversation is shown again, in order, with its delivery states', async () => {
    desk = await startDeskE2e('restart', { profile, lab: { livenEveryMs: 0 } });
    const { page } = desk;
    await page.locator(`[data-testid="contact"][data-uri="${desk.uri('maria')}"]`).click();
    await page.locator('[data-testid="message"] >> nth=3').waitFor();
    const shown = await page.locator('[data-testid="message"]').evaluateAll((els) =>
      els.map((e) => ({
        direction: e.getAttribute('data-direction'),
        state: e.getAttribute('data-state'),
        text: e.querySelector('[data-testid="message-text"]')?.textContent,
      })),
    );
    expect(shown.map((m) => m.direction)).toEqual(['out', 'in', 'out', 'in']);
    expect(shown.filter((m) => m.direction === 'out').map((m) => [m.text, m.state])).toEqual(lines.map((l) => [l, 'sent']));
    expect(shown[1].text).toContain(lines[0]);
    expect(shown[3].text).toContain(lines[1]);
    expect(desk.pageErrors).toEqual([]);
  });
});
