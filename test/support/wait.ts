/** Test helpers: wait for an application event (never a fixed sleep), find a closed port. */
import { createServer } from 'node:net';
import type { DeskSession } from '../../core/desk-session';

/** Resolves with the first value `subscribe` delivers that satisfies `predicate`. */
export function waitForEvent<T>(subscribe: (cb: (v: T) => void) => () => void, predicate: (v: T) => boolean, what: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what} (${ms} ms)`));
    }, ms);
    const off = subscribe((v) => {
      if (!predicate(v)) return;
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}

/** A loopback port nothing listens on (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once every contact of the signed-in session has had its first presence answer
 * (nothing left at the initial "unknown, never updated" state). Waits on the session's events.
 */
export function allPresenceKnown(session: DeskSession): Promise<void> {
  const pending = new Set(
    Object.entries(session.snapshot().presence)
      .filter(([, p]) => p.updatedAt === 0)
      .map(([u]) => u),
  );
  return new Promise((resolve) => {
    if (!pending.size) return resolve();
    const off = session.on('presence:changed', (updates) => {
      for (const u of updates) pending.delete(u.uri);
      if (pending.size) return;
      off();
      resolve();
    });
  });
}
