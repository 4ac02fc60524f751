/**
 * The command line's server type: `--server` with a CME address chooses CME, `--server-type`
 * chooses any of the three and refuses other words, `--demo cme` asks the demo starter for the
 * lab CME router and signs in to it through the router of sessions, `--demo=simple` asks for the
 * SIMPLE lab and signs in through DeskSession.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerType } from '../../../shared/domain';
import { createBackend } from '../../../host/backend-factory';
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
    expect(lines).toContain('--server-type: "pbx" is not one of cups, cme, simple; keeping cups.');
    await c.close();
    const d = await createBackend(['--server-type', 'simple'], 'browser', { settings, profileDir: profile(), log: (l) => lines.push(l) });
    expect(settings.get().serverType).toBe('simple');
    expect(d.sessions.serverType).toBe('simple');
    // A SIMPLE server is DeskSession's, with its own back end: not a third session.
    expect(d.sessions.current).toBe(d.session);
    await d.close();
  });

  it('--demo cme starts the lab CME router and signs in to it', async () => {
    const asked: ServerType[] = [];
    const created = await createBackend(['--demo', 'cme'], 'browser', {
      profileDir: profile(),
      log: () => {},
      demoLab: async (serverType) => {
        asked.push(serverType);
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

  it('--demo=simple asks for the SIMPLE lab and signs in to it through DeskSession', async () => {
    const asked: ServerType[] = [];
    const lines: string[] = [];
    const created = await createBackend(['--demo=simple'], 'browser', {
      profileDir: profile(),
      log: (l) => lines.push(l),
      demoLab: async (serverType) => {
        asked.push(serverType);
        // No SIP address: refused before any network, so the route is seen without a lab.
        return { address: { serverType, cupsUrl: 'demo.example', user: 'alex', password: 'pw' }, stop: async () => {} };
      },
    });
    try {
      expect(asked).toEqual(['simple']);
      expect(created.sessions.serverType).toBe('simple');
      expect(created.sessions.current).toBe(created.session);
      expect(lines.some((l) => l.startsWith('demo: sign-in failed: ') && /SIP address/.test(l))).toBe(true);
    } finally {
      await created.close();
    }
  });

  it('--server-type simple with a SIP address is a configured account: no demo lab', async () => {
    const asked: ServerType[] = [];
    const settings = new MemorySettingsStore();
    const created = await createBackend(['--server-type', 'simple', '--user', 'alice@example.com'], 'browser', {
      settings,
      profileDir: profile(),
      log: () => {},
      demoLab: async (serverType) => {
        asked.push(serverType);
        return { address: { serverType, cupsUrl: 'demo.example', user: 'alex', password: 'pw' }, stop: async () => {} };
      },
    });
    try {
      expect(asked).toEqual([]);
      expect(settings.get()).toMatchObject({ server: '', user: 'alice@example.com', serverType: 'simple' });
      const snapshot = await created.backend.handlers['session:snapshot']();
      expect(snapshot.signInDefaults).toEqual({ server: '', user: 'alice@example.com', serverType: 'simple' });
      expect(snapshot.session.demo).toBeUndefined();
    } finally {
      await created.close();
    }
  });
});
