/**
 * The reliability suite's browser-host attack set, run as a test: no token, wrong tokens,
 * foreign origins, malformed request lines, malformed and oversized frames, unknown channels
 * and wrong argument types on every channel, against the real backend. Every figure must
 * meet its target, and none of it may escape as an uncaught error.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { browserHostAttacks } from '../../../reliability/attacks';
import { Report } from '../../../reliability/report';

const escaped: unknown[] = [];
const onEscape = (error: unknown) => escaped.push(error);
beforeEach(() => {
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
});
afterEach(() => {
  process.off('uncaughtException', onEscape);
  process.off('unhandledRejection', onEscape);
});

it('refuses every attack in words, lets none reach a service, and keeps serving', async () => {
  const report = new Report({ quiet: true });
  await browserHostAttacks(report, { staticDir: join(import.meta.dirname, '../../../dist/renderer') });
  const missed = report.figures.filter((f) => f.ok === false).map((f) => `${f.what}: ${f.value}`);
  expect(missed).toEqual([]);
  expect(report.figures.map((f) => f.what)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^wrong argument types on every channel/),
      expect.stringMatching(/^oversized frames/),
      'service calls reached by unknown channels or wrong arguments',
    ]),
  );
  expect(escaped).toEqual([]);
}, 60_000);
