/**
 * Primary/backup presence server choice (`Presence.Primary.*` / `Presence.Backup.*`).
 *
 * ```
 *            primary unreachable (sign-in, or twice in a row while reconnecting)
 *   OnPrimary ─────────────────────────────────────────────────────────────────> OnBackup
 *       ^                                                                          │ probe the primary
 *       └──────────── probe answered: register there, then let go of the backup ───┘ probeEveryMs after the last probe
 * ```
 *
 * This class only keeps the order of servers and runs the probe; the account does the
 * moving (it builds a user agent on the primary, registers, and only then lets go of the
 * backup, so the user is never without a registration for the switch).
 */
import { serverAnswers, type SipServer } from './transport-choice';
import { SipError } from '../message/sip-error';
import { realTimers, type Timers } from '../../timers';

export interface FailoverOptions {
  probeEveryMs: number;
  probeTimeoutMs: number;
  log: (line: string) => void;
  /** Called when the primary answers a probe while the backup is in use. */
  onPrimaryBack: () => Promise<void>;
  /** Test seam: does this server answer? */
  answers?: (server: SipServer, timeoutMs: number) => Promise<boolean>;
  /** The clock of the probe (default the real one). */
  timers?: Timers;
}

export class Failover {
  /** The next probe's timer, or the timer of the probe under way; undefined while on the primary. */
  private timer: unknown;

  constructor(
    private readonly primary: SipServer,
    private readonly backup: SipServer | undefined,
    private readonly options: FailoverOptions,
  ) {}

  /** Only "cannot reach" errors move to the other server; a refusal (auth, 403) would be the same there. */
  static isLinkError(error: unknown): boolean {
    return error instanceof SipError && (error.code === 'unreachable' || error.code === 'timeout');
  }

  /** The servers to try at sign-in, primary first. */
  order(): SipServer[] {
    return this.backup ? [this.primary, this.backup] : [this.primary];
  }

  /** The server to try when `current` does not answer (undefined without a backup). */
  other(current: SipServer): SipServer | undefined {
    if (!this.backup) return undefined;
    return current === this.primary ? this.backup : this.primary;
  }

  onPrimary(): void {
    this.stop();
  }

  /** Starts probing the primary. */
  onBackup(): void {
    if (this.timer !== undefined) return;
    this.scheduleProbe();
  }

  stop(): void {
    if (this.timer !== undefined) (this.options.timers ?? realTimers).clear(this.timer);
    this.timer = undefined;
  }

  /** The next probe starts probeEveryMs after the last one ended, so probes never overlap. */
  private scheduleProbe(): void {
    const answers = this.options.answers ?? serverAnswers;
    const handle = (this.options.timers ?? realTimers).set(() => {
      answers(this.primary, this.options.probeTimeoutMs)
        .then(async (ok) => {
          if (ok && this.timer === handle) await this.options.onPrimaryBack();
        })
        .catch((error: Error) => this.options.log(`sip: probing the primary presence server failed: ${error.message}`))
        .finally(() => {
          // Still on the backup (neither stopped nor moved back): probe again later.
          if (this.timer === handle) this.scheduleProbe();
        });
    }, this.options.probeEveryMs);
    this.timer = handle;
  }
}
