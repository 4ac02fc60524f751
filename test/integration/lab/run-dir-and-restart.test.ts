/**
 * The lab's housekeeping: its run directory (lab passwords in plain text) is private to the
 * user and removed at the next start when a crashed run left it behind; Kamailio starts again
 * after a clean stop, and the demo lab's Kamailio comes back by itself when it dies.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startKamailio } from '../../../lab/kamailio';
import { BulkPublisher } from '../../../lab/publisher';
import { SipAccount, defaultListUri } from '../../../core/sip';
import { canConnect, makeRunDir, removeAbandonedRunDirs } from '../../../lab/process';
import { waitForEvent } from '../../support/wait';

const PREFIX = 'presence-desk-test-rundir-';
const PROCESS_TS = resolve(__dirname, '../../../lab/process.ts');

/** Runs a process that makes a run directory with a secret in it and is then killed with SIGKILL (no clean-up runs). */
async function crashedRun(): Promise<string> {
  const code = `import { makeRunDir } from ${JSON.stringify(PROCESS_TS)}; import { writeFileSync } from 'node:fs';
const dir = makeRunDir(${JSON.stringify(PREFIX)}); writeFileSync(dir + '/subscriber', 'alex:lab-password-1\\n'); console.log(dir); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done);
    child.once('exit', (c) => fail(new Error(`the run ended before making its directory (${c})`)));
  });
  const gone = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await gone;
  return dir;
}

describe('lab run directories', () => {
  it('are private to the user and marked with their owner', () => {
    const dir = makeRunDir(PREFIX);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, '.owner-pid'), 'utf8').trim()).toBe(String(process.pid));
    // Ours, and we are running: never removed.
    expect(removeAbandonedRunDirs(PREFIX)).not.toContain(dir);
    expect(existsSync(dir)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('left by a run killed with SIGKILL are removed at the next start, with their passwords', async () => {
    const dir = await crashedRun();
    expect(readFileSync(join(dir, 'subscriber'), 'utf8')).toContain('lab-password-1');
    const lines: string[] = [];
    expect(removeAbandonedRunDirs(PREFIX, (l) => lines.push(l))).toContain(dir);
    expect(existsSync(dir)).toBe(false);
    expect(lines.join('\n')).toContain(dir);
  }, 30_000);
});

describe('lab Kamailio', () => {
  it('starts again after a clean stop (its own run directory was removed)', async () => {
    const kamailio = await startKamailio({ domain: 'sip.lab.test', users: [{ id: 'anna', password: 'a-secret' }] });
    try {
      await kamailio.stop();
      expect(existsSync(kamailio.runDir)).toBe(false);
      await kamailio.restart();
      expect(await canConnect(kamailio.tcpPort)).toBe(true);
      expect(statSync(kamailio.runDir).mode & 0o777).toBe(0o700);
    } finally {
      await kamailio.stop();
    }
  }, 60_000);

  it('with the resource list server, keeps its lists across a clean stop and a restart (its MariaDB starts afresh)', async () => {
    const domain = 'rls-restart.lab.test';
    const buddies = ['bea', 'cy', 'dora'].map((id) => ({ id, password: `${id}-pw` }));
    const kamailio = await startKamailio({ domain, users: [{ id: 'anna', password: 'a-secret' }, ...buddies], rls: true });
    const members = buddies.map((b) => `sip:${b.id}@${domain}`);
    let anna: SipAccount | undefined;
    try {
      await kamailio.setResourceList({ user: 'anna', listUri: defaultListUri('anna', domain), members });
      await kamailio.stop();
      await kamailio.restart();
      const publisher = new BulkPublisher({ host: '127.0.0.1', port: kamailio.tcpPort }, domain);
      await publisher.connect();
      await publisher.publish(buddies.map((user) => ({ user, status: { availability: 'busy', note: 'after the restart' } })));
      await publisher.close();
      anna = new SipAccount({ server: { host: '127.0.0.1', port: kamailio.tcpPort, transport: 'tcp' }, domain, user: 'anna', password: 'a-secret' });
      const seen = new Set<string>();
      const all = waitForEvent<string>(
        (cb) => anna!.on('presence', (uri, p) => p.availability === 'busy' && cb(uri)),
        (uri) => (seen.add(uri), seen.size === members.length),
        'presence of every list member',
        30_000,
      );
      await anna.start();
      anna.watchList(defaultListUri('anna', domain), members);
      await all;
      // Through the list itself: a server that lost the list answers 404 and the account falls back to one subscription each.
      expect(anna.listState).toBe('active');
    } finally {
      await anna?.stop();
      await kamailio.stop();
    }
  }, 90_000);

  it('with restartOnExit, comes back by itself after it died (killed from outside)', async () => {
    const listeners = new Set<(line: string) => void>();
    const kamailio = await startKamailio({
      domain: 'sip.lab.test',
      users: [{ id: 'anna', password: 'a-secret' }],
      restartOnExit: true,
      log: (l) => listeners.forEach((f) => f(l)),
    });
    try {
      const onLog = (cb: (line: string) => void) => (listeners.add(cb), () => void listeners.delete(cb));
      const back = waitForEvent<string>(onLog, (l) => l.startsWith('kamailio: listening on'), 'Kamailio listening again', 20_000);
      const died = waitForEvent<string>(onLog, (l) => l.includes('died'), 'Kamailio noticed dead', 20_000);
      const pid = Number(readFileSync(join(kamailio.runDir, 'kamailio.pid'), 'utf8').trim());
      process.kill(-pid, 'SIGKILL');
      expect(await died).toMatch(/died \(SIGKILL\); starting it again/);
      await back;
      expect(await canConnect(kamailio.tcpPort)).toBe(true);
    } finally {
      await kamailio.stop();
    }
  }, 60_000);
});
