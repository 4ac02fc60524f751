/**
 * IM history across conversations: search, export (text and JSON), the server's
 * recent-communications entry once per conversation per day, and "Remember me".
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import type { AllConfig } from '../../../core/cups';
import { DeskSession, type CupsLike, type SipLike } from '../../../core/desk-session';
import { Emitter } from '../../../core/events';
import { MessageHistory } from '../../../core/store/history';
import { exportConversation } from '../../../core/store/history-export';
import { EncryptedSecretStore, NoSecretStore, secretAccount, type OsCipher } from '../../../core/store/secrets';
import { MemorySettingsStore } from '../../../core/store/settings';

const config = {
  system: { properties: {}, presence: { primary: { host: '127.0.0.1', port: 5070, protocol: 'tcp' }, domain: 'lab.test' }, callControl: [] },
  user: { properties: {} },
  licensing: { base: true, im: true, audio: false, video: false },
  contacts: [{ name: 'Team', index: 1, contacts: [{ personaId: 'maria', index: 1, nickname: 'Maria <b>M</b>', displayOnPhone: false }] }],
  dialingRules: [],
} as unknown as AllConfig;

const recentAdded: Array<{ type: number; data: Record<string, string> }> = [];
const cups = {
  login: async () => {},
  logout: async () => {},
  getAllConfig: async () => config,
  addRecentComm: async (r: { type: number; data: Record<string, string> }) => {
    recentAdded.push(r);
    return { ok: true, status: 'succeeded' };
  },
  getRecentComm: async () => [],
} as unknown as CupsLike;

type SipEvents = { state: string; message: { id: string; from: string; text: string; at: number } };
class FakeSip {
  readonly uri = 'sip:alex@lab.test';
  state = 'registered';
  readonly bus = new Emitter<SipEvents>();
  sent: string[] = [];
  async start() {}
  async stop() {}
  async setPresence() {}
  watch() {}
  unwatch() {}
  async sendMessage(_to: string, text: string) {
    this.sent.push(text);
  }
  async sendComposing() {}
  on(event: keyof SipEvents, listener: (payload: never) => void) {
    return this.bus.on(event, listener as never);
  }
}

/** Reversible stand-in for the OS cipher; the test checks the file never holds the plain text. */
const fakeCipher = (available = true, backend = 'gnome_libsecret'): OsCipher => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend,
  encryptString: (s) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
});

let dir: string;
let sip: FakeSip;
let session: DeskSession;
let secrets: EncryptedSecretStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-imh-'));
  recentAdded.length = 0;
  sip = new FakeSip();
  secrets = new EncryptedSecretStore(join(dir, 'secrets.json'), fakeCipher());
  session = new DeskSession({
    info: { host: 'electron', version: 't', canRememberPassword: true },
    settings: new MemorySettingsStore(),
    historyDir: join(dir, 'history'),
    secrets,
    createCups: () => cups,
    createSip: () => sip as unknown as SipLike,
  });
});
afterEach(async () => {
  await session.close();
  rmSync(dir, { recursive: true, force: true });
});

const signIn = (remember?: boolean) =>
  session.signIn({ server: 'cups.lab.test', user: 'alex', password: 'pa55word!', ...(remember === undefined ? {} : { remember }) });
const settle = () => new Promise((r) => setImmediate(r));

