/**
 * The CUPS session this device holds, remembered between runs. CUPS allows one SOAP session
 * per user and says only "A SOAP session has already been established." when another is open:
 * it does not say whose. After a crash (kill -9, power loss) the open session is usually the
 * app's own, left without a logout. The key remembered here tells: if the server still accepts
 * it, the open session is this device's and can be taken over without asking the user; if not,
 * someone else signed in and the user decides.
 *
 * The key is a bearer token for as long as that session lives: the file is private to the
 * user (0600), written then renamed so a crash never leaves half a key, and removed at logout.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OwnSessionRecord {
  /** The key of the session this device last opened and did not close, if any. */
  load(): string | undefined;
  save(key: string): void;
  clear(): void;
}

/** One file per server and user in `dir` (the profile's `sessions` folder). */
export function fileOwnSessionRecord(dir: string, server: string, user: string): OwnSessionRecord {
  const account = `${user.trim().toLowerCase()}@${server.trim().toLowerCase()}`;
  const file = join(dir, `cups-${createHash('sha256').update(account).digest('hex').slice(0, 24)}.json`);
  return {
    load() {
      try {
        const value = (JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown }).key;
        return typeof value === 'string' && value ? value : undefined;
      } catch {
        return undefined; // none, or unreadable: then the user is asked, as without a record
      }
    },
    save(key) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ key }), { mode: 0o600 });
      renameSync(temp, file);
    },
    clear() {
      rmSync(file, { force: true });
    },
  };
}
