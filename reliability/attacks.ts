/**
 * Browser-host attacks: what another page in the same browser, or any local program, can send
 * to the browser host's port. The host runs the real backend (a DeskSession, signed out, with
 * a temporary profile); every handler is wrapped so that a call a guard should have refused
 * is counted. Figures: requests without or with a wrong token, foreign origins, malformed
 * request lines, oversized and malformed frames, unknown channels and wrong argument types,
 * each counted as refused or not, and whether the app still serves its own page afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createBackend } from '../host/backend-factory';
import { startBrowserHost, type BrowserHost } from '../host/browser-host';
import { MemorySettingsStore } from '../core/store/settings';
import { INVOKE_ARGUMENTS } from '../shared/ipc-guards';
import { INVOKE_CHANNELS, type InvokeChannel, type WireToRenderer } from '../shared/ipc';
import { MAX_FRAME_BYTES } from '../shared/limits';
import type { Report } from './report';
import { builtRenderer } from './renderer-build';

const AREA = 'browser host';

/** Wrong tokens: empty, near misses of the real one, odd characters, sheer size. */
function wrongTokens(real: string): string[] {
  const flip = (i: number) => real.slice(0, i) + (real[i] === 'a' ? 'b' : 'a') + real.slice(i + 1);
  return [
    '',
    real.slice(0, -1),
    `${real}0`,
    real.toUpperCase(),
    flip(0),
    flip(real.length - 1),
    ` ${real}`,
    encodeURIComponent('\u0000') + real.slice(1),
    '%',
    '%zz',
    'é'.repeat(32),
    'x'.repeat(100_000),
    ...Array.from({ length: 40 }, (_, i) => flip(i % real.length)),
  ];
}

/** Origins a foreign page (or a local program) may present. */
function foreignOrigins(host: BrowserHost): Array<string | undefined> {
  const port = host.port;
  return [
    undefined,
    'null',
    'http://evil.example',
    `http://localhost:${port}`,
    `http://127.0.0.1:${port + 1}`,
    `https://127.0.0.1:${port}`,
    `http://127.0.0.1:${port}.evil.example`,
    `http://127.0.0.1`,
    `http://[::1]:${port}`,
    'file://',
    'chrome-extension://abcdefghijklmnop',
    `${host.origin}/`,
    host.origin.toUpperCase(),
  ];
}

/** Answers of one raw request (the status line), or how the connection ended. */
function raw(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (error) => resolve(chunks.length ? Buffer.concat(chunks).toString('latin1') : `reset (${error.message})`));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.end(bytes);
  });
}

function status(answer: string): string {
  return /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? (answer.startsWith('reset') ? 'reset' : 'closed');
}

