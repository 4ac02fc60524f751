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
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '../shared/csp';
import type { HostInfo } from '../shared/domain';
import { type DeskBackend, type WireFromRenderer, type WireToRenderer } from '../shared/ipc';
import { MAX_FRAME_BYTES } from '../shared/limits';
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

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The request target as a URL of this host, or undefined when it is not one: `//`, `http://[`,
 * `*`, or an absolute or scheme-relative URL naming another host (`//evil.example`).
 */
function parseRequestUrl(target: string | undefined, origin: string): URL | undefined {
  try {
    const url = new URL(target ?? '/', origin);
    return url.origin === origin ? url : undefined;
  } catch {
    return undefined;
  }
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log ?? (() => {});
  const token = options.token ?? randomBytes(32).toString('hex');
  const root = normalize(options.staticDir);
  let origin = '';

  /**
   * Every request ends in an answer: a request line that `URL` cannot read (`//`, `http://[`)
   * gets 400 like any other malformed request, and nothing a page sends can throw out of here.
   */
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
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
    const url = parseRequestUrl(req.url, origin);
    let path: string;
    try {
      if (!url) throw new Error('malformed request target');
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
  };
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      log(`browser host: request failed (${(error as Error)?.message ?? String(error)})`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // A client that resets its connection mid-request must not become an unhandled error.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const clients = new Set<WebSocket>();
  const unsubscribe = options.backend.subscribe((event, payload) => {
    const frame = JSON.stringify({ kind: 'event', event, payload } satisfies WireToRenderer);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head) => {
    socket.on('error', (error) => log(`browser host: connection error (${error.message})`));
    const url = parseRequestUrl(req.url, origin);
    const refuse = (why: string) => {
      log(`browser host: refused a connection (${why})`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    };
    if (!url) return refuse('malformed request target');
    if (url.pathname !== '/ipc') return refuse('wrong path');
    if (!sameToken(url.searchParams.get('token'), token)) return refuse('wrong or missing token');
    if (req.headers.origin !== origin) return refuse(`origin ${String(req.headers.origin)}`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // A frame over MAX_FRAME_BYTES is not read: `ws` closes the socket with 1009 (message too
      // big), which the page turns into words, and reports it here; unhandled, it would end the app.
      ws.on('error', (error) => log(`browser host: page connection closed (${error.message})`));
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
          reply = { kind: 'result', id: frame.id, ok: false, error: serialiseError(error, log) };
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
