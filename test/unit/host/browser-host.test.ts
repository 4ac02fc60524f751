/**
 * The browser host's doors: the page and the WebSocket need the token, the WebSocket needs
 * the host's own Origin, only contract channels are served, and bad frames change nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { DeskBackend, EventChannel, EventChannels, WireToRenderer } from '../../../shared/ipc';
import { DeskError } from '../../../core/errors';
import { startBrowserHost, type BrowserHost } from '../../../host/browser-host';
import { MAX_IM_BYTES } from '../../../shared/limits';

const off = { available: false, reason: 'Not signed in.' };
const liveConfigOff = {
  mode: 'off' as const,
  reason: 'Not signed in.',
  features: { im: off, audio: off, video: off, voicemail: off, meeting: off },
  changes: [],
  privacyVersion: 0,
};

let dir: string;
let host: BrowserHost;
let emit: <E extends EventChannel>(e: E, p: EventChannels[E]) => void = () => {};
const calls: unknown[][] = [];

const backend: DeskBackend = {
  handlers: {
    'app:info': () => ({ host: 'browser', version: 't' }),
    'session:snapshot': () => {
      throw new Error('not used');
    },
    'session:sign-in': (r) => {
      throw new DeskError('auth', `Wrong username/password`, r.user);
    },
    'session:sign-out': () => ({ phase: 'signed-out' }),
    'presence:set-own': (s) => s,
    'presence:idle': () => ({ availability: 'away', note: '' }),
    'im:send': (to, text) => {
      calls.push([to, text]);
      return { id: '1', peer: to, direction: 'out', text, at: 1, state: 'queued' };
    },
    'im:retry': () => {
      throw new Error('x');
    },
    'im:composing': () => undefined,
    'im:history': () => [],
    'im:page': () => ({ messages: [], more: false }),
    'dial:preview': (n) => ({ input: n, normalised: n, dial: n, explanation: `will dial ${n}`, steps: [] }),
    'dial:call': () => {
      throw new DeskError('unreachable', 'Cannot reach 127.0.0.1:1 (connection refused)');
    },
    'recent:list': () => [],
    'contacts:add-group': () => [],
    'contacts:rename-group': () => [],
    'contacts:delete-group': (name) => ({ name, index: 0, contacts: [] }),
    'contacts:add': () => [],
    'contacts:rename': () => [],
    'contacts:move': () => [],
    'contacts:remove': () => {
      throw new DeskError('soap-fault', 'Removing x failed: Contact does not exist in.');
    },
    'diagnostics:list': () => [],
    'diagnostics:get': () => {
      throw new DeskError('invalid-input', 'gone');
    },
    'diagnostics:export': () => ({ fileName: 't.txt', mimeType: 'text/plain', text: '' }),
    'diagnostics:follow': () => null,
    'im:search': () => [],
    'im:export': () => ({ fileName: 't.txt', mimeType: 'text/plain', text: '' }),
    'desktop:prefs': () => ({ autoStart: false, imSound: false }),
    'desktop:set-prefs': () => ({ autoStart: false, imSound: false }),
    'window:open-conversation': () => false,
    'tls:trust': () => {
      throw new DeskError('invalid-input', 'not used');
    },
    'longterm:get': () => null,
    'longterm:set': (s) => s,
    'longterm:clear': () => null,
    'privacy:get': () => ({ visibility: 'all', privacyPolicy: '', rules: [] }),
    'privacy:set-rule': () => ({ visibility: 'all', privacyPolicy: '', rules: [] }),
    'privacy:delete-rule': () => ({ visibility: 'all', privacyPolicy: '', rules: [] }),
    'privacy:add-watcher': () => ({ visibility: 'all', privacyPolicy: '', rules: [] }),
    'privacy:remove-watcher': () => ({ visibility: 'all', privacyPolicy: '', rules: [] }),
    'calendar:get': () => false,
    'calendar:set': (on) => on,
    'preferences:get': () => [],
    'preferences:set': () => [],
    'connection:get': () => ({ soapTimeoutSeconds: 10, soapMaxResponseMB: 10, trustedCertificates: [] }),
    'connection:set': () => ({ soapTimeoutSeconds: 10, soapMaxResponseMB: 10, trustedCertificates: [] }),
    'tls:forget': () => ({ soapTimeoutSeconds: 10, soapMaxResponseMB: 10, trustedCertificates: [] }),
    'presence:recent-notes': () => ['In a meeting'],
    'connection:sip': () => ({ sipTransport: 'auto', sipCertificates: [], presenceList: '', xcapRoot: '', dnsServers: '' }),
    'connection:set-sip': () => ({ sipTransport: 'tcp', sipCertificates: [], presenceList: '', xcapRoot: '', dnsServers: '' }),
    'account:site': () => null,
    'directory:search': () => [],
    'directory:status': () => ({ state: 'not-configured' }),
    'dial:hang-up': () => undefined,
    'phone:control': () => undefined,
    'phone:request': () => ({}),
    'phone:devices-status': () => ({ devices: [] }),
    'phone:options': () => ({ callVia: 'cti', phoneDndFollowsStatus: false }),
    'dial:devices': () => ({ devices: [] }),
    'dial:set-device': () => ({ devices: [] }),
    'dial:rules': () => [],
    'dial:preview-directory': (n) => ({ input: n, normalised: n, dial: n, explanation: `will dial ${n}`, steps: [] }),
    'watchers:get': () => ({ available: false, pending: [], rules: [] }),
    'watchers:decide': () => ({ available: true, pending: [], rules: [] }),
    'config:state': () => liveConfigOff,
    'config:resync': () => liveConfigOff,
  },
  subscribe(listener) {
    emit = listener;
    return () => (emit = () => {});
  },
};

// Anything that escapes a handler ends the app: collect it so each test can say there was none.
const escaped: unknown[] = [];
const onEscape = (error: unknown) => escaped.push(error);
process.on('unhandledRejection', onEscape);
process.on('uncaughtException', onEscape);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-host-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(tmpdir(), 'pd-secret.txt'), 'secret');
  host = await startBrowserHost({ backend, info: { host: 'browser', version: 't' }, staticDir: dir });
});
afterAll(async () => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(token = host.token, origin = host.origin): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ipc?token=${token}`, { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function request(ws: WebSocket, frame: unknown): Promise<WireToRenderer> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('browser host', () => {
  it('listens on loopback only, with a long random token in the URL', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('serves the page only with the token, with a strict CSP, and nothing outside its folder', async () => {
    expect((await fetch(`${host.origin}/`)).status).toBe(403);
    const ok = await fetch(host.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${host.origin}/..%2f..%2fpd-secret.txt?token=${host.token}`)).status).toBe(404);
  });

  it('refuses a WebSocket with a wrong token or a foreign Origin', async () => {
    await expect(connect('0'.repeat(64))).rejects.toThrow(/403/);
    await expect(connect(host.token, 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('serves contract channels, refuses others, and keeps the server’s words on errors', async () => {
    const ws = await connect();
    expect(await request(ws, { kind: 'invoke', id: 1, channel: 'im:send', args: ['sip:a@x', '<b>hi</b>'] })).toMatchObject({
      ok: true,
      value: { text: '<b>hi</b>', state: 'queued' },
    });
    expect(calls).toEqual([['sip:a@x', '<b>hi</b>']]);
    expect(await request(ws, { kind: 'invoke', id: 2, channel: 'shell:exec', args: [] })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await request(ws, { kind: 'invoke', id: 3, channel: 'session:sign-in', args: [{ server: 'cups.example.com', user: 'u', password: 'p' }] })).toEqual({
      kind: 'result',
      id: 3,
      ok: false,
      error: { code: 'auth', message: 'Wrong username/password', detail: 'u' },
    });
    // Arguments are checked before the service sees them: the refusal names the channel and the argument.
    expect(await request(ws, { kind: 'invoke', id: 4, channel: 'presence:set-own', args: [{}] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/^presence:set-own: argument 1 \(status\.availability\) is not valid/) },
    });
    ws.close();
  });

  it('ignores malformed frames and keeps serving', async () => {
    const ws = await connect();
    ws.send('not json');
    ws.send(JSON.stringify({ kind: 'nope' }));
    expect(await request(ws, { kind: 'invoke', id: 9, channel: 'app:info', args: [] })).toMatchObject({ id: 9, ok: true });
    ws.close();
  });

  it('delivers events to connected pages', async () => {
    const ws = await connect();
    const got = new Promise<WireToRenderer>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    emit('im:composing', { peer: 'sip:a@x', active: true });
    expect(await got).toEqual({ kind: 'event', event: 'im:composing', payload: { peer: 'sip:a@x', active: true } });
    ws.close();
  });
});

/** Sends raw bytes on a fresh TCP connection and returns everything the host answers before it closes. */
function rawRequest(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(host.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (error) => (chunks.length ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.end(bytes);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
}

describe('browser host under hostile requests', () => {
  it('answers 400 to request targets that are not URLs, and keeps serving', async () => {
    for (const target of ['//', 'http://[', '//evil.example', 'http://[::1', '///', '//?token=x']) {
      const answer = await rawRequest(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect((await fetch(host.url)).status).toBe(200);
    expect(escaped).toEqual([]);
  });

  it('survives a few hundred malformed request lines and still serves its token page', async () => {
    const lines: (string | Buffer)[] = [];
    const targets = [
      '//',
      'http://[',
      '/%',
      '/%zz',
      '//\u0000',
      'http://[x]:99999/',
      '*',
      '',
      '/'.repeat(5000),
      'http://a b/',
      '/\u00ff\u0100',
      '//ipc?token=',
      'ftp://x/',
    ];
    const methods = ['GET', 'HEAD', 'POST', 'BREW', 'G\u0000T', ''];
    for (let i = 0; i < 300; i++) {
      const target = targets[i % targets.length]!;
      const method = methods[Math.floor(i / targets.length) % methods.length]!;
      if (i % 25 === 24)
        lines.push(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, i & 0xff, 0x0d, 0x0a, 0x0d, 0x0a])); // a TLS hello, bytes at random
      else if (i % 10 === 9)
        lines.push(`${method} ${target}\r\n\r\n`); // no version
      else if (i % 7 === 6)
        lines.push(`${method} ${target} HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      else lines.push(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    }
    const answers = await Promise.all(lines.map((line) => rawRequest(line).catch((error: Error) => `reset: ${error.message}`)));
    expect(answers.filter((a) => /^HTTP\/1\.1 200 /.test(a))).toEqual([]);
    const res = await fetch(host.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>t</title>');
    expect(escaped).toEqual([]);
  });

  it('accepts the longest IM even when JSON escaping makes its frame six times larger', async () => {
    const ws = await connect();
    const text = '\u0001'.repeat(MAX_IM_BYTES); // 256 KB typed, ~1.5 MB once escaped
    const reply = await request(ws, { kind: 'invoke', id: 20, channel: 'im:send', args: ['sip:a@x', text] });
    expect(reply).toMatchObject({ id: 20, ok: true });
    ws.close();
  });

  it('refuses an IM over the limit measured on the typed text, with words', async () => {
    const ws = await connect();
    const reply = await request(ws, { kind: 'invoke', id: 21, channel: 'im:send', args: ['sip:a@x', 'é'.repeat(MAX_IM_BYTES / 2 + 1)] });
    expect(reply).toMatchObject({ id: 21, ok: false, error: { code: 'invalid-input', message: 'The message is too long (more than 256 KB).' } });
    ws.close();
  });

  it('closes a page that sends a 10 MB frame with 1009 and stays up for others', async () => {
    const ws = await connect();
    const gone = closed(ws);
    ws.on('error', () => {}); // the test page's own side of the refusal
    ws.send(JSON.stringify({ kind: 'invoke', id: 22, channel: 'im:send', args: ['sip:a@x', 'x'.repeat(10 * 1024 * 1024)] }));
    expect((await gone).code).toBe(1009);
    const other = await connect();
    expect(await request(other, { kind: 'invoke', id: 23, channel: 'app:info', args: [] })).toMatchObject({ id: 23, ok: true });
    other.close();
    expect(escaped).toEqual([]);
  });

  it('shows words, not exception text, for an internal error', async () => {
    const ws = await connect();
    const reply = await request(ws, { kind: 'invoke', id: 24, channel: 'im:retry', args: ['1'] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(reply)).not.toMatch(/\/work\/|\.ts:|at |\bx\b"/);
    ws.close();
  });
});
