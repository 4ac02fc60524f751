/**
 * The calls on the user's monitored line, kept from CSTA events.
 *
 * Each event moves one call of the line (keyed by the switch's call id):
 *
 * ```
 *   (none) ──ServiceInitiated/Originated──> dialing ──Established──> talking <──Retrieved── held
 *     │                                        │                      │  └────Held──────────^
 *     └──Delivered (alerting here)──> ringing ─┴──Established─────────┘
 *   any ──ConnectionCleared / CallCleared / Diverted away / Failed──> (none)
 * ```
 *
 * The gateway's `localConnectionInfo` (this device's state in the call) decides when present;
 * without it the event's kind and which device it names decide. A far end putting us on hold
 * leaves us talking; a far end hanging up a two-party call ends it.
 */
import type { PhoneCall, PhoneCallState } from '../../shared/domain';
import type { CstaCallEvent, LocalConnectionState } from './csta-xml';

/** `N<1000>`, `tel:+1000;ext=1`, `sip:1000@host` → the comparable number or address. */
export function deviceNumber(device: string): string {
  let d = device.trim();
  const n = /^N<([^>]*)>$/i.exec(d);
  if (n) d = n[1];
  d = d.replace(/^(tel|sip|sips):/i, '').split(';')[0];
  return d.toLowerCase();
}

/** Whether a device id names the monitored line (`1000` is `N<1000>` is `sip:1000@cucm`). */
export function sameDevice(device: string | undefined, line: string): boolean {
  if (!device) return false;
  const a = deviceNumber(device);
  const b = deviceNumber(line);
  return a === b || a.split('@')[0] === b.split('@')[0];
}

/** What a peer is shown as: the number (`1002`), or `user@host` for a named SIP address. */
function peerText(device: string | undefined): string {
  if (!device) return '';
  const address = deviceNumber(device);
  const [user, host] = address.split('@');
  return host && !/^[+\d*#]+$/.test(user) ? address : user;
}

interface LineCall extends PhoneCall {
  /** Established at least once: a later "connected" is talking, not ringback. */
  answered: boolean;
}

const ANSWERING_EVENTS = new Set(['EstablishedEvent', 'RetrievedEvent', 'ConferencedEvent', 'TransferredEvent']);

export class PhoneLine {
  private readonly calls = new Map<string, LineCall>();

  constructor(
    readonly line: string,
    private readonly now: () => number = Date.now,
  ) {}

  list(): PhoneCall[] {
    return [...this.calls.values()].map(({ answered: _answered, ...call }) => call);
  }

  clear(): void {
    this.calls.clear();
  }

  /** Without `localConnectionInfo`: this device's state from what the event says happened to whom. */
  private inferLocal(e: CstaCallEvent): LocalConnectionState {
    const here = (d: string | undefined) => sameDevice(d, this.line);
    switch (e.name) {
      case 'ServiceInitiatedEvent':
        return 'initiated';
      case 'DeliveredEvent':
        return here(e.alerting ?? e.device) ? 'alerting' : 'connected';
      case 'HeldEvent':
        return here(e.subject ?? e.device) ? 'held' : 'connected';
      case 'ConnectionClearedEvent':
      case 'CallClearedEvent':
      case 'DivertedEvent':
        return 'null';
      case 'FailedEvent':
        return 'fail';
      case 'TransferredEvent':
        return here(e.subject) ? 'null' : 'connected';
      default:
        return 'connected';
    }
  }

  /** Applies one call event; returns whether the line's calls changed. */
  apply(e: CstaCallEvent): boolean {
    const inherited = e.oldCallIds?.map((id) => this.calls.get(id)).find(Boolean);
    let changed = false;
    for (const id of e.oldCallIds ?? []) if (id !== e.newCallId) changed = this.calls.delete(id) || changed;
    const callId = e.newCallId ?? e.callId;
    const existing = this.calls.get(callId) ?? (inherited ? { ...inherited, id: callId } : undefined);
    const local = e.local ?? this.inferLocal(e);
    if (local === 'null' || local === 'fail') {
      // A dropped connection of someone else in a conference leaves ours up: only the
      // gateway's own word (localConnectionInfo) keeps the call then.
      return this.calls.delete(callId) || changed;
    }
    const answered = (existing?.answered ?? false) || ANSWERING_EVENTS.has(e.name);
    const state: PhoneCallState =
      local === 'alerting' ? 'ringing' : local === 'held' ? 'held' : local === 'initiated' || local === 'queued' ? 'dialing' : answered ? 'talking' : 'dialing';
    const direction = existing?.direction ?? (local === 'alerting' || (sameDevice(e.called, this.line) && !sameDevice(e.calling, this.line)) ? 'in' : 'out');
    const peer = (direction === 'out' ? peerText(e.called) : peerText(e.calling)) || existing?.peer || '';
    const since = existing && existing.state === state ? existing.since : this.now();
    const current = this.calls.get(callId);
    this.calls.set(callId, { id: callId, state, peer, direction, since, answered });
    // `answered` is not shown: only what the list shows counts as a change.
    return changed || !current || current.state !== state || current.peer !== peer || current.direction !== direction || current.since !== since;
  }

  /**
   * Replaces the calls with a snapshot (after (re)connecting): calls still there keep what
   * events told us (peer, direction); calls the snapshot does not list are gone.
   */
  applySnapshot(snapshot: Array<{ callId: string; local: LocalConnectionState }>): void {
    const previous = new Map(this.calls);
    this.calls.clear();
    for (const { callId, local } of snapshot) {
      if (local === 'null' || local === 'fail') continue;
      const known = previous.get(callId);
      const state: PhoneCallState = local === 'alerting' ? 'ringing' : local === 'held' ? 'held' : local === 'connected' ? 'talking' : 'dialing';
      this.calls.set(callId, {
        id: callId,
        state,
        peer: known?.peer ?? '',
        direction: known?.direction ?? (local === 'alerting' ? 'in' : 'out'),
        since: known && known.state === state ? known.since : this.now(),
        answered: known?.answered ?? state !== 'dialing',
      });
    }
  }
}
