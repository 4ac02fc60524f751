/**
 * The transport's timers run on the one `Timers` seam: the UDP transaction timers (E, F, K, J)
 * and the primary-server probe of the failover are driven here by a hand-run clock, with no
 * real time passing and no fake global timers.
 */
import { describe, expect, it } from 'vitest';
import { Failover } from '../../../core/sip/transport/failover';
import type { SipServer } from '../../../core/sip/transport/transport-choice';
import type { SipSummary } from '../../../core/sip/transport/udp-datagram';
import { UdpTransactions } from '../../../core/sip/transport/udp-transactions';
import { ManualTimers } from '../../support/fake-sip';

const PRIMARY: SipServer = { host: '127.0.0.1', port: 5060, transport: 'udp' };
const BACKUP: SipServer = { host: '127.0.0.2', port: 5060, transport: 'udp' };

/** A hand-run clock that fires timers in order of when they are due (Timer E keeps re-arming before F). */
class Clock {
  now = 0;
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; at: number }>();
  set = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.now + ms });
    return id;
  };
  clear = (handle: unknown): void => void this.pending.delete(handle as number);
  /** Fires the earliest timer and returns the time it fired at. */
  runNext(): number {
    const [id, timer] = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (id === undefined || !timer) throw new Error('no timer pending');
    this.pending.delete(id);
    this.now = timer.at;
    timer.fn();
    return timer.at;
  }
}

/** Resolves once every promise callback queued so far has run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('UdpTransactions on the Timers seam', () => {
  it('retransmits on Timer E (T1 doubling up to T2) and gives up on Timer F, all on the given clock', () => {
    const timers = new Clock();
    const sent: string[] = [];
    const timeouts: string[] = [];
    const tx = new UdpTransactions({
      t1: 500,
      t2: 4000,
      t4: 5000,
      target: '127.0.0.1:5060',
      transmit: async (data) => void sent.push(data.toString()),
      log: () => {},
      onRequestTimeout: (method, callId) => timeouts.push(`${method} ${callId}`),
      timers,
    });
    tx.startClient(Buffer.from('OPTIONS'), 'OPTIONS', 'call-1', 'z9hG4bK1', 32_000);
    expect(sent).toHaveLength(1);
    // Timer F (32 s) and the first Timer E (T1) are pending on the seam.
    expect([...timers.pending.values()].map((t) => t.at).sort((a, b) => a - b)).toEqual([500, 32_000]);
    const fired: number[] = [];
    while (timeouts.length === 0 && fired.length < 20) fired.push(timers.runNext());
    // Retransmissions at 0.5, 1.5, 3.5, 7.5, 11.5 … 31.5 s, then Timer F at 32 s.
    expect(fired).toEqual([500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500, 32_000]);
    expect(sent).toHaveLength(11);
    expect(timeouts).toEqual(['OPTIONS call-1']);
    expect(tx.stats.timeouts).toBe(1);
    expect(timers.pending.size).toBe(0);
  });

  it('a final answer ends the retransmissions; Timer K then absorbs its copies until it fires', () => {
    const timers = new ManualTimers();
    const tx = new UdpTransactions({ t1: 500, t2: 4000, t4: 5000, target: 'x', transmit: async () => {}, log: () => {}, timers });
    tx.startClient(Buffer.from('SUBSCRIBE'), 'SUBSCRIBE', 'c', 'z9hG4bK2', 32_000);
    const answer: SipSummary = { kind: 'response', branch: 'z9hG4bK2', method: 'SUBSCRIBE', status: 200, callId: 'c' };
    expect(tx.onResponse(answer)).toEqual({ kind: 'deliver' });
    expect(timers.delays()).toEqual([5000]);
    expect(tx.onResponse(answer)).toEqual({ kind: 'absorb' });
    timers.runNext();
    expect(tx.onResponse(answer)).toEqual({ kind: 'deliver' });
    tx.clear();
    expect(timers.pending.size).toBe(0);
  });
});

describe('Failover probe on the Timers seam', () => {
  it('probes the primary every probeEveryMs while on the backup and moves back once it answers', async () => {
    const timers = new ManualTimers();
    const answersQueue = [false, true];
    const probed: string[] = [];
    let movedBack = 0;
    const failover = new Failover(PRIMARY, BACKUP, {
      probeEveryMs: 30_000,
      probeTimeoutMs: 5000,
      log: () => {},
      onPrimaryBack: async () => {
        movedBack += 1;
        failover.onPrimary();
      },
      answers: async (server) => {
        probed.push(server.host);
        return answersQueue.shift() ?? false;
      },
      timers,
    });
    failover.onBackup();
    failover.onBackup();
    expect(timers.delays()).toEqual([30_000]);
    expect(timers.runNext()).toBe(30_000);
    await settle();
    // The primary did not answer: one more probe is scheduled, none moved.
    expect(movedBack).toBe(0);
    expect(timers.delays()).toEqual([30_000]);
    timers.runNext();
    await settle();
    expect(probed).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(movedBack).toBe(1);
    // Back on the primary: no probe left.
    expect(timers.pending.size).toBe(0);
  });

  it('stop() while a probe is under way leaves nothing scheduled and ignores its answer', async () => {
    const timers = new ManualTimers();
    let answer: (ok: boolean) => void = () => {};
    let movedBack = 0;
    const failover = new Failover(PRIMARY, BACKUP, {
      probeEveryMs: 1000,
      probeTimeoutMs: 500,
      log: () => {},
      onPrimaryBack: async () => void (movedBack += 1),
      answers: () => new Promise<boolean>((resolve) => (answer = resolve)),
      timers,
    });
    failover.onBackup();
    timers.runNext();
    failover.stop();
    answer(true);
    await settle();
    expect(movedBack).toBe(0);
    expect(timers.pending.size).toBe(0);
  });
});
