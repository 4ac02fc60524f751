/**
 * The session with a configuration that names a backup presence server: the primary is down
 * at sign-in, so the session signs in on the backup and its state says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskSession } from '../../core/desk-session';
import { MemorySettingsStore } from '../../core/store/settings';
import { startLabCups, type LabCups } from '../../lab/cups/server';
import { startKamailio, type Kamailio } from '../../lab/kamailio';
import { closedPort } from '../support/wait';

const DOMAIN = 'sip.lab.test';
let kamailio: Kamailio;
let cups: LabCups;
let dir: string;
let deadPort: number;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-desk-failover-'));
  kamailio = await startKamailio({ domain: DOMAIN, users: [{ id: 'anna', password: 'a-secret' }] });
  deadPort = await closedPort();
  cups = await startLabCups({
    domain: DOMAIN,
    presence: { host: '127.0.0.1', port: deadPort, protocol: 'tcp', backup: { host: kamailio.host, port: kamailio.udpPort, protocol: 'udp' } },
    users: [{ id: 'anna', password: 'a-secret', displayName: 'Anna' }],
    contactLists: { anna: [] },
  });
});
afterAll(async () => {
  await cups?.close();
  await kamailio?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('session failover to Presence.Backup', () => {
  it('signs in on the backup when the primary is down, and says which server it uses', async () => {
    const session = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings: new MemorySettingsStore(),
      historyDir: join(dir, 'history'),
      log: (l) => log.push(l),
    });
    try {
      const state = await session.signIn({ server: cups.url, user: 'anna', password: 'a-secret' });
      expect(state.phase).toBe('signed-in');
      expect(state.presenceServer).toBe(`UDP 127.0.0.1:${kamailio.udpPort} (backup)`);
      expect(log.join('\n')).toContain(`(backup; primary TCP 127.0.0.1:${deadPort} unreachable)`);
    } finally {
      await session.signOut();
    }
  });
});
