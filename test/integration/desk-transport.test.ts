/**
 * The session picks the SIP transport the server's configuration advertises
 * (Presence.Primary.Protocol), or the user's setting: the lab CUPS advertises TLS here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/domain';
import { DeskSession } from '../../core/desk-session';
import { MemorySettingsStore, type Settings } from '../../core/store/settings';
import { startLab, type Lab } from '../../lab';
import { waitForEvent } from '../support/wait';

let lab: Lab;
let dir: string;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-desk-transport-'));
  lab = await startLab({ sipTransport: 'tls', replyDelayMs: 20, log: (l) => log.push(l) });
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function session(name: string, settings: Partial<Settings>, trustLab: boolean): DeskSession {
  return new DeskSession({
    info: { host: 'browser', version: 'test' },
    settings: new MemorySettingsStore(settings),
    historyDir: join(dir, name),
    ...(trustLab ? { sipTls: { ca: lab.kamailio.tlsCertificate } } : {}),
    log: (l) => log.push(`${name}: ${l}`),
  });
}

describe('SIP transport chosen from the configuration', () => {
  it('signs in over TLS when the server advertises TLS, and IMs work', async () => {
    const s = session('tls', {}, true);
    try {
      await s.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
      expect(log.join('\n')).toContain(`tls: session: registered sip:${lab.demoUser.id}@${lab.domain} via TLS 127.0.0.1:${lab.kamailio.tlsPort}`);
      expect(s.snapshot().session.presenceServer).toBe(`TLS 127.0.0.1:${lab.kamailio.tlsPort}`);
      const colleague = lab.colleagues.find((c) => lab.bots.has(c.id))!;
      const reply = waitForEvent<ChatMessage>(
        (cb) => s.on('im:message', cb),
        (m) => m.direction === 'in',
        'a bot reply over TLS',
        10_000,
      );
      await s.handlers['im:send'](`sip:${colleague.id}@${lab.domain}`, 'hello over TLS');
      expect((await reply).peer).toBe(`sip:${colleague.id}@${lab.domain}`);
    } finally {
      await s.signOut();
    }
  });

  it('without trusting the lab certificate the sign-in fails with a tls error in words', async () => {
    const s = session('untrusted', {}, false);
    await expect(s.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password })).rejects.toMatchObject({ code: 'tls' });
    expect(s.snapshot().session).toMatchObject({ phase: 'signed-out', error: { code: 'tls', message: expect.stringContaining('self-signed') } });
  });

  it('the sipTransport setting overrides the advertised protocol', async () => {
    // The lab advertises its TLS port, where nothing listens for UDP: the attempt the session
    // makes (and the error it reports) shows the override was honoured.
    const s = session('override', { sipTransport: 'udp' }, true);
    await expect(s.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password })).rejects.toBeTruthy();
    expect(log.join('\n')).toMatch(new RegExp(`override: .*127\\.0\\.0\\.1:${lab.kamailio.tlsPort} over UDP`));
  });
});
