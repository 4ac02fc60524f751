/**
 * Interop with sipsak, a SIP tool we did not write, through the demo lab's Kamailio: sipsak
 * sends MESSAGEs as Lena (the colleague who has no bot), answering Kamailio's digest challenge
 * itself, and Presence Desk (DeskSession, signed in as Alex) shows each one with its text and its
 * 200 OK reaches sipsak back through Kamailio, over
 * either transport; a MESSAGE whose password is wrong never reaches Alex. sipsak's OPTIONS is
 * answered by the lab itself, as the UDP keep-alive relies on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, HistoryStatus } from '../../../shared/domain';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';
import { MessageHistory } from '../../../core/store/history';
import { NOT_STORED_REASON } from '../../../core/im';
import { startLab, type Lab } from '../../../lab';
import { messageRequest, optionsRequest, requireSipsak, sipsak, type SipsakRun } from '../../support/sipsak';
import { waitForEvent } from '../../support/wait';

let lab: Lab;
let dir: string;
let session: DeskSession;
const log: string[] = [];
const running: SipsakRun[] = [];

beforeAll(async () => {
  requireSipsak();
  dir = mkdtempSync(join(tmpdir(), 'pd-sipsak-'));
  lab = await startLab({ bots: false, log: (l) => log.push(l) });
  session = new DeskSession({ info: { host: 'browser', version: 'test' }, settings: new MemorySettingsStore(), historyDir: dir, log: (l) => log.push(l) });
  await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await session?.close();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const lena = () => `sip:lena@${lab.domain}`;
const alex = () => `sip:alex@${lab.domain}`;

/** sipsak sends `text` from Lena to Alex over `transport` with `password`. */
function sendAsLena(text: string, transport: 'udp' | 'tcp', password = lab.passwordOf('lena')): SipsakRun {
  const run = sipsak({ port: lab.kamailio.udpPort, transport }, messageRequest(lena(), alex(), text), { user: 'lena', password });
  running.push(run);
  return run;
}

/** Resolves with the next IM from Lena that Presence Desk shows; the error says what sipsak saw. */
function nextFromLena(run: () => SipsakRun | undefined): Promise<ChatMessage> {
  return waitForEvent<ChatMessage>(
    (cb) => session.on('im:message', cb),
    (m) => m.direction === 'in' && m.peer === lena(),
    'an IM from sipsak',
    10_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; sipsak said:\n${run()?.output().slice(-3000)}`);
  });
}

describe('sipsak interop through Kamailio', () => {
  it('shows an IM sipsak sends over UDP, from Lena, with its text', async () => {
    let run: SipsakRun | undefined;
    const shown = nextFromLena(() => run);
    run = sendAsLena('Hallo Alex, hier ist sipsak', 'udp');
    expect(await shown).toMatchObject({ direction: 'in', peer: lena(), text: 'Hallo Alex, hier ist sipsak', state: 'received' });
    // Presence Desk's 200 OK travels back through Kamailio to sipsak, which ends with success.
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/SIP\/2\.0 200 OK[^]*User-Agent: Presence Desk[^]*final received/);
  });

  it('shows an IM sipsak sends over TCP with its UTF-8 text intact', async () => {
    const text = 'Grüße über TCP — ✓ 你好';
    let run: SipsakRun | undefined;
    const shown = nextFromLena(() => run);
    run = sendAsLena(text, 'tcp');
    expect((await shown).text).toBe(text);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/SIP\/2\.0 200 OK[^]*final received/);
  });

  it('a MESSAGE with the wrong password is refused by the server and never shown', async () => {
    let run: SipsakRun | undefined;
    const shown = nextFromLena(() => run);
    run = sendAsLena('not really Lena', 'udp', 'wrong password');
    // sipsak gives up once the server challenges its answer to the challenge again.
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(/SIP\/2\.0 407 Proxy Authentication Required[^]*authorization failed/);
    run = sendAsLena('this one is Lena', 'udp');
    // The first IM from Lena shown after the refused one is the authenticated one.
    expect((await shown).text).toBe('this one is Lena');
    await run.stop();
    const history = session.handlers['im:history'](lena()) as ChatMessage[];
    expect(history.map((m) => m.text)).not.toContain('not really Lena');
  });

  it('while the history cannot be written, a MESSAGE is refused with 500 and the reason; the same MESSAGE is taken once it can, and a third copy is answered but not shown', async () => {
    const request = messageRequest(lena(), alex(), 'kept only once stored');
    const send = () => {
      const run = sipsak({ port: lab.kamailio.udpPort, transport: 'tcp' }, request, { user: 'lena', password: lab.passwordOf('lena') });
      running.push(run);
      return run;
    };
    const failing = waitForEvent<HistoryStatus>(
      (cb) => session.on('im:history-status', cb),
      (s) => s.state === 'failing',
      'history failing',
      10_000,
    );
    const full = vi.spyOn(MessageHistory.prototype, 'add').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    try {
      const refused = send();
      expect(await refused.exited, refused.output()).not.toBe(0);
      expect(refused.output()).toContain(`SIP/2.0 500 ${NOT_STORED_REASON}`);
      expect(await failing).toEqual({ state: 'failing', file: expect.stringContaining(dir), error: 'ENOSPC: no space left on device, write' });
    } finally {
      full.mockRestore();
    }
    expect((session.handlers['im:history'](lena()) as ChatMessage[]).map((m) => m.text)).not.toContain('kept only once stored');

    let retry: SipsakRun | undefined;
    const shown = nextFromLena(() => retry);
    retry = send(); // the sender's retry: same From, Call-ID and CSeq
    expect((await shown).text).toBe('kept only once stored');
    expect(await retry.exited, retry.output()).toBe(0);
    const again = send(); // its 200 was lost, say: answered again, not shown twice
    expect(await again.exited, again.output()).toBe(0);
    expect(again.output()).toMatch(/SIP\/2\.0 200 OK/);
    const kept = (session.handlers['im:history'](lena()) as ChatMessage[]).filter((m) => m.text === 'kept only once stored');
    expect(kept).toHaveLength(1);
  });

  it('the lab answers sipsak’s OPTIONS to the domain with 200 OK', async () => {
    const run = sipsak({ port: lab.kamailio.udpPort, transport: 'udp' }, optionsRequest(lena(), lab.domain));
    running.push(run);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toContain('SIP/2.0 200 OK');
  });
});
