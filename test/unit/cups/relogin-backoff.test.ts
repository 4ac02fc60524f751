/**
 * Re-login when the server lost the session: at most once per 90 s, doubling the wait after
 * each failed attempt and back to 90 s after a success. Driven by an injected clock against
 * the lab CUPS server, which can drop every session and fail the next requests.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CupsSession, RELOGIN_INTERVAL_MS, RELOGIN_MAX_INTERVAL_MS } from '../../../core/cups/session';
import { startLabCups, type LabCups } from '../../../lab/cups/server';

let lab: LabCups;
beforeAll(async () => {
  lab = await startLabCups({
    domain: 'lab.test',
    presence: { host: '127.0.0.1', port: 5099, protocol: 'tcp' },
    users: [{ id: 'alex', password: 'pw', displayName: 'Alex' }],
  });
});
afterAll(() => lab.close());

it('backs off exponentially after failed re-logins and resets after a success', async () => {
  let now = 1_000_000;
  const logins: number[] = [];
  const s = new CupsSession({ server: lab.url, user: 'alex', password: 'pw', now: () => now, log: (l) => l.includes('signing in again') && logins.push(now) });
  await s.login({ force: true });
  expect(s.reloginIntervalMs).toBe(RELOGIN_INTERVAL_MS);

  // The server drops the session and then cannot log anyone in (its database is down).
  const databaseDown = () => lab.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'login' });
  lab.inject({ kind: 'expire-sessions' });
  databaseDown();
  await expect(s.getCalendaring()).rejects.toMatchObject({ code: 'soap-fault', message: 'Could not connect to database.' });
  expect(logins).toEqual([1_000_000]);
  expect(s.reloginIntervalMs).toBe(2 * RELOGIN_INTERVAL_MS);

  // 100 s later: more than 90 s, but the wait is now 180 s, so no attempt.
  now += 100_000;
  await expect(s.getCalendaring()).rejects.toMatchObject({ code: 'session-expired', message: 'Invalid session key.' });
  expect(logins).toHaveLength(1);

  // 180 s after the first attempt: tried again, fails again → 360 s.
  now = 1_000_000 + 180_000;
  databaseDown();
  await expect(s.getCalendaring()).rejects.toMatchObject({ code: 'soap-fault' });
  expect(logins).toEqual([1_000_000, 1_180_000]);
  expect(s.reloginIntervalMs).toBe(4 * RELOGIN_INTERVAL_MS);
  now += 359_000;
  await expect(s.getCalendaring()).rejects.toMatchObject({ code: 'session-expired' });
  expect(logins).toHaveLength(2);

  // 360 s after the second attempt the server is back: signed in again, the request answered.
  now += 1_000;
  expect(await s.getCalendaring()).toBe(false);
  expect(logins).toEqual([1_000_000, 1_180_000, 1_540_000]);
  expect(lab.sessionOf('alex')).toBe(s.sessionKey);
  expect(s.reloginIntervalMs).toBe(RELOGIN_INTERVAL_MS);

  // Reset: the next loss 90 s later is handled at once.
  now += RELOGIN_INTERVAL_MS;
  lab.inject({ kind: 'expire-sessions' });
  expect(await s.getCalendaring()).toBe(false);
  expect(logins).toHaveLength(4);
});

it('never waits more than an hour between attempts', async () => {
  let now = 0;
  const s = new CupsSession({ server: lab.url, user: 'alex', password: 'pw', now: () => now });
  await s.login({ force: true });
  lab.inject({ kind: 'expire-sessions' });
  for (let i = 0; i < 8; i++) {
    lab.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'login' });
    await expect(s.getCalendaring()).rejects.toMatchObject({ code: 'soap-fault' });
    now += s.reloginIntervalMs;
  }
  expect(s.reloginIntervalMs).toBe(RELOGIN_MAX_INTERVAL_MS);
});