describe('recent communications for IMs', () => {
  it('adds a conversation once per day, whichever side wrote first, not once per message', async () => {
    await signIn();
    await session.messaging.sendMessage('sip:maria@lab.test', 'one');
    await session.messaging.sendMessage('sip:maria@lab.test', 'two');
    sip.bus.emit('message', { id: 'x1', from: 'sip:maria@lab.test', text: 'three', at: Date.now() });
    sip.bus.emit('message', { id: 'x2', from: 'sip:sam@lab.test', text: 'hi', at: Date.now() });
    await settle();
    expect(recentAdded).toEqual([
      { timestamp: expect.any(String), type: 1, data: { what: 'sip:maria@lab.test' } },
      { timestamp: expect.any(String), type: 1, data: { what: 'sip:sam@lab.test' } },
    ]);
    // A message from yesterday does not count for today.
    const h = new MessageHistory(join(dir, 'other'), 'a@b');
    h.add({ id: 'old', peer: 'sip:p@x', direction: 'in', text: 'y', at: Date.now() - 86_400_000 * 1.5, state: 'received' });
    expect(h.hasOtherOnDay('sip:p@x', Date.now(), 'new')).toBe(false);
    h.add({ id: 'today', peer: 'sip:p@x', direction: 'in', text: 'y', at: Date.now(), state: 'received' });
    expect(h.hasOtherOnDay('sip:p@x', Date.now(), 'new')).toBe(true);
    expect(h.hasOtherOnDay('sip:p@x', Date.now(), 'today')).toBe(false);
    h.close();
  });
});

describe('history at sign-in', () => {
  it('signs in with a history file that holds a line `null` and other garbage (it used to stop sign-in)', async () => {
    const history = join(dir, 'history');
    mkdirSync(history, { recursive: true });
    const good = JSON.stringify({ t: 'msg', m: { id: 'old', peer: 'sip:maria@lab.test', direction: 'in', text: 'still here', at: 1, state: 'received' } });
    writeFileSync(join(history, 'alex@lab.test.jsonl'), `null\n42\n[]\n"text"\n{}\n${good}\n{"t":"msg","m":{"id":"torn`);
    await signIn();
    expect(session.sessionState.phase).toBe('signed-in');
    expect(session.handlers['im:history']('sip:maria@lab.test')).toEqual([
      { id: 'old', peer: 'sip:maria@lab.test', direction: 'in', text: 'still here', at: 1, state: 'received' },
    ]);
  });
});

describe('history search and export', () => {
  it('finds messages in every conversation, case-insensitively, newest first, with the match position', async () => {
    await signIn();
    await session.messaging.sendMessage('sip:maria@lab.test', 'The Release is on Friday');
    sip.bus.emit('message', { id: 'r1', from: 'sip:sam@lab.test', text: 'release notes ready?', at: Date.now() + 5 });
    sip.bus.emit('message', { id: 'r2', from: 'sip:sam@lab.test', text: 'unrelated', at: Date.now() + 6 });
    const hits = await session.handlers['im:search']('RELEASE');
    expect(hits.map((h) => [h.message.peer, h.message.text, h.start, h.length])).toEqual([
      ['sip:sam@lab.test', 'release notes ready?', 0, 7],
      ['sip:maria@lab.test', 'The Release is on Friday', 4, 7],
    ]);
    expect(await session.handlers['im:search']('   ')).toEqual([]);
    // A 100 KB message comes back as the part around its match, with the match still in place.
    sip.bus.emit('message', { id: 'r3', from: 'sip:sam@lab.test', text: `${'a'.repeat(50_000)}needle${'b'.repeat(50_000)}`, at: Date.now() + 7 });
    const [long] = await session.handlers['im:search']('NEEDLE');
    expect(long.message.text.length).toBeLessThanOrEqual(2002);
    expect(long.message.text.slice(long.start, long.start + long.length)).toBe('needle');
    expect(await session.handlers['im:search']('nothing like this')).toEqual([]);
  });

  it('exports a conversation as text and as JSON, with the text exactly as typed', async () => {
    await signIn();
    const hostile = '<script>alert(1)</script>\nsecond line';
    await session.messaging.sendMessage('sip:maria@lab.test', hostile);
    sip.bus.emit('message', { id: 'e1', from: 'sip:maria@lab.test', text: 'ok 👋', at: Date.now() + 1 });
    const text = await session.handlers['im:export']('sip:maria@lab.test', 'text');
    expect(text.fileName).toMatch(/^presence-desk-maria@lab\.test-\d{4}-\d{2}-\d{2}\.txt$/);
    expect(text.mimeType).toBe('text/plain');
    expect(text.text).toContain('Conversation with Maria <b>M</b> (maria@lab.test)');
    expect(text.text).toContain('    <script>alert(1)</script>\n    second line\n');
    expect(text.text).toMatch(/\] Maria <b>M<\/b>:\n {4}ok 👋/);
    const json = await session.handlers['im:export']('sip:maria@lab.test', 'json');
    const body = JSON.parse(json.text);
    expect(body.messages.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([
      ['out', hostile],
      ['in', 'ok 👋'],
    ]);
    expect(body.peer).toBe('sip:maria@lab.test');
  });

  it('marks messages that were not sent in the text export', () => {
    const messages: ChatMessage[] = [{ id: '1', peer: 'sip:m@x', direction: 'out', text: 'hi', at: 0, state: 'failed', error: '404 Not Found' }];
    expect(exportConversation('sip:m@x', messages, 'text', { self: 'alex', peer: 'm' }, 0).text).toContain('alex [NOT SENT: 404 Not Found]:');
  });
});

