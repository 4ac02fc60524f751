/**
 * One PUBLISH at a time, latest state wins. A status asked for while a PUBLISH is in flight
 * waits; asked for again meanwhile, only the newest is sent. Each caller's promise settles
 * with the PUBLISH that carried its status or a newer one.
 *
 * ```
 *   Idle ──publish(s)──> Publishing(s) ──answer, nothing waiting──> Idle
 *                          │  ^
 *          publish(s') ──> │  │ answer, s' waiting: send s' (s'' asked meanwhile replaces s')
 *                          └──┘
 * ```
 */
export enum PublisherState {
  Idle = 'idle',
  Publishing = 'publishing',
}

interface Waiting<S> {
  status: S;
  settle: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

export class SerialPublisher<S> {
  private _state = PublisherState.Idle;
  private waiting: Waiting<S> | undefined;

  constructor(private readonly send: (status: S) => Promise<void>) {}

  get state(): PublisherState {
    return this._state;
  }

  publish(status: S): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.waiting) this.waiting.status = status;
      else this.waiting = { status, settle: [] };
      this.waiting.settle.push({ resolve, reject });
      if (this._state === PublisherState.Idle) void this.run();
    });
  }

  private async run(): Promise<void> {
    this._state = PublisherState.Publishing;
    while (this.waiting) {
      const job = this.waiting;
      this.waiting = undefined;
      try {
        await this.send(job.status);
        for (const s of job.settle) s.resolve();
      } catch (error) {
        for (const s of job.settle) s.reject(error);
      }
    }
    this._state = PublisherState.Idle;
  }
}
