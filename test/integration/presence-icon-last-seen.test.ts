/**
 * What a presence document adds, end to end through the lab's Kamailio: the CIPID icon a contact
 * publishes is fetched by the core (from a real HTTP server here) and becomes their photo when
 * the directory has none, while a directory photo wins; an offline contact's document timestamp
 * becomes their "last seen".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, DirectoryStatus, PresenceUpdate } from '../../shared/domain';
import { DeskSession } from '../../core/desk-session';
import { MemorySettingsStore } from '../../core/store/settings';
import { startLab, type Lab } from '../../lab';
import { BulkPublisher } from '../../lab/publisher';
import { LAB_PHOTO_HUES, labPortrait } from '../../lab/slapd/photos';
import { waitForEvent as waitFor } from '../support/wait';

let lab: Lab;
let dir: string;
let pictures: Server;
let pictureBase: string;
let session: DeskSession;
let publisher: BulkPublisher;
/** The paths the picture server has sent. */
const served = (() => {
  const listeners = new Set<(path: string) => void>();
  return {
    on: (cb: (path: string) => void) => (listeners.add(cb), () => listeners.delete(cb)),
    emit: (path: string) => listeners.forEach((cb) => cb(path)),
  };
})();
// A picture of another kind than the directory's portraits, so the test can tell them apart.
const ICON = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(40, 7)]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-icon-'));
  lab = await startLab({ bots: false });
  pictures = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'image/gif' });
    res.end(ICON, () => served.emit(req.url ?? ''));
  });
  await new Promise<void>((resolve) => pictures.listen(0, '127.0.0.1', resolve));
  pictureBase = `http://127.0.0.1:${(pictures.address() as AddressInfo).port}`;
  session = new DeskSession({
    info: { host: 'browser', version: 'test' },
    settings: new MemorySettingsStore(),
    historyDir: join(dir, 'history'),
    cupsTimeoutMs: 3000,
  });
  const directory = waitFor<DirectoryStatus>(
    (cb) => session.on('directory:status', cb),
    (s) => s.state === 'ready',
    'directory ready',
    10_000,
  );
  expect((await session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password })).phase).toBe('signed-in');
  await directory;
  publisher = new BulkPublisher({ host: lab.kamailio.host, port: lab.kamailio.tcpPort }, lab.domain);
  await publisher.connect();
});

afterAll(async () => {
  publisher?.close();
  await session?.close();
  await lab?.stop();
  await new Promise<void>((resolve) => pictures.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const contact = (id: string): Contact | undefined =>
  session
    .snapshot()
    .groups.flatMap((g) => g.contacts)
    .find((c) => c.personaId === id);
const user = (id: string) => ({ id, password: lab.passwordOf(id) });

describe('presence icon and last seen', () => {
  it('keeps the directory photo of a contact who also publishes an icon', async () => {
    const fetched = waitFor<string>(
      (cb) => served.on(cb),
      (path) => path === '/maria.gif',
      'maria.gif fetched',
      10_000,
    );
    await publisher.publish([{ user: user('maria'), status: { availability: 'available', note: '' }, extras: { icon: `${pictureBase}/maria.gif` } }]);
    await fetched;
    // Checked after lena's icon below has gone all the way through: maria's fetch, earlier, is done by then.
  });

  it('shows the icon a contact without a directory photo publishes, and their last seen while offline', async () => {
    expect(contact('lena')!.photo).toBeUndefined();
    const seen = waitFor<PresenceUpdate[]>(
      (cb) => session.on('presence:changed', cb),
      (updates) => updates.some((u) => u.uri === `sip:lena@${lab.domain}` && u.presence.lastSeen !== undefined),
      'lena offline with last seen',
      10_000,
    );
    await publisher.publish([
      { user: user('lena'), status: { availability: 'invisible', note: '' }, extras: { timestamp: '2026-12-01T17:45:00Z', icon: `${pictureBase}/lena.gif` } },
    ]);
    const lena = (await seen).find((u) => u.uri === `sip:lena@${lab.domain}`)!.presence;
    expect(lena).toMatchObject({ availability: 'offline', lastSeen: Date.parse('2026-12-01T17:45:00Z'), icon: `${pictureBase}/lena.gif` });
    await expect.poll(() => contact('lena')?.photo, { timeout: 10_000 }).toBe(`data:image/gif;base64,${ICON.toString('base64')}`);
    expect(contact('maria')!.photo).toBe(`data:image/png;base64,${labPortrait(LAB_PHOTO_HUES.maria).toString('base64')}`);
  });
});