function open(host: BrowserHost, options: { token?: string; origin?: string } = {}): Promise<WebSocket> {
  const token = options.token ?? host.token;
  const origin = 'origin' in options ? options.origin : host.origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ipc?token=${encodeURIComponent(token)}`, origin === undefined ? {} : { origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
  });
}

let nextId = 1;
/** Sends one frame and waits for its reply (by id), or for `quietMs` without one. */
function exchange(ws: WebSocket, frame: string | Buffer, id: number | undefined, quietMs = 300): Promise<WireToRenderer | 'no reply' | 'closed'> {
  return new Promise((resolve) => {
    const done = (value: WireToRenderer | 'no reply' | 'closed') => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      resolve(value);
    };
    const onMessage = (data: Buffer) => {
      const reply = JSON.parse(String(data)) as WireToRenderer;
      if (reply.kind === 'result' && reply.id === id) done(reply);
    };
    const onClose = () => done('closed');
    // A frame that is not an invoke gets no reply by design: a valid invoke after it proves the connection still serves.
    const timer = setTimeout(() => done('no reply'), id === undefined ? quietMs : 10_000);
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(frame);
  });
}

async function stillServes(host: BrowserHost, ws?: WebSocket): Promise<boolean> {
  const page = await fetch(host.url).then(
    (r) => r.status === 200,
    () => false,
  );
  const socket = ws ?? (await open(host).catch(() => undefined));
  if (!socket) return false;
  const id = nextId++;
  const reply = await exchange(socket, JSON.stringify({ kind: 'invoke', id, channel: 'app:info', args: [] }), id);
  if (!ws) socket.close();
  return page && typeof reply === 'object' && reply.kind === 'result' && reply.ok;
}

/** `staticDir`: a renderer already built (tests: vitest's global set-up built it); else it is built. */
export async function browserHostAttacks(report: Report, options: { staticDir?: string } = {}): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'pd-rel-attacks-'));
  const logged: string[] = [];
  const created = await createBackend([], 'browser', { profileDir: profile, settings: new MemorySettingsStore(), log: (l) => logged.push(l) });
  // Every service call is counted: in the argument attacks, none may reach a service.
  const reached: string[] = [];
  let counting = false;
  const handlers = created.backend.handlers as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const channel of INVOKE_CHANNELS) {
    const real = handlers[channel]!;
    handlers[channel] = (...args: unknown[]) => {
      if (counting) reached.push(`${channel}(${JSON.stringify(args).slice(0, 60)})`);
      return real(...args);
    };
  }
  const host = await startBrowserHost({
    backend: created.backend,
    info: created.info,
    staticDir: options.staticDir ?? (await builtRenderer()),
    log: (l) => logged.push(l),
  });
  try {
    // ── the page without the token, or with a wrong one ─────────────────────────────────────
    const tokens = wrongTokens(host.token);
    const pageAnswers = await Promise.all([
      fetch(`${host.origin}/`).then((r) => String(r.status)),
      ...tokens.map((t) => fetch(`${host.origin}/?token=${encodeURIComponent(t)}`).then((r) => String(r.status))),
    ]);
    const pageServed = pageAnswers.filter((s) => s === '200').length;
    report.add(AREA, 'page without or with a wrong token (served / tried)', `${pageServed} / ${pageAnswers.length}`, '0 served', pageServed === 0);

    // ── the WebSocket without the token, with a wrong one, from a foreign origin ───────────
    const attempts = [
      ...[undefined, ...tokens].map((token) => ({ token: token ?? '' })),
      ...foreignOrigins(host).map((origin) => ({ origin })),
      ...foreignOrigins(host).map((origin) => ({ origin, token: tokens[4] })),
    ];
    let opened = 0;
    for (const attempt of attempts) {
      const ws = await open(host, attempt).catch(() => undefined);
      if (ws) {
        opened += 1;
        ws.close();
      }
    }
    report.add(
      AREA,
      'IPC connections without the token, with a wrong one or from a foreign origin (opened / tried)',
      `${opened} / ${attempts.length}`,
      '0 opened',
      opened === 0,
    );

    // ── malformed request lines ─────────────────────────────────────────────────────────────
    const targets = [
      '//',
      'http://[',
      '/%',
      '/%zz',
      '//\u0000',
      '*',
      '',
      '/'.repeat(5000),
      'http://a b/',
      '//evil.example',
      '/ipc?token=%',
      '/../../etc/passwd',
    ];
    const methods = ['GET', 'HEAD', 'POST', 'BREW', 'G\u0000T'];
    const lines: Array<string | Buffer> = [];
    for (let i = 0; i < 300; i++) {
      const target = targets[i % targets.length]!;
      const method = methods[Math.floor(i / targets.length) % methods.length]!;
      if (i % 25 === 24) lines.push(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, i & 0xff, 0x0d, 0x0a, 0x0d, 0x0a]));
      else if (i % 7 === 6)
        lines.push(`${method} ${target} HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      else lines.push(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    }
    const statuses = await Promise.all(lines.map((l) => raw(host.port, l).then(status)));
    const servedRaw = statuses.filter((s) => s === '200' || s === '101').length;
    const tally = Object.entries(statuses.reduce<Record<string, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {}))
      .map(([s, n]) => `${n}× ${s}`)
      .join(', ');
    report.add(AREA, `malformed request lines (${lines.length}): answers`, `${tally}; ${servedRaw} served`, '0 served', servedRaw === 0);

    // ── malformed frames on an open connection ──────────────────────────────────────────────
    const ws = await open(host);
    const malformed: Array<string | Buffer> = [
      'not json',
      '',
      'null',
      '42',
      '"text"',
      '[]',
      '{}',
      '{"kind":"invoke"}',
      '{"kind":"invoke","id":"1","channel":"app:info","args":[]}',
      '{"kind":"result","id":1,"ok":true,"value":null}',
      '{"kind":"event","event":"session:state","payload":{}}',
      '{"kind":"invoke","id":1e999,"channel":"app:info","args":[]',
      '{"__proto__":{"kind":"invoke","id":5},"constructor":{"prototype":{"polluted":true}}}',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_001)}`,
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0xc3, 0x28]),
      Buffer.alloc(64 * 1024, 0),
    ];
    let answeredMalformed = 0;
    let closedByMalformed = 0;
    for (const frame of malformed) {
      const result = await exchange(ws, frame, undefined);
      if (result === 'closed') closedByMalformed += 1;
      else if (result !== 'no reply') answeredMalformed += 1;
    }
    const polluted = ({} as Record<string, unknown>).polluted !== undefined;
    const survived = await stillServes(host, ws);
    report.add(
      AREA,
      `malformed frames (${malformed.length}): ignored, connection kept`,
      `${malformed.length - answeredMalformed - closedByMalformed} ignored, ${closedByMalformed} closed the connection, prototype ${polluted ? 'POLLUTED' : 'intact'}, connection ${survived ? 'still serves' : 'LOST'}`,
      'all ignored, still serves',
      answeredMalformed + closedByMalformed === 0 && survived && !polluted,
    );

    // ── oversized frames ────────────────────────────────────────────────────────────────────
    const sizes = [MAX_FRAME_BYTES + 1, 3 * 1024 * 1024, 10 * 1024 * 1024, 32 * 1024 * 1024];
    const codes: number[] = [];
    for (const size of sizes) {
      const big = await open(host);
      big.on('error', () => {}); // our own side of the refusal
      const gone = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
      big.send(JSON.stringify({ kind: 'invoke', id: nextId++, channel: 'im:send', args: ['sip:a@x', 'x'.repeat(size)] }));
      codes.push(await gone);
    }
    const upAfterBig = await stillServes(host);
    report.add(
      AREA,
      `oversized frames (${sizes.map((s) => `${(s / 1024 / 1024).toFixed(1)} MB`).join(', ')}): closed with`,
      `${codes.join(', ')}; host ${upAfterBig ? 'still serves' : 'DOWN'}`,
      'all 1009, still serves',
      codes.every((c) => c === 1009) && upAfterBig,
    );

    // ── unknown channels and wrong argument types ───────────────────────────────────────────
    counting = true;
    const unknown = [
      'fs:read',
      '',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'session:snapshot ',
      'SESSION:SNAPSHOT',
      'im:send\u0000',
      'x'.repeat(10_000),
      42,
      null,
      ['app:info'],
      { channel: 'app:info' },
    ];
    const unknownReplies = [];
    for (const channel of unknown) {
      const id = nextId++;
      unknownReplies.push(await exchange(ws, JSON.stringify({ kind: 'invoke', id, channel, args: [] }), id));
    }
    const unknownRefused = unknownReplies.filter((r) => typeof r === 'object' && r.kind === 'result' && !r.ok && r.error.code === 'invalid-input').length;
    report.add(
      AREA,
      'unknown channels: refused in words (invalid-input)',
      `${unknownRefused} / ${unknown.length}`,
      `${unknown.length} / ${unknown.length}`,
      unknownRefused === unknown.length,
    );

    // Values wrong for every argument type of the contract: a nested list is neither a text, a
    // flag, a number nor an object, and no argument is optional-as-a-list.
    let wrongSent = 0;
    let wrongRefused = 0;
    let wrongInternal = 0;
    const unclear: string[] = [];
    for (const channel of INVOKE_CHANNELS) {
      const arity = (INVOKE_ARGUMENTS[channel as InvokeChannel].def.items as unknown[]).length;
      const variants: unknown[] = [null, 'not a list', 42, { 0: 'x' }, Array(arity + 1).fill([['x']])];
      if (arity > 0) for (let p = 0; p < arity; p++) variants.push(Array.from({ length: arity }, (_, i) => (i === p ? [['x']] : 'sip:maria@lab.test')));
      for (const args of variants) {
        const id = nextId++;
        wrongSent += 1;
        const reply = await exchange(ws, JSON.stringify({ kind: 'invoke', id, channel, args }), id);
        if (typeof reply !== 'object' || reply.kind !== 'result') continue;
        if (reply.ok) continue;
        if (reply.error.code === 'internal') wrongInternal += 1;
        else if (reply.error.code === 'invalid-input' && reply.error.message.startsWith(channel)) wrongRefused += 1;
        else unclear.push(`${channel}: ${reply.error.code} ${reply.error.message}`);
      }
    }
    counting = false;
    report.add(
      AREA,
      `wrong argument types on every channel (${INVOKE_CHANNELS.length}): refused naming the channel and argument`,
      `${wrongRefused} / ${wrongSent}${wrongInternal ? `, ${wrongInternal} internal errors` : ''}${unclear.length ? `, other: ${unclear.slice(0, 2).join('; ')}` : ''}`,
      `${wrongSent} / ${wrongSent}`,
      wrongRefused === wrongSent,
    );
    report.add(
      AREA,
      'service calls reached by unknown channels or wrong arguments',
      `${reached.length}${reached.length ? ` — ${reached.slice(0, 3).join('; ')}` : ''}`,
      '0',
      reached.length === 0,
    );
    ws.close();
    const up = await stillServes(host);
    report.add(AREA, 'after every attack: the app serves its page and answers its own IPC', up ? 'yes' : 'NO', 'yes', up);
  } finally {
    await host.close();
    await created.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
