/**
 * Contact photos from the lab's real slapd (`Directory.Map.Photo` → jpegPhoto): shown as checked
 * `data:` URLs for the people who have one, none for the others; kept on disk per contact, so
 * the next sign-in shows them while the directory cannot be reached; and in Diagnostics as
 * their size, never their bytes.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, DirectoryStatus } from '../../../shared/domain';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';
import { startLab, type Lab } from '../../../lab';
import { LAB_PHOTO_HUES, labPortrait } from '../../../lab/slapd/photos';
import { signInUntilDirectorySettles } from '../../support/directory-sign-in';

let lab: Lab;
let dir: string;
const sessions: DeskSession[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-directory-photos-'));
  lab = await startLab({ bots: false });
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const photoDir = () => join(dir, 'photos');

async function signIn(): Promise<{ session: DeskSession; status: DirectoryStatus }> {
  const session = new DeskSession({
    info: { host: 'browser', version: 'test' },
    settings: new MemorySettingsStore(),
    historyDir: join(dir, `history-${sessions.length}`),
    photoDir: photoDir(),
    cupsTimeoutMs: 3000,
  });
  sessions.push(session);
  return { session, status: await signInUntilDirectorySettles(session, lab) };
}

const contacts = (session: DeskSession): Contact[] => session.snapshot().groups.flatMap((g) => g.contacts);
const photoOf = (session: DeskSession, id: string) => contacts(session).find((c) => c.personaId === id)?.photo;

describe('contact photos from the directory', () => {
  it('gives the people with a directory photo a PNG data URL, and the others none', async () => {
    const { session, status } = await signIn();
    expect(status.state).toBe('ready');
    const maria = labPortrait(LAB_PHOTO_HUES.maria);
    expect(photoOf(session, 'maria')).toBe(`data:image/png;base64,${maria.toString('base64')}`);
    expect(photoOf(session, 'sam')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(photoOf(session, 'jonas')).toBeUndefined();
    expect(photoOf(session, 'lena')).toBeUndefined();
    // One file per contact with a photo, named by a hash (no user id in a path).
    const files = readdirSync(photoDir());
    expect(files).toHaveLength(contacts(session).filter((c) => c.photo).length);
    expect(files.every((f) => /^[0-9a-f]{40}$/.test(f))).toBe(true);

    // Diagnostics shows the photo's size, not its bytes.
    const rows = await session.handlers['diagnostics:list']({ protocol: 'directory', text: 'jpegPhoto' });
    const answer = rows.find((r) => r.direction === 'in');
    expect(answer).toBeDefined();
    const text = (await session.handlers['diagnostics:get'](answer!.id)).text;
    expect(text).toContain(`jpegPhoto: <binary, ${maria.length} bytes>`);
    expect(text).not.toContain(maria.toString('base64').slice(0, 40));
  });

  it('shows the cached photos at the next sign-in while the directory cannot be reached', async () => {
    await lab.slapd.kill();
    try {
      const { session, status } = await signIn();
      expect(status.state).toBe('error');
      expect(photoOf(session, 'maria')).toBe(`data:image/png;base64,${labPortrait(LAB_PHOTO_HUES.maria).toString('base64')}`);
      expect(photoOf(session, 'jonas')).toBeUndefined();
      // Nothing else is made up from the cache: the numbers wait for the directory.
      expect(contacts(session).find((c) => c.personaId === 'maria')!.numbers).toEqual([]);
    } finally {
      await lab.slapd.restart();
    }
  });
});
