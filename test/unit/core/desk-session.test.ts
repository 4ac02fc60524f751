/**
 * DeskSession's own logic (state machine, ordering, queueing, batching) with in-memory
 * protocol objects; the real protocols are exercised by the integration and e2e suites.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage, HistoryStatus, OwnStatus, Presence } from '../../../shared/domain';
import type { AllConfig } from '../../../core/cups';
import { DeskSession, type CupsLike, type SipLike } from '../../../core/desk-session';
import { DeskError } from '../../../core/errors';
import { Emitter } from '../../../core/events';
import { MemorySettingsStore } from '../../../core/store/settings';
import { MessageHistory } from '../../../core/store/history';
import { NOT_STORED_REASON } from '../../../core/im';

const config = {
  system: { properties: {}, presence: { primary: { host: '127.0.0.1', port: 5070, protocol: 'tcp' }, domain: 'lab.test' }, callControl: [] },
  user: { properties: {} },
  licensing: { base: true, im: true, audio: false, video: false },
  contacts: [
    { name: 'Later', index: 5.5, contacts: [{ personaId: 'zoe', index: 1, nickname: '', displayOnPhone: false }] },
    {
      name: 'First',
      index: -2,
      contacts: [
        { personaId: 'bob', index: 2, nickname: 'Bobby', displayOnPhone: true },
        { personaId: 'amy', index: 1, nickname: '', displayOnPhone: false },
      ],
    },
  ],
  dialingRules: [
    { type: 1, name: 'Outside line', description: '', priority: 1, numberBeginsWith: '', numberOfDigits: 7, digitsToBeRemoved: 0, prefix: '9' },
    { type: 1, name: 'Broken', description: '', priority: Number.NaN, numberBeginsWith: '', numberOfDigits: null, digitsToBeRemoved: 0, prefix: '' },
  ],
} as unknown as AllConfig;

class FakeCups implements CupsLike {
  loginError: Error | undefined;
  loggedOut = 0;
  async login(): Promise<void> {
    if (this.loginError) throw this.loginError;
  }
  async logout(): Promise<void> {
    this.loggedOut += 1;
  }
  async getAllConfig(): Promise<AllConfig> {
    return config;
  }
  recentAdded: unknown[] = [];
  async addRecentComm(r: unknown) {
    this.recentAdded.push(r);
    return { ok: true, status: 'succeeded' };
  }
  async getRecentComm() {
    return [];
  }
  // Contact-list editing is exercised against the lab server (test/integration/desk-lab.test.ts).
  addGroups = async () => [];
  modifyGroups = async () => [];
  deleteGroups = async () => [];
  addContacts = async () => [];
  modifyContacts = async () => [];
  deleteContacts = async () => [];
}

type SipEvents = {
  state: string;
  presence: [string, Presence];
  message: { id: string; callId: string; cseq: number; from: string; text: string; at: number };
  composing: { from: string; active: boolean };
};

class FakeSip {
  readonly uri = 'sip:alex@lab.test';
  state = 'unregistered';
  readonly bus = new Emitter<SipEvents>();
  watched: string[] = [];
  published: OwnStatus[] = [];
  sent: Array<{ to: string; text: string }> = [];
  failNext: Error | undefined;
  /** The server answers 202: stored for later delivery. */
  storeNext = false;
  async start() {
    this.state = 'registered';
  }
  async stop() {
    this.state = 'unregistered';
  }
  onPublish: (() => void) | undefined;
  async setPresence(s: OwnStatus) {
    this.published.push(s);
    this.onPublish?.();
  }
  watch(uri: string) {
    this.watched.push(uri);
  }
  unwatch() {}
  async sendMessage(to: string, text: string) {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    this.sent.push({ to, text });
    const stored = this.storeNext;
    this.storeNext = false;
    return { stored };
  }
  async sendComposing() {}
  on(event: keyof SipEvents, listener: (...args: never[]) => void): () => void {
    const call = listener as (...args: unknown[]) => void;
    return this.bus.on(event, (payload: unknown) => (event === 'presence' ? call(...(payload as unknown[])) : call(payload)));
  }
  emitState(state: string) {
    this.state = state;
    this.bus.emit('state', state);
  }
}

let dir: string;
let cups: FakeCups;
let sip: FakeSip;
let session: DeskSession;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-session-'));
  cups = new FakeCups();
  sip = new FakeSip();
  session = new DeskSession({
    info: { host: 'browser', version: 'test' },
    settings: new MemorySettingsStore(),
    historyDir: dir,
    createCups: () => cups,
    createSip: () => sip as unknown as SipLike,
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await session.close();
  rmSync(dir, { recursive: true, force: true });
});

