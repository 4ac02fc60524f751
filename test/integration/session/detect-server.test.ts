/**
 * The server type found from an address the user gave no type for: the lab CUPS answers its
 * SOAP endpoint, the lab CME router its IXI envelope (wrong password included: the path is the
 * router's), a host answering neither (or nothing) is taken for a SIMPLE server; an untrusted
 * certificate leaves the choice to the last type used. Each probe is bounded by the time limit.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectServerType } from '../../../core/session/detect-server';
import { startLabCmeRouter, type LabCmeRouter } from '../../../lab/cme/router';
import { startLabCups, type LabCups } from '../../../lab/cups/server';
import { closedPort } from '../../support/wait';

let cups: LabCups;
let router: LabCmeRouter;
let tlsRouter: LabCmeRouter;
let silent: http.Server;
let webServer: http.Server;
const addr = (server: http.Server) => `127.0.0.1:${(server.address() as { port: number }).port}`;

beforeAll(async () => {
  cups = await startLabCups({
    domain: 'example.com',
    presence: { host: '127.0.0.1', port: 5060, protocol: 'tcp' },
    users: [{ id: 'alice', password: 'pw', displayName: 'Alice' }],
  });
  router = await startLabCmeRouter();
  tlsRouter = await startLabCmeRouter({ tls: true });
  // Accepts and never answers: the probe's time limit must end it.
  silent = http.createServer(() => undefined);
  // An ordinary web site: a page for every path.
  webServer = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>Welcome</body></html>'));
  await Promise.all([silent, webServer].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});
afterAll(async () => {
  silent.closeAllConnections();
  await Promise.all([cups.close(), router.close(), tlsRouter.close(), ...[silent, webServer].map((s) => new Promise((r) => s.close(r)))]);
});

const hostOnly = (url: string) => new URL(url).host;

describe('detecting the server type from an address', () => {
  it('a path names it without asking the host', async () => {
    expect(await detectServerType({ server: 'http://nowhere.invalid/ios_xml_app/cme', user: 'a', password: 'p' })).toEqual({ type: 'cme', by: 'path' });
  });

  it('the lab CUPS: its SOAP endpoint answers', async () => {
    expect(await detectServerType({ server: hostOnly(cups.url), user: 'alice', password: 'pw' })).toEqual({ type: 'cups', by: 'probe' });
  });

  it('the lab CME router: its IXI answers, with the right password or a 401 for a wrong one', async () => {
    const host = hostOnly(router.url);
    expect(await detectServerType({ server: host, user: router.user.id, password: router.user.password })).toEqual({ type: 'cme', by: 'probe' });
    expect(await detectServerType({ server: host, user: router.user.id, password: 'wrong' })).toEqual({ type: 'cme', by: 'probe' });
  });

  it('neither (a web site, a closed port, a host that never answers): a SIMPLE server', async () => {
    expect(await detectServerType({ server: addr(webServer), user: 'a', password: 'p' })).toEqual({ type: 'simple', by: 'none' });
    expect(await detectServerType({ server: `127.0.0.1:${await closedPort()}`, user: 'a', password: 'p' })).toEqual({ type: 'simple', by: 'none' });
    expect(await detectServerType({ server: addr(silent), user: 'a', password: 'p', timeoutMs: 300 })).toEqual({ type: 'simple', by: 'none' });
  });

  it('a certificate not trusted yet: the last type used, whose sign-in shows the certificate', async () => {
    const server = `https://${hostOnly(tlsRouter.url)}`;
    expect(await detectServerType({ server, user: 'a', password: 'p', fallback: 'cme' })).toEqual({ type: 'cme', by: 'none' });
  });
});
