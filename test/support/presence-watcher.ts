/** A watcher of the demo user's presence: a SIP account of its own on the lab's Kamailio, recording what it sees. */
import type { Presence } from '../../shared/domain';
import { SipAccount } from '../../core/sip';
import type { SimpleLab } from '../../lab/simple';
import { waitForEvent } from './wait';

export interface PresenceWatcher {
  account: SipAccount;
  /** Every presence it was told, in order. */
  presence: Presence[];
}

/** Signs `id` in and subscribes to the demo user's presence. */
export async function watchDemoUser(lab: SimpleLab, id: string): Promise<PresenceWatcher> {
  const account = new SipAccount({
    server: { host: lab.kamailio.host, port: lab.kamailio.tcpPort, transport: 'tcp' },
    domain: lab.domain,
    user: id,
    password: lab.passwordOf(id),
    userAgent: 'test watcher',
  });
  const presence: Presence[] = [];
  account.on('presence', (_uri, p) => presence.push(p));
  await account.start();
  account.watch(`sip:${lab.demoUser.id}@${lab.domain}`);
  return { account, presence };
}

/** Waits until the watcher has seen presence matching `predicate` (already, or from now on). */
export async function watcherSees(w: PresenceWatcher, predicate: (p: Presence) => boolean, what: string): Promise<void> {
  if (w.presence.some(predicate)) return;
  await waitForEvent<Presence>((cb) => w.account.on('presence', (_u, p) => cb(p)), predicate, what);
}
