/**
 * Child process of the history figures, so that a kill -9 and the memory of an opening are
 * the child's own. Modes:
 *   write <dir>         adds messages as fast as it can, printing each id once add() returned
 *   import <dir>        imports the JSON Lines file, prints {ms, report}
 *   background <dir>    opens as sign-in does (import in the background), prints each progress
 *                       as a JSON line, then {openMs, importMs, lag…, indexMs…} at the end
 *   open <dir> <word>   opens, reads the first frame, searches, prints times and RSS
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MessageHistory } from '../core/store/history';

const [mode, dir, word] = process.argv.slice(2);
const peer = 'sip:maria@lab.test';

if (mode === 'write') {
  const h = new MessageHistory(dir, 'alex');
  for (let i = 0; ; i += 1) {
    const id = `w${process.pid}-${i}`;
    h.add({
      id,
      peer,
      direction: i % 2 ? 'in' : 'out',
      text: `acknowledged ${i} ${'z'.repeat(i % 300)}`,
      at: Date.now(),
      state: i % 2 ? 'received' : 'queued',
    });
    process.stdout.write(`${id}\n`);
  }
} else if (mode === 'import') {
  const started = performance.now();
  const h = new MessageHistory(dir, 'alex', undefined, { indexInBackground: false });
  const ms = performance.now() - started;
  const indexStarted = performance.now();
  let slices = 0;
  let worst = 0;
  for (;;) {
    const t = performance.now();
    const left = h.indexSome();
    worst = Math.max(worst, performance.now() - t);
    slices += 1;
    if (left === 0) break;
  }
  h.close();
  console.log(
    JSON.stringify({ ms, report: h.loadReport, indexMs: performance.now() - indexStarted, slices, worstSliceMs: worst, rss: process.memoryUsage().rss }),
  );
} else if (mode === 'background') {
  // What sign-in waits for (the constructor), then the import's slices between other work.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  let openMs = 0;
  const h: MessageHistory = new MessageHistory(dir, 'alex', undefined, {
    importInBackground: true,
    indexInBackground: false,
    onImport: (progress) => {
      process.stdout.write(`${JSON.stringify({ progress })}\n`);
      if (!progress.done && !progress.error) return;
      const importMs = performance.now() - started;
      lag.disable();
      const indexStarted = performance.now();
      let worst = 0;
      for (;;) {
        const t = performance.now();
        const left = h.indexSome();
        worst = Math.max(worst, performance.now() - t);
        if (left === 0) break;
      }
      h.close();
      process.stdout.write(
        `${JSON.stringify({
          openMs,
          importMs,
          imported: progress.imported,
          error: progress.error ?? null,
          lagMaxMs: lag.max / 1e6,
          lagP99Ms: lag.percentile(99) / 1e6,
          indexMs: performance.now() - indexStarted,
          worstSliceMs: worst,
          rss: process.memoryUsage().rss,
        })}\n`,
      );
    },
  });
  openMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ openMs, messagesAtOpen: h.loadReport.messages })}\n`);
} else if (mode === 'open') {
  const rssAtStart = process.memoryUsage().rss;
  const started = performance.now();
  const h = new MessageHistory(dir, 'alex', undefined, { indexInBackground: false });
  const openMs = performance.now() - started;
  let t = performance.now();
  const recent = h.recent();
  const recentMs = performance.now() - t;
  const peers = h.peers();
  t = performance.now();
  const rare = h.search(word);
  const rareMs = performance.now() - t;
  t = performance.now();
  const common = h.search('release');
  const commonMs = performance.now() - t;
  t = performance.now();
  const first = h.page(peers[0], { limit: 100 });
  const older = h.page(peers[0], { before: first.messages[0].id, limit: 100 });
  const pageMs = performance.now() - t;
  const rss = process.memoryUsage().rss;
  h.close();
  console.log(
    JSON.stringify({
      openMs,
      messages: h.loadReport.messages,
      recentMs,
      conversations: Object.keys(recent).length,
      rareMs,
      rareHits: rare.length,
      commonMs,
      commonHits: common.length,
      pageMs,
      older: older.messages.length,
      rss,
      rssAtStart,
    }),
  );
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