const signIn = () => session.signIn({ server: 'cups.lab.test', user: 'alex', password: 'pw' });

function nextMessages(count: number): Promise<ChatMessage[]> {
  const seen: ChatMessage[] = [];
  return new Promise((resolve) => {
    const off = session.on('im:message', (m) => {
      seen.push(m);
      if (seen.length === count) {
        off();
        resolve(seen);
      }
    });
  });
}

describe('DeskSession', () => {
  it('signs in, keeps groups and contacts in the server’s document order, watches everyone, publishes own status', async () => {
    const phases: string[] = [];
    session.on('session:state', (s) => phases.push(s.phase));
    const state = await signIn();
    expect(state.phase).toBe('signed-in');
    expect(phases).toEqual(['signing-in', 'signed-in']);
    const snap = session.snapshot();
    // Document order, whatever the index attributes say: the renderer offers that as "Server order".
    expect(snap.groups.map((g) => g.name)).toEqual(['Later', 'First']);
    expect(snap.groups[1].contacts.map((c) => [c.uri, c.displayName, c.index])).toEqual([
      ['sip:bob@lab.test', 'Bobby', 2],
      ['sip:amy@lab.test', 'amy', 1],
    ]);
    expect(sip.watched.sort()).toEqual(['sip:amy@lab.test', 'sip:bob@lab.test', 'sip:zoe@lab.test']);
    expect(sip.published).toEqual([{ availability: 'available', note: '' }]);
    expect(snap.signInDefaults).toEqual({ server: 'cups.lab.test', user: 'alex', serverType: 'cups' });
  });

  it("shows the server's own words for a wrong password and stays signed out", async () => {
    cups.loginError = Object.assign(new Error('Wrong username/password'), { code: 'auth' });
    const failure = await signIn().catch((e) => e);
    expect(failure).toBeInstanceOf(DeskError);
    expect(failure.code).toBe('auth');
    expect(session.sessionState).toMatchObject({ phase: 'signed-out', error: { code: 'auth', message: 'Wrong username/password' } });
  });

  it('refuses empty sign-in fields with a specific message', async () => {
    await expect(session.signIn({ server: '', user: 'a', password: 'b' })).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'Enter the server to sign in to.',
    });
    await expect(session.signIn({ server: 's', user: 'a', password: '' })).rejects.toMatchObject({ message: 'Enter your password.' });
  });

  it('queues messages while reconnecting and sends them in order once registered again', async () => {
    await signIn();
    sip.emitState('reconnecting');
    expect(session.sessionState.phase).toBe('reconnecting');
    const a = await session.messaging.sendMessage('sip:amy@lab.test', 'first');
    const b = await session.messaging.sendMessage('sip:amy@lab.test', 'second');
    expect([a.state, b.state]).toEqual(['queued', 'queued']);
    expect(sip.sent).toEqual([]);

    const updates = nextMessages(4); // sending, sent, sending, sent
    sip.emitState('registered');
    const seen = await updates;
    expect(seen.map((m) => `${m.text}:${m.state}`)).toEqual(['first:sending', 'first:sent', 'second:sending', 'second:sent']);
    expect(sip.sent.map((m) => m.text)).toEqual(['first', 'second']);
    expect(session.sessionState.phase).toBe('signed-in');
  });

  it("marks a rejected message failed with the server's reason, and a retry sends it", async () => {
    await signIn();
    sip.failNext = Object.assign(new Error('404 Not Found'), { code: 'sip' });
    const failed = nextMessages(3); // queued, sending, failed
    const m = await session.messaging.sendMessage('sip:zoe@lab.test', 'hello?');
    const states = await failed;
    expect(states.at(-1)).toMatchObject({ id: m.id, state: 'failed', error: '404 Not Found' });
    const retried = nextMessages(3); // queued, sending, sent
    await session.messaging.retryMessage(m.id);
    expect((await retried).at(-1)).toMatchObject({ id: m.id, state: 'sent' });
    expect(session.handlers['im:history']('sip:zoe@lab.test')).toEqual([expect.objectContaining({ id: m.id, state: 'sent' })]);
  });

  it('after a reconnection, a message whose recipient is not back yet (480) stays queued and is delivered, in order', async () => {
    await signIn();
    sip.emitState('reconnecting');
    const a = await session.messaging.sendMessage('sip:amy@lab.test', 'one');
    await session.messaging.sendMessage('sip:amy@lab.test', 'two');
    await session.messaging.sendMessage('sip:bob@lab.test', 'to bob');
    sip.failNext = Object.assign(new Error('Not delivered: amy is not signed in (480 Temporarily Unavailable).'), { code: 'sip', status: 480 });
    const seen: ChatMessage[] = [];
    session.on('im:message', (m) => seen.push(m));
    const delivered = new Promise<void>((resolve) => session.on('im:message', (m) => m.text === 'two' && m.state === 'sent' && resolve()));
    sip.emitState('registered');
    await delivered;
    // Bob's message was not held up by Amy's; Amy's two arrived in the order typed.
    expect(sip.sent.map((m) => m.text)).toEqual(['to bob', 'one', 'two']);
    expect(seen.filter((m) => m.id === a.id).map((m) => m.state)).toEqual(['sending', 'queued', 'sending', 'sent']);
    expect(seen.some((m) => m.state === 'failed')).toBe(false);
  });

  it('a 480 outside a reconnection marks the message failed with the server’s words', async () => {
    await signIn();
    sip.failNext = Object.assign(new Error('Not delivered: zoe is not signed in (480 Temporarily Unavailable).'), { code: 'sip', status: 480 });
    const failed = nextMessages(3); // queued, sending, failed
    await session.messaging.sendMessage('sip:zoe@lab.test', 'are you there?');
    expect((await failed).at(-1)).toMatchObject({ state: 'failed', error: 'Not delivered: zoe is not signed in (480 Temporarily Unavailable).' });
  });

  it('a message the server stores for later delivery (202) is shown as stored, not sent', async () => {
    await signIn();
    sip.storeNext = true;
    const states = nextMessages(3); // queued, sending, stored
    const m = await session.messaging.sendMessage('sip:zoe@lab.test', 'for when you are back');
    expect((await states).map((x) => x.state)).toEqual(['queued', 'sending', 'stored']);
    expect(session.handlers['im:history']('sip:zoe@lab.test')).toEqual([expect.objectContaining({ id: m.id, state: 'stored' })]);
  });

  it('shows a retransmitted incoming message once and keeps it in history', async () => {
    await signIn();
    const received: ChatMessage[] = [];
    session.on('im:message', (m) => received.push(m));
    const incoming = { id: 'call-1:1', callId: 'call-1', cseq: 1, from: '"Amy" <sip:amy@LAB.test>', text: '<script>alert(1)</script>', at: 1 };
    // Both are answered 200 (the promise resolves); the second is not shown again.
    await sip.bus.emitAndWait('message', incoming);
    await sip.bus.emitAndWait('message', incoming);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ peer: 'sip:amy@lab.test', direction: 'in', text: '<script>alert(1)</script>' });
  });

  it('sends a burst of presence changes as one event', async () => {
    await signIn();
    const batches: number[] = [];
    const got = new Promise<void>((resolve) =>
      session.on('presence:changed', (u) => {
        batches.push(u.length);
        resolve();
      }),
    );
    const p = (availability: Presence['availability']): Presence => ({ availability, note: '', updatedAt: 1, devices: [] });
    sip.bus.emit('presence', ['sip:amy@lab.test', p('busy')]);
    sip.bus.emit('presence', ['sip:bob@lab.test', p('away')]);
    sip.bus.emit('presence', ['sip:amy@lab.test', p('available')]);
    await got;
    expect(batches).toEqual([2]);
    expect(session.snapshot().presence['sip:amy@lab.test'].availability).toBe('available');
  });

  it('previews and places a call through the server’s rules; without WebDialer it hands a tel: URI', async () => {
    await signIn();
    expect(await session.handlers['dial:preview']('555 0100')).toMatchObject({ dial: '95550100', explanation: "will dial 95550100 (rule 'Outside line')" });
    const added = new Promise((resolve) => session.on('recent:added', resolve));
    const entry = await session.handlers['dial:call']('555 0100');
    expect(entry).toMatchObject({ kind: 'call', target: '555 0100', dialed: '95550100', rule: 'Outside line', source: 'local' });
    expect(await added).toEqual(entry);
    expect(cups.recentAdded).toEqual([{ timestamp: expect.any(String), type: 2, data: { what: '95550100', number: '555 0100' } }]);
    expect(await session.handlers['recent:list']()).toEqual([entry]);
    await expect(session.handlers['dial:call']('not a number')).rejects.toMatchObject({ code: 'invalid-input' });
    expect(await session.handlers['recent:list']()).toHaveLength(1);
  });

  it('goes Away when idle only from Available, and comes back unless changed by hand', async () => {
    await signIn();
    await session.setOwnStatus({ availability: 'available', note: 'Here' });
    expect(await session.handlers['presence:idle'](true)).toEqual({ availability: 'away', note: 'Here' });
    expect(sip.published.at(-1)).toEqual({ availability: 'away', note: 'Here' });
    expect(await session.handlers['presence:idle'](false)).toEqual({ availability: 'available', note: 'Here' });

    await session.setOwnStatus({ availability: 'busy', note: 'Deep work' });
    expect(await session.handlers['presence:idle'](true)).toEqual({ availability: 'busy', note: 'Deep work' });

    await session.setOwnStatus({ availability: 'available', note: '' });
    await session.handlers['presence:idle'](true);
    await session.setOwnStatus({ availability: 'dnd', note: 'Call' }); // by hand while away
    expect(await session.handlers['presence:idle'](false)).toEqual({ availability: 'dnd', note: 'Call' });
  });

  it('signs out: stops SIP, logs out of CUPS, clears the list', async () => {
    await signIn();
    const state = await session.signOut();
    expect(state.phase).toBe('signed-out');
    expect(cups.loggedOut).toBe(1);
    expect(sip.state).toBe('unregistered');
    expect(session.snapshot().groups).toEqual([]);
  });
});

