/**
 * End to end: the long-term status and the Privacy and Calendar settings, in Chromium through
 * the browser host on the demo lab. Every change is checked against what the lab CUPS server
 * stored, and a refused change goes back on screen with the server's words.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedBackend } from '../../host/backend-factory';
import { startDeskE2e, type DeskE2e } from '../support/desk-e2e';
import { find } from '../unit/cups/features-support';

const root = join(import.meta.dirname, '..', '..');
let desk: DeskE2e;
let created: CreatedBackend;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  desk = await startDeskE2e('cups', { lab: { bots: false } });
  ({ created, page, pageErrors } = desk);
});

afterAll(() => desk?.close());

const labState = () => created.lab!.cups.state('alex');
const storedNote = () => {
  const stored = labState().longTermPresence;
  return stored === undefined ? undefined : find(JSON.parse(stored), 'note');
};

describe('CUPS settings in the app, on the demo lab', () => {
  it('sets and clears a long-term status; the lab holds exactly that', async () => {
    await page.click('[data-testid="long-term-open"]');
    await page.fill('[data-testid="long-term-note"]', 'On vacation');
    await page.fill('[data-testid="long-term-until"]', '2026-12-03');
    await page.click('[data-testid="long-term-save"]');
    await page.locator('[data-testid="long-term-text"]', { hasText: 'On vacation until 3 Dec' }).waitFor();
    expect(storedNote()).toBe('On vacation');
    expect(find(JSON.parse(labState().longTermPresence!), '@until')).toBe('2026-12-03T23:59:59Z');
    expect(labState().properties.get('PresenceDesk.LongTermStatus.Note')?.value).toBe('On vacation');

    // A reload reads it back from the server.
    await page.reload();
    await page.locator('[data-testid="long-term-text"]', { hasText: 'On vacation until 3 Dec' }).waitFor();
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results', 'e2e-long-term.png') });

    await page.click('[data-testid="long-term-clear"]');
    await page.locator('[data-testid="long-term"][data-set="false"]').waitFor();
    await expect.poll(() => labState().longTermPresence).toBeUndefined();
    expect(labState().properties.get('PresenceDesk.LongTermStatus.Note')?.value).toBe('');
  });

  it('a refused long-term status is shown in the server’s words and nothing is stored', async () => {
    created.lab!.cups.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'publish-pres-status' });
    await page.click('[data-testid="long-term-open"]');
    await page.fill('[data-testid="long-term-note"]', 'Out of office');
    await page.click('[data-testid="long-term-save"]');
    await page.locator('[data-testid="long-term-error"]', { hasText: 'Setting the long-term status failed: Could not connect to database.' }).waitFor();
    expect(labState().longTermPresence).toBeUndefined();
    await page.click('.long-term-form .link');
  });

  it('adds and removes a privacy rule and its watchers; the lab holds exactly that', async () => {
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-privacy"]');
    await page.locator('[data-testid="privacy"]').waitFor();
    await page.fill('[data-testid="rule-name"]', 'Blocked');
    await page.selectOption('[data-testid="rule-new-visibility"]', 'none');
    await page.click('[data-testid="rule-add"]');
    const rule = page.locator('[data-testid="privacy-rule"][data-name="Blocked"]');
    await rule.waitFor();
    await expect.poll(() => labState().presenceRules.get('Blocked')?.visibility).toBe('none');

    await rule.locator('[data-testid="watcher-input"]').fill('sam');
    await rule.locator('[data-testid="watcher-add"]').click();
    await rule.locator('[data-testid="watcher"][data-id="sam"]').waitFor();
    await expect.poll(() => [...(labState().acl.get('Blocked') ?? [])]).toEqual(['sam']);
    await rule.locator('[data-testid="watcher-input"]').fill('maria');
    await rule.locator('[data-testid="watcher-add"]').click();
    await expect.poll(() => [...(labState().acl.get('Blocked') ?? [])]).toEqual(['sam', 'maria']);
    await page.screenshot({ path: join(root, 'test-results', 'e2e-privacy.png') });

    // Refused by the server: shown at once, then taken back with the server's words.
    created.lab!.cups.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'add-acl' });
    await rule.locator('[data-testid="watcher-input"]').fill('omar');
    await rule.locator('[data-testid="watcher-add"]').click();
    await page.locator('[data-testid="privacy-error"]', { hasText: 'Adding omar to "Blocked" failed: Could not connect to database.' }).waitFor();
    expect(await rule.locator('[data-testid="watcher"][data-id="omar"]').count()).toBe(0);
    expect([...(labState().acl.get('Blocked') ?? [])]).toEqual(['sam', 'maria']);

    await rule.locator('[data-testid="watcher"][data-id="sam"] [data-testid="watcher-remove"]').click();
    await expect.poll(() => [...(labState().acl.get('Blocked') ?? [])]).toEqual(['maria']);
    expect(await rule.locator('[data-testid="watcher"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(['maria']);

    await rule.locator('[data-testid="rule-visibility"]').selectOption('reachability-only');
    await expect.poll(() => labState().presenceRules.get('Blocked')?.visibility).toBe('reachability-only');

    await rule.locator('[data-testid="rule-delete"]').click();
    await expect.poll(() => labState().presenceRules.has('Blocked')).toBe(false);
    // The rule's watcher list is deleted by a second request after the rule itself.
    await expect.poll(() => [...(labState().acl.get('Blocked') ?? [])]).toEqual([]);
    await rule.waitFor({ state: 'detached' });
  });

  it('adds, changes and removes a reachability condition; the lab holds it and a bad status is refused in words', async () => {
    await page.fill('[data-testid="rule-name"]', 'Reach');
    await page.selectOption('[data-testid="rule-new-visibility"]', 'reachability-only');
    await page.click('[data-testid="rule-add"]');
    const rule = page.locator('[data-testid="privacy-rule"][data-name="Reach"]');
    await expect.poll(() => labState().presenceRules.get('Reach')?.visibility).toBe('reachability-only');

    await rule.locator('[data-testid="rule-reachability-edit"]').click();
    await rule.locator('[data-testid="reachability-add-source"]').click();
    await rule.locator('[data-testid="reachability-source"] input').fill('cupc');
    await rule.locator('[data-testid="reachability-add-when"]').click();
    const when = rule.locator('[data-testid="reachability-when"]');
    await when.locator('[data-testid="when-status"]').fill('busy');
    await when.locator('[data-testid="test-source"]').fill('Cell Phone');
    await when.locator('[data-testid="test-status"]').fill('on-the-phone');
    await rule.locator('[data-testid="reachability-save"]').click();
    await expect
      .poll(() => labState().presenceRules.get('Reach')?.reachability)
      .toBe(
        '<pr:cond><pr:epas-reachability source="cupc"></pr:epas-reachability>' +
          '<pr:when reachability-status="busy"><pr:epas-status source="Cell Phone" status="on-the-phone"></pr:epas-status></pr:when></pr:cond>',
      );
    await rule.locator('[data-testid="rule-reachability"]', { hasText: 'when busy (2 conditions)' }).waitFor();

    // Read back from the lab after a reload, then changed to a status that is not one word: refused, nothing sent.
    await page.reload();
    await page.click('[data-testid="open-settings"]');
    await page.click('[data-testid="settings-privacy"]');
    await rule.locator('[data-testid="rule-reachability-edit"]').click();
    expect(await rule.locator('[data-testid="test-status"]').inputValue()).toBe('on-the-phone');
    const before = labState().presenceRules.get('Reach')?.reachability;
    await rule.locator('[data-testid="when-status"]').fill('out to lunch');
    await rule.locator('[data-testid="reachability-save"]').click();
    await page.locator('[data-testid="privacy-error"]', { hasText: '"out to lunch" shown by condition 1 is not a status' }).waitFor();
    expect(labState().presenceRules.get('Reach')?.reachability).toBe(before);

    await rule.locator('[data-testid="rule-reachability-edit"]').click();
    await rule.locator('[data-testid="test-status"]').fill('away');
    await rule.locator('[data-testid="reachability-save"]').click();
    await expect.poll(() => labState().presenceRules.get('Reach')?.reachability).toContain('status="away"');

    await rule.locator('[data-testid="rule-reachability-edit"]').click();
    await rule.locator('[data-testid="when-remove"]').click();
    await rule.locator('[data-testid="reachability-source"] button').click();
    await rule.locator('[data-testid="reachability-save"]').click();
    await expect.poll(() => labState().presenceRules.get('Reach')?.reachability).toBeUndefined();
    await rule.locator('[data-testid="rule-reachability"]').waitFor({ state: 'detached' });
    await rule.locator('[data-testid="rule-delete"]').click();
    await expect.poll(() => labState().presenceRules.has('Reach')).toBe(false);
  });

  it('turns calendar integration on and off; the lab holds it', async () => {
    await page.click('[data-testid="settings-calendar"]');
    const toggle = page.locator('[data-testid="calendar-toggle"]');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await expect.poll(() => labState().calendaring).toBe(true);
    await toggle.uncheck();
    await expect.poll(() => labState().calendaring).toBe(false);
  });

  it('saves a preference on the server and changes it; the lab holds it', async () => {
    await page.click('[data-testid="settings-server-preferences"]');
    await page.locator('[data-testid="preference"][data-name="PhoneNumber.Primary"]').waitFor();
    await page.fill('[aria-label="New preference name"]', 'Preferred.Contact');
    await page.fill('[aria-label="New preference value"]', 'email');
    await page.click('[data-testid="server-preferences"] button[type="submit"]');
    await page.locator('[data-testid="preference"][data-name="Preferred.Contact"]').waitFor();
    await expect.poll(() => labState().properties.get('Preferred.Contact')).toEqual({ value: 'email', isPublic: false });
    await page.check('[aria-label="Preferred.Contact is public"]');
    await expect.poll(() => labState().properties.get('Preferred.Contact')).toEqual({ value: 'email', isPublic: true });
    await page.fill('[aria-label="Value of Preferred.Contact"]', 'phone');
    await page.locator('[aria-label="New preference name"]').focus();
    await expect.poll(() => labState().properties.get('Preferred.Contact')?.value).toBe('phone');
    await page.click('[data-testid="settings-close"]');
  });

  it('had no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
