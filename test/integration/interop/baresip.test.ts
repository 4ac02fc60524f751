/**
 * Interop with baresip, a SIP client we did not write, through the demo lab's Kamailio:
 * baresip signs in as Lena (the colleague who has no bot), changes her presence and writes
 * to Alex; Presence Desk (DeskSession, signed in as Alex) shows both, and Alex's answer
 * reaches baresip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, Presence, PresenceUpdate } from '../../../shared/domain';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';
import { startLab, type Lab } from '../../../lab';
import { Baresip } from '../../support/baresip';
import { waitForEvent } from '../../support/wait';

let lab: Lab;
let dir: string;
let baresip: Baresip;
let session: DeskSession;
/** The IM sent to Lena before she signed in: failed with the server's words. */
let failedWhileOffline: ChatMessage;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-baresip-'));
  lab = await startLab({ bots: false, log: (l) => log.push(l) });
  session = new DeskSession({ info: { host: 'browser', version: 'test' }, settings: new MemorySettingsStore(), historyDir: dir, log: (l) => log.push(l) });
  await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
  const failed = waitForEvent<ChatMessage>(
    (cb) => session.on('im:message', cb),
    (m) => m.state === 'failed',
    'IM to offline Lena failed',
    10_000,
  );
  await session.messaging.sendMessage(`sip:lena@${lab.domain}`, 'Are you there yet?');
  failedWhileOffline = await failed;
  baresip = new Baresip({
    user: 'lena',
    password: lab.passwordOf('lena'),
    domain: lab.domain,
    proxyPort: lab.kamailio.tcpPort,
    contacts: [`sip:alex@${lab.domain}`],
  });
  await baresip.start();
});
afterAll(async () => {
  await session?.close();
  await baresip?.stop();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const lena = () => `sip:lena@${lab.domain}`;

/** Resolves when Lena's shown presence satisfies `predicate` (now or on a later update). */
async function lenaShows(predicate: (p: Presence) => boolean, what: string): Promise<Presence> {
  const current = session.snapshot().presence[lena()];
  if (current && predicate(current)) return current;
  const updates = await waitForEvent<PresenceUpdate[]>(
    (cb) => session.on('presence:changed', cb),
    (u) => u.some((x) => x.uri === lena() && predicate(x.presence)),
    what,
    10_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; shown: ${JSON.stringify(session.snapshot().presence[lena()])}; baresip said:\n${baresip.lines.slice(-60).join('\n')}`);
  });
  return updates.find((x) => x.uri === lena())!.presence;
}

describe('baresip interop through Kamailio', () => {
  it('shows baresip’s presence as it changes it', async () => {
    // Registered baresip publishes "online" by itself.
    const online = await lenaShows((p) => p.availability === 'available', 'Lena available');
    expect(online.devices).toHaveLength(1);
    const device = online.devices[0].id;

    baresip.command('/presence_offline');
    // Offline from baresip's own closed tuple, not merely "no publication".
    const offline = await lenaShows((p) => p.availability === 'offline' && p.devices.some((d) => d.id === device), 'Lena offline');
    expect(offline.devices.map((d) => d.availability)).toEqual(['offline']);

    baresip.command('/presence_online');
    await lenaShows((p) => p.availability === 'available' && p.devices.some((d) => d.id === device), 'Lena available again');
  });

  it('shows baresip’s IM, and Presence Desk’s IM reaches baresip', async () => {
    const incoming = waitForEvent<ChatMessage>(
      (cb) => session.on('im:message', cb),
      (m) => m.direction === 'in' && m.peer === lena(),
      'IM from baresip',
      10_000,
    );
    baresip.command('/message Hallo Alex, hier ist baresip');
    const shown = await incoming;
    expect(shown).toMatchObject({ direction: 'in', text: 'Hallo Alex, hier ist baresip', state: 'received' });

    const text = 'Hello Lena — from Presence Desk ✓';
    const sent = waitForEvent<ChatMessage>(
      (cb) => session.on('im:message', cb),
      (m) => m.text === text && m.state === 'sent',
      'IM sent',
      10_000,
    );
    await session.messaging.sendMessage(lena(), text);
    await sent;
    const line = await baresip.waitFor(/sip:alex@[^:]+: "Hello Lena/, 'baresip printing the IM', 10_000);
    expect(line).toContain(`sip:alex@${lab.domain}: "${text}"`);
    const history = session.handlers['im:history'](lena()) as ChatMessage[];
    expect(history.map((m) => [m.direction, m.text, m.state])).toEqual([
      ['out', 'Are you there yet?', 'failed'],
      ['in', 'Hallo Alex, hier ist baresip', 'received'],
      ['out', text, 'sent'],
    ]);
  });

  it('an IM sent while Lena was offline failed with the reason, and a retry now reaches her', async () => {
    expect(failedWhileOffline).toMatchObject({ state: 'failed', text: 'Are you there yet?' });
    expect(failedWhileOffline.error).toBe(`Not delivered: lena@${lab.domain} is not signed in (480 Temporarily Unavailable).`);
    const sent = waitForEvent<ChatMessage>(
      (cb) => session.on('im:message', cb),
      (m) => m.id === failedWhileOffline.id && m.state === 'sent',
      'retried IM sent',
      10_000,
    );
    await session.messaging.retryMessage(failedWhileOffline.id);
    await sent;
    await baresip.waitFor(/sip:alex@[^:]+: "Are you there yet\?"/, 'baresip printing the retried IM', 10_000);
  });
});
