/**
 * After a crash the open CUPS session is the app's own: the next start takes it over without
 * asking "Sign in here instead"; a session someone else opened is still left to the user.
 * Against the lab CUPS server, which keeps one session per user as the guide describes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CupsSession, fileOwnSessionRecord } from '../../../core/cups';
import { startLabCups, type LabCups } from '../../../lab/cups/server';

let lab: LabCups;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-own-session-'));
  lab = await startLabCups({
    domain: 'lab.test',
    presence: { host: '127.0.0.1', port: 5099, protocol: 'tcp' },
    users: [{ id: 'alex', password: 'secret', displayName: 'Alex' }],
    contactLists: { alex: [] },
  });
});
afterAll(async () => {
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

const device = (name: string, log: string[] = []) =>
  new CupsSession({
    server: lab.url,
    user: 'alex',
    password: 'secret',
    ownSession: fileOwnSessionRecord(join(dir, name), lab.url, 'alex'),
    log: (l) => log.push(l),
  });

describe('the app’s own CUPS session after a crash', () => {
  it('is taken over quietly when this device left it open', async () => {
    const before = device('laptop');
    await before.login();
    const leftOpen = before.sessionKey!;
    // The app ends without logging out; the next start on the same device signs in.
    const log: string[] = [];
    const after = device('laptop', log);
    await after.login();
    expect(after.sessionKey).toBeDefined();
    expect(after.sessionKey).not.toBe(leftOpen);
    expect(lab.sessionOf('alex')).toBe(after.sessionKey);
    expect(log.join('\n')).toMatch(/this device left open/);
    await after.logout();
  });

  it('is still left to the user when another device holds it', async () => {
    const mine = device('laptop');
    await mine.login();
    await mine.logout(); // a clean sign-out forgets the session
    const other = device('desktop');
    await other.login();
    await expect(device('laptop').login()).rejects.toMatchObject({ code: 'already-signed-in', message: 'A SOAP session has already been established.' });
    expect(lab.sessionOf('alex')).toBe(other.sessionKey);
    await other.logout();
  });

  it('is left to the user when this device’s remembered session was replaced by someone else', async () => {
    const mine = device('laptop');
    await mine.login(); // then a crash: remembered
    const other = device('desktop');
    await other.login({ force: true }); // "Sign in here instead" on another device
    await expect(device('laptop').login()).rejects.toMatchObject({ code: 'already-signed-in' });
    expect(lab.sessionOf('alex')).toBe(other.sessionKey);
    await other.logout();
  });

  it('keeps the remembered key private to the user', async () => {
    const s = device('private');
    await s.login();
    const files = readdirSync(join(dir, 'private'));
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, 'private', files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'private')).mode & 0o777).toBe(0o700);
    await s.logout();
    expect(readdirSync(join(dir, 'private'))).toHaveLength(0);
  });

  it('is taken over after the app was killed with SIGKILL while signed in', async () => {
    const sessionTs = resolve(__dirname, '../../../core/cups/index.ts');
    const record = join(dir, 'killed');
    const code = `import { CupsSession, fileOwnSessionRecord } from ${JSON.stringify(sessionTs)};
const s = new CupsSession({ server: ${JSON.stringify(lab.url)}, user: 'alex', password: 'secret', ownSession: fileOwnSessionRecord(${JSON.stringify(record)}, ${JSON.stringify(lab.url)}, 'alex') });
await s.login(); console.log(s.sessionKey); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const key = await new Promise<string>((done, fail) => {
      createInterface({ input: child.stdout! }).once('line', done);
      child.once('exit', (c) => fail(new Error(`the app ended before signing in (${c})`)));
    });
    const gone = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await gone;
    expect(lab.sessionOf('alex')).toBe(key);
    const restarted = device('killed');
    await restarted.login();
    expect(lab.sessionOf('alex')).toBe(restarted.sessionKey);
    await restarted.logout();
  }, 30_000);
});
