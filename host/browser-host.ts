/**
 * The browser host: serves the renderer and the IPC contract on 127.0.0.1 only, for machines
 * without an Electron binary and for end-to-end tests.
 *
 * Access needs the random token printed with the URL; the WebSocket also checks that the page
 * comes from this host's own origin, so another site in the same browser cannot drive it.
 * Static files are served with a strict CSP and never outside the renderer's folder.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '../shared/csp';
import type { HostInfo } from '../shared/domain';
import { type DeskBackend, type WireFromRenderer, type WireToRenderer } from '../shared/ipc';
import { dispatchInvoke, serialiseError } from './bridge';

export interface BrowserHostOptions {
  backend: DeskBackend;
  info: HostInfo;
  staticDir: string;
  port?: number;
  token?: string;
  log?: (line: string) => void;
  /** Called when a renderer has connected (e.g. to pass it a start-up open request). */
  onConnect?: () => void;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  origin: string;
  close(): Promise<void>;
}

const CSP = contentSecurityPolicy('browser');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const MAX_FRAME_BYTES = 512 * 1024;

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log ?? (() => {});
  const token = options.token ?? randomBytes(32).toString('hex');
  const root = normalize(options.staticDir);
  let origin = '';

  const server = createServer(async (req, res) => {
    const headers = {
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(404, headers).end();
      return;
    }
    // The page itself needs the token; its assets are public build output.
    if (file.endsWith('index.html') && !sameToken(url.searchParams.get('token'), token)) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Presence Desk: open the address printed at start, with its token.');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Set<WebSocket>();
  const unsubscribe = options.backend.subscribe((event, payload) => {
    const frame = JSON.stringify({ kind: 'event', event, payload } satisfies WireToRenderer);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const refuse = (why: string) => {
      log(`browser host: refused a connection (${why})`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    };
    if (url.pathname !== '/ipc') return refuse('wrong path');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse('wrong or missing token');
    if (req.headers.origin !== origin) return refuse(`origin ${String(req.headers.origin)}`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      options.onConnect?.();
      ws.on('message', async (data) => {
        let frame: WireFromRenderer;
        try {
          frame = JSON.parse(String(data)) as WireFromRenderer;
          if (frame.kind !== 'invoke' || typeof frame.id !== 'number') throw new Error('not an invoke');
        } catch (error) {
          log(`browser host: malformed frame ignored (${(error as Error).message})`);
          return;
        }
        let reply: WireToRenderer;
        try {
          const value = await dispatchInvoke(options.backend, frame.channel, frame.args);
          reply = { kind: 'result', id: frame.id, ok: true, value: value ?? null };
        } catch (error) {
          reply = { kind: 'result', id: frame.id, ok: false, error: serialiseError(error) };
        }
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    origin,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
