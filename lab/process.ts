/**
 * What every server the lab starts (Kamailio, slapd, MariaDB) needs from the OS: a free
 * loopback port, a way to see that it listens, a guarantee that it dies with us, and a private
 * run directory that a later start removes if we crashed before cleaning it up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port on 127.0.0.1 that is free right now (the OS picks it). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
  });
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A parent killed outright (SIGKILL, a crashed test runner) runs no exit handler: this small
 * watchdog kills `child` (its whole process group when `group`) once we are gone, so no lab
 * server outlives the process that started it. It stops itself when the child exits first.
 */
export function dieWithParent(child: ChildProcess, options: { group?: boolean } = {}): void {
  const target = options.group ? `-${child.pid}` : `${child.pid}`;
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -0 ${process.pid} 2>/dev/null || kill -9 ${target} 2>/dev/null`,
    ],
    { stdio: 'ignore', detached: true },
  );
  watchdog.unref();
  child.once('exit', () => watchdog.kill('SIGKILL'));
}

/** Marks a run directory with the process that owns it, so a later start can tell it was abandoned. */
const OWNER_FILE = '.owner-pid';

/**
 * A new run directory under the temporary folder, private to the user (0700: it holds the lab
 * users' passwords in plain text), marked with this process's id.
 */
export function makeRunDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the run directories a crashed app left behind (its lab servers died with it, see
 * `dieWithParent`): only ours (same user), only marked by `makeRunDir`, and only when the
 * marking process is gone, so a lab another process still runs is never touched. Returns the
 * directories removed.
 */
export function removeAbandonedRunDirs(prefix: string, log: (line: string) => void = () => {}): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(prefix));
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const dir = join(tmpdir(), name);
    try {
      if (uid !== undefined && statSync(dir).uid !== uid) continue;
      const pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
      log(`lab: removed ${dir}, left by a run that ended without cleaning up (process ${pid})`);
    } catch {
      // No owner mark (not ours to judge), or it vanished meanwhile.
    }
  }
  return removed;
}
