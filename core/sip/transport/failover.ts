/**
 * Primary/backup presence server choice (`Presence.Primary.*` / `Presence.Backup.*`).
 *
 * ```
 *            primary unreachable (sign-in, or twice in a row while reconnecting)
 *   OnPrimary ─────────────────────────────────────────────────────────────────> OnBackup
 *       ^                                                                          │ probe the primary
 *       └──────────── probe answered: register there, then let go of the backup ───┘ every probeEveryMs
 * ```
 *
 * This class only keeps the order of servers and runs the probe; the account does the
 * moving (it builds a user agent on the primary, registers, and only then lets go of the
 * backup, so the user is never without a registration for the switch).
 */
import { serverAnswers, type SipServer } from './transport-choice';
import { SipError } from '../message/sip-error';

export interface FailoverOptions {
  probeEveryMs: number;
  probeTimeoutMs: number;
  log: (line: string) => void;
  /** Called when the primary answers a probe while the backup is in use. */
  onPrimaryBack: () => Promise<void>;
  /** Test seam: does this server answer? */
  answers?: (server: SipServer, timeoutMs: number) => Promise<boolean>;
}

export class Failover {
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

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
    if (this.timer) return;
    const answers = this.options.answers ?? serverAnswers;
    this.timer = setInterval(() => {
      if (this.probing) return;
      this.probing = true;
      answers(this.primary, this.options.probeTimeoutMs)
        .then(async (ok) => {
          if (ok && this.timer) await this.options.onPrimaryBack();
        })
        .catch((error: Error) => this.options.log(`sip: probing the primary presence server failed: ${error.message}`))
        .finally(() => (this.probing = false));
    }, this.options.probeEveryMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
