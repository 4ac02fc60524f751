/**
 * The demo lab for one test file: started before its tests with a temporary directory and a log
 * of its own, stopped and removed after them, and sessions made the same way in every file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DeskSession } from '../../core/desk-session';
import { MemorySettingsStore, type Settings } from '../../core/store/settings';
import { startLab, type Lab, type LabOptions } from '../../lab';

export interface DemoLab {
  /** Set once the file's tests start. */
  readonly lab: Lab;
  /** The file's temporary directory (histories, files); removed after its tests. */
  readonly dir: string;
  /** What the lab and the sessions logged, to explain a failure. */
  readonly log: string[];
  /**
   * A session with fresh settings (`settings` preset), logging into `log`. Given a `name`, its
   * history is kept in its own folder and its log lines start with the name (tests with two
   * clients); else its history is the file's directory.
   */
  newSession(name?: string, settings?: Partial<Settings>): DeskSession;
}

/** Registers the file's beforeAll/afterAll; `beforeStop` undoes what a test may have left (a paused server). */
export function useDemoLab(prefix: string, options: Omit<LabOptions, 'log'>, beforeStop?: (lab: Lab) => void): DemoLab {
  const log: string[] = [];
  let lab: Lab | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    lab = await startLab({ ...options, log: (l) => log.push(l) });
  });
  afterAll(async () => {
    if (lab) beforeStop?.(lab);
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get lab() {
      if (!lab) throw new Error('the demo lab is not started yet (use it inside a test)');
      return lab;
    },
    get dir() {
      return dir;
    },
    log,
    newSession: (name, settings = {}) =>
      new DeskSession({
        info: { host: 'browser', version: 'test' },
        settings: new MemorySettingsStore(settings),
        historyDir: name ? join(dir, name) : dir,
        log: (l) => log.push(name ? `${name}: ${l}` : l),
      }),
  };
}
