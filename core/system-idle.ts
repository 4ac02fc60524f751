/**
 * Automatic Away from the whole computer's idle time, where the host can read it (Electron's
 * `powerMonitor`). Activity inside our own window is the wrong signal on a desktop: someone
 * typing in another application all morning is not away. The host polls; this decides when
 * the user crossed the idle threshold (or came back) and says so once per crossing.
 *
 * ```
 *   Active ──idle ≥ threshold──> Idle
 *     ^                           │
 *     └──── idle < threshold ─────┘   (threshold 0: never idle)
 * ```
 */
export interface SystemIdleOptions {
  /** Seconds since the last keyboard or mouse input anywhere on the system. */
  idleSeconds: () => number;
  /** The user's setting: minutes before Away (0 = never). Read at each poll, so changes apply. */
  thresholdMinutes: () => number;
  /** Called on each crossing: true when the user went idle, false when they came back. */
  onChange: (idle: boolean) => void;
}

export class SystemIdle {
  private idle = false;
  constructor(private readonly options: SystemIdleOptions) {}

  get isIdle(): boolean {
    return this.idle;
  }

  /** One look at the system's idle time; call every few seconds. */
  poll(): void {
    const minutes = this.options.thresholdMinutes();
    const idle = minutes > 0 && this.options.idleSeconds() >= minutes * 60;
    if (idle === this.idle) return;
    this.idle = idle;
    this.options.onChange(idle);
  }

  /** Polls every `everyMs` until the returned function is called. */
  start(everyMs = 10_000): () => void {
    const timer = setInterval(() => this.poll(), everyMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }
}