describe('DeskSession: incoming IMs are acknowledged only once stored', () => {
  const incoming = { id: 'call-9:2', callId: 'call-9', cseq: 2, from: '<sip:amy@lab.test>;tag=x', text: 'keep me', at: 5 };

  it('refuses a message the history cannot keep (the sender sees why), says which file, and takes the retry once it can', async () => {
    await signIn();
    const received: ChatMessage[] = [];
    const statuses: HistoryStatus[] = [];
    session.on('im:message', (m) => received.push(m));
    session.on('im:history-status', (s) => statuses.push(s));
    const full = vi.spyOn(MessageHistory.prototype, 'add').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    await expect(sip.bus.emitAndWait('message', incoming)).rejects.toThrow(NOT_STORED_REASON);
    expect(received).toEqual([]);
    expect(statuses).toEqual([{ state: 'failing', file: expect.stringContaining(dir), error: 'ENOSPC: no space left on device, write' }]);
    expect(session.snapshot().history).toEqual(statuses[0]);

    full.mockRestore();
    await sip.bus.emitAndWait('message', incoming); // the sender's retry: same Call-ID and CSeq
    expect(received).toEqual([expect.objectContaining({ direction: 'in', text: 'keep me', peer: 'sip:amy@lab.test' })]);
    expect(statuses.at(-1)).toEqual({ state: 'ok' });
    await sip.bus.emitAndWait('message', incoming); // its 200 was lost: a third copy is answered, not shown
    expect(received).toHaveLength(1);
    expect(session.handlers['im:history']('sip:amy@lab.test')).toHaveLength(1);
  });

  it('a message already stored before a restart is answered again and not shown twice', async () => {
    await signIn();
    await sip.bus.emitAndWait('message', incoming);
    await session.signOut();
    await signIn(); // the history is read again from its file
    const received: ChatMessage[] = [];
    session.on('im:message', (m) => received.push(m));
    await sip.bus.emitAndWait('message', incoming);
    expect(received).toEqual([]);
    expect(session.handlers['im:history']('sip:amy@lab.test')).toHaveLength(1);
  });

  it('an outgoing IM the history cannot keep is refused with words, not sent', async () => {
    await signIn();
    vi.spyOn(MessageHistory.prototype, 'add').mockImplementationOnce(() => {
      throw Object.assign(new Error('EROFS: read-only file system, write'), { code: 'EROFS', syscall: 'write' });
    });
    await expect(session.handlers['im:send']('sip:amy@lab.test', 'hello')).rejects.toMatchObject({
      message: expect.stringMatching(/^The message was not sent: the history file .* cannot be written \(EROFS: read-only file system, write\)\.$/),
    });
    expect(sip.sent).toEqual([]);
  });
});

describe('DeskSession: own presence is published by one owner', () => {
  it('publishes exactly once when registered again after a reconnection, with the latest status', async () => {
    await signIn();
    expect(sip.published).toHaveLength(1);
    sip.emitState('reconnecting');
    // Chosen while the link is down: kept, published once the account is back.
    await session.handlers['presence:set-own']({ availability: 'busy', note: 'In a meeting' });
    expect(sip.published).toHaveLength(1);
    const republished = new Promise<void>((resolve) => (sip.onPublish = resolve));
    sip.emitState('registered');
    await republished;
    sip.emitState('registered'); // a second "registered" (refresh) publishes nothing more
    await session.handlers['presence:set-own']({ availability: 'busy', note: 'In a meeting' });
    expect(sip.published).toEqual([
      { availability: 'available', note: '' },
      { availability: 'busy', note: 'In a meeting' },
      { availability: 'busy', note: 'In a meeting' },
    ]);
  });
});
