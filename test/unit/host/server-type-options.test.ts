/**
 * The command line's server type: `--server` with a CME address chooses CME, `--server-type`
 * chooses either and refuses other words, `--demo cme` asks the demo starter for the lab CME
 * router and signs in to it through the router of sessions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend, type DemoKind } from '../../../host/backend-factory';
import { MemorySettingsStore } from '../../../core/store/settings';
import { startLabCmeRouter } from '../../../lab/cme/router';

const dirs: string[] = [];
const profile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pd-server-type-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('server type on the command line', () => {
  it('--server with a CME address, then --server-type', async () => {
    const settings = new MemorySettingsStore();
    const lines: string[] = [];
    const a = await createBackend(['--server', 'http://10.1.1.1/ios_xml_app/cme', '--user', 'alex'], 'browser', {
      settings,
      profileDir: profile(),
      log: (l) => lines.push(l),
    });
    expect(settings.get()).toMatchObject({ server: 'http://10.1.1.1/ios_xml_app/cme', serverType: 'cme' });
    expect(a.sessions.serverType).toBe('cme');
    await a.close();
    const b = await createBackend(['--server-type', 'cups'], 'browser', { settings, profileDir: profile(), log: (l) => lines.push(l) });
    expect(settings.get().serverType).toBe('cups');
    await b.close();
    const c = await createBackend(['--server-type', 'pbx'], 'browser', { settings, profileDir: profile(), log: (l) => lines.push(l) });
    expect(settings.get().serverType).toBe('cups');
    expect(lines).toContain('--server-type: "pbx" is not one of cups, cme; keeping cups.');
    await c.close();
  });

  it('--demo cme starts the lab CME router and signs in to it', async () => {
    const asked: DemoKind[] = [];
    const created = await createBackend(['--demo', 'cme'], 'browser', {
      profileDir: profile(),
      log: () => {},
      demoLab: async (kind) => {
        asked.push(kind);
        const cme = await startLabCmeRouter();
        return { address: { cupsUrl: cme.url, user: cme.user.id, password: cme.user.password, serverType: 'cme' }, cme, stop: () => cme.close() };
      },
    });
    try {
      expect(asked).toEqual(['cme']);
      expect(created.sessions.serverType).toBe('cme');
      const snapshot = await created.backend.handlers['session:snapshot']();
      expect(snapshot.session).toMatchObject({ phase: 'signed-in', serverType: 'cme', demo: true });
      expect(snapshot.groups[0]?.name).toBe('Speed dials');
    } finally {
      await created.close();
    }
  });
});
