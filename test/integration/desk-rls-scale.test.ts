/**
 * The session on the lab's resource list server with 5,006 contacts: one event-list
 * subscription brings every member's presence — the colleagues who published and the 5,000
 * who never signed in (offline) — and signing in again (a second list subscription while
 * the first one's 5,006 back-end subscriptions wind down) still does, with no Kamailio
 * memory errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceUpdate } from '../../shared/domain';
import { DeskSession } from '../../core/desk-session';
import { SipAccount } from '../../core/sip';
import { MemorySettingsStore } from '../../core/store/settings';
import { startLab, type Lab } from '../../lab';
import { waitForEvent } from '../support/wait';

const EXTRA = 5000;
let lab: Lab;
let dir: string;
const log: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-desk-rls-scale-'));
  lab = await startLab({ rls: true, extraContacts: EXTRA, log: (l) => log.push(l) });
});
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves when no contact of the session is unknown any more (waits on its events). */
function allKnown(session: DeskSession, what: string): Promise<unknown> {
  const done = () => {
    const presence = Object.values(session.snapshot().presence);
    return presence.length === EXTRA + lab.colleagues.length && presence.every((p) => p.availability !== 'unknown');
  };
  if (done()) return Promise.resolve();
  // A bound for a stuck list, not a speed target: a loaded machine's Kamailio RLS takes 20 s or more for 5,006 members.
  return waitForEvent<PresenceUpdate[]>((cb) => session.on('presence:changed', cb), done, what, 75_000).catch((error: Error) => {
    const presence = Object.values(session.snapshot().presence);
    const known = presence.filter((p) => p.availability !== 'unknown').length;
    const list = log.filter((l) => /^sip: .*list/.test(l)).slice(-5);
    throw new Error(`${error.message}: ${known} of ${EXTRA + lab.colleagues.length} known; last list lines: ${JSON.stringify(list)}`);
  });
}

const kamailioTrouble = () => log.filter((l) => /^kamailio: .*(shm|shared memory|out of mem|Free fragment|CRITICAL)/i.test(l));

describe('event-list presence for 5,006 contacts (lab with RLS)', () => {
  it('gives every member a known state through one list subscription, twice in a row', async () => {
    let account: SipAccount | undefined;
    const session = new DeskSession({
      info: { host: 'browser', version: 'test' },
      settings: new MemorySettingsStore({ presenceList: `sip:${lab.demoUser.id}-list@${lab.domain}` }),
      historyDir: join(dir, 'rls'),
      log: (l) => log.push(l),
      createSip: (options) => (account = new SipAccount(options)),
    });
    try {
      const signIn = () => session.signIn({ server: lab.cupsUrl, user: lab.demoUser.id, password: lab.demoUser.password });
      const first = log.length;
      await signIn();
      await allKnown(session, 'every contact known after the first sign-in');
      expect(account!.listState).toBe('active');
      // The first list brought every member itself: no stall, no member watched on its own.
      expect(log.slice(first).filter((l) => /brought no news/.test(l))).toEqual([]);
      // No Kamailio error of any kind while the list was filled.
      expect(log.slice(first).filter((l) => /^kamailio: .*(ERROR|CRITICAL)/.test(l))).toEqual([]);
      const presence = session.snapshot().presence;
      const extra = lab.extraPeople[EXTRA - 1];
      // Never signed in: offline, not unknown; a colleague who published: what they published.
      expect(presence[`sip:${extra.id}@${lab.domain}`].availability).toBe('offline');
      expect(presence[`sip:maria@${lab.domain}`].availability).toBe('available');

      // A second list subscription right after the first: twice the server's transactions.
      await session.signOut();
      await signIn();
      // A loaded lab's RLS may lose some of the second list's back-end subscriptions (README,
      // "The event list at 5,000 contacts"): the members it never tells of are then watched on
      // their own while the list stays for the rest, and every contact is still known.
      await allKnown(session, 'every contact known after signing in again');
      expect(account!.listState).toBe('active');
      expect(kamailioTrouble()).toEqual([]);
      expect(log.filter((l) => /watching each contact instead/.test(l))).toEqual([]);
    } finally {
      await session.close();
    }
  }, 180_000);
});
