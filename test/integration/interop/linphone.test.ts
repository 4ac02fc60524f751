/**
 * Interop with Linphone (Debian's linphonec), a SIP client we did not write, through the demo
 * lab's Kamailio: Linphone signs in as Lena (the colleague who has no bot); Presence Desk
 * (DeskSession, signed in as Alex) sees her online, Linphone sees Alex's status, and IMs with
 * non-ASCII text arrive exactly, both ways. Linphone's delivery notices (message/imdn+xml) are
 * never shown as messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, PresenceUpdate } from '../../../shared/domain';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';
import { startLab, type Lab } from '../../../lab';
import { Linphone } from '../../support/linphone';
import { waitForEvent } from '../../support/wait';

let lab: Lab;
let dir: string;
let linphone: Linphone;
let session: DeskSession;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-linphone-'));
  lab = await startLab({ bots: false, log: (l) => log.push(l) });
  session = new DeskSession({ info: { host: 'browser', version: 'test' }, settings: new MemorySettingsStore(), historyDir: dir, log: (l) => log.push(l) });
  await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
  linphone = new Linphone({
    user: 'lena',
    password: lab.passwordOf('lena'),
    displayName: 'Lena Fischer',
    domain: lab.domain,
    proxyPort: lab.kamailio.tcpPort,
    friends: [{ name: 'Alex', uri: `sip:alex@${lab.domain}` }],
  });
  await linphone.start();
}, 60_000);
afterAll(async () => {
  await session?.close();
  await linphone?.stop();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const lena = () => `sip:lena@${lab.domain}`;

describe('Linphone interop through Kamailio', () => {
  it('shows Linphone online once it has registered and published', async () => {
    const current = session.snapshot().presence[lena()];
    if (current?.availability !== 'available')
      await waitForEvent<PresenceUpdate[]>(
        (cb) => session.on('presence:changed', cb),
        (u) => u.some((x) => x.uri === lena() && x.presence.availability === 'available'),
        'Lena (Linphone) available',
        15_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; linphonec said:\n${linphone.lines.slice(-30).join('\n')}`);
      });
  });

  it('Linphone sees the status Presence Desk publishes', async () => {
    await session.setOwnStatus({ availability: 'busy', note: 'Reviewing' });
    await linphone.waitFor(/^Friend "Alex" <sip:alex@[^>]+> is Busy$/, 'Linphone shows Alex busy', 10_000);
    await session.setOwnStatus({ availability: 'away', note: '' });
    await linphone.waitFor(/^Friend "Alex" <sip:alex@[^>]+> is Away$/, 'Linphone shows Alex away', 10_000);
  });

  it('IM from Presence Desk reaches Linphone with the exact text', async () => {
    const text = 'Grüße aus Köln — 日本語 ✓ 👋';
    const sent = await session.messaging.sendMessage(lena(), text);
    expect(sent.state).not.toBe('failed');
    const line = await linphone.waitFor(/^Message received from sip:alex@/, 'Linphone receives the IM', 10_000);
    expect(line).toBe(`Message received from sip:alex@${lab.domain}: ${text}`);
  });

  it('IM from Linphone reaches Presence Desk with the exact text, and nothing else is shown as a message', async () => {
    const text = 'Ünïcödé from Linphone — ½ € ✓';
    const incoming: ChatMessage[] = [];
    const off = session.on('im:message', (m) => m.direction === 'in' && incoming.push(m));
    try {
      const got = waitForEvent<ChatMessage>(
        (cb) => session.on('im:message', cb),
        (m) => m.direction === 'in' && m.peer === lena(),
        'the IM from Linphone',
        10_000,
      );
      linphone.command(`chat ${`sip:alex@${lab.domain}`} ${text}`);
      expect((await got).text).toBe(text);
      // A second IM proves that the first one's delivery notice, if any, never became a message.
      const second = waitForEvent<ChatMessage>(
        (cb) => session.on('im:message', cb),
        (m) => m.direction === 'in' && m.text === 'second',
        'the second IM',
        10_000,
      );
      linphone.command(`chat sip:alex@${lab.domain} second`);
      await second;
      expect(incoming.map((m) => m.text)).toEqual([text, 'second']);
    } finally {
      off();
    }
  });
});