describe('Remember me', () => {
  it('keeps the password only encrypted, reads it back, and forgets it when unticked', async () => {
    await signIn(true);
    const account = secretAccount('alex', 'cups.lab.test');
    expect(secrets.get(account)).toBe('pa55word!');
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain('pa55word!');
    await session.signOut();
    await signIn(false);
    expect(secrets.get(account)).toBeUndefined();
  });

  it('keeps nothing when the OS has no real keychain (Linux basic_text) or in the browser host', () => {
    const weak = new EncryptedSecretStore(join(dir, 'weak.json'), fakeCipher(true, 'basic_text'));
    expect(weak.available).toBe(false);
    expect(() => weak.set('a', 'b')).toThrow(/keychain/);
    expect(new EncryptedSecretStore(join(dir, 'none.json'), fakeCipher(false)).available).toBe(false);
    expect(new NoSecretStore().available).toBe(false);
    expect(new NoSecretStore().get()).toBeUndefined();
  });
});

describe('Diagnostics wiring', () => {
  it('gives its recorder to CUPS and SIP, emits each masked entry, and exports with the password masked', async () => {
    const seen: { cups?: unknown; sip?: unknown } = {};
    const traced = new DeskSession({
      info: { host: 'browser', version: 't' },
      settings: new MemorySettingsStore(),
      historyDir: join(dir, 'history-2'),
      createCups: (o) => ((seen.cups = o.trace), cups),
      createSip: (o) => ((seen.sip = o.trace), sip as unknown as SipLike),
    });
    const events: string[] = [];
    traced.on('diagnostics:entry', (e) => events.push(e.summary));
    traced.handlers['diagnostics:follow'](true);
    await traced.signIn({ server: 'cups.lab.test', user: 'alex', password: 'pa55word!' });
    expect(seen.cups).toBe(traced.trace);
    expect(seen.sip).toBe(traced.trace);
    // As a transport would report: a MESSAGE whose body quotes the password.
    traced.trace.record({ protocol: 'sip', direction: 'out', peer: 'tcp x', raw: 'MESSAGE sip:maria@lab.test SIP/2.0\r\nCall-ID: c1\r\n\r\nit is pa55word!' });
    expect(events).toEqual(['MESSAGE sip:maria@lab.test']);
    // No view following the trace: entries are kept, not summarised and sent.
    traced.handlers['diagnostics:follow'](false);
    traced.trace.record({ protocol: 'sip', direction: 'in', peer: 'tcp x', raw: 'SIP/2.0 200 OK\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\n\r\n' });
    expect(events).toHaveLength(1);
    expect(traced.trace.size.entries).toBe(2);
    const file = await traced.handlers['diagnostics:export']();
    expect(file.fileName).toMatch(/^presence-desk-trace-.*\.txt$/);
    expect(file.text).toContain('by alex on cups.lab.test');
    expect(file.text).not.toContain('pa55word!');
    const [summary] = await traced.handlers['diagnostics:list']({ callId: 'c1' });
    expect((await traced.handlers['diagnostics:get'](summary.id)).text).toContain('it is ********');
    await expect(Promise.resolve().then(() => traced.handlers['diagnostics:get'](9999))).rejects.toMatchObject({ code: 'invalid-input' });
    await traced.close();
  });
});
