/**
 * What every Node transport shares with sip.js: the `state` and its `stateChange` emitter,
 * and the callbacks sip.js installs (`onConnect`, `onDisconnect`, `onMessage`). The
 * transports (`stream-transport.ts`, `udp-transport.ts`) decide when to move between
 * states and draw their own transitions; `transition()` keeps the callbacks and the
 * emitter in step with the state, so no transport can report one without the other.
 */
import { EmitterImpl } from 'sip.js/lib/api/emitter.js';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import type { Transport } from 'sip.js/lib/api/transport.js';

/**
 * Hands one received message to sip.js. sip.js's parser throws on some malformed messages
 * (found by fuzzing); such a message must cost that message only, never the app.
 */
export function deliverSafely(onMessage: ((message: string) => void) | undefined, message: string, from: string, log?: (line: string) => void): void {
  try {
    onMessage?.(message);
  } catch (error) {
    log?.(`sip: a message from ${from} could not be handled (${(error as Error).message}); dropped`);
  }
}

export abstract class TransportBase implements Transport {
  abstract readonly protocol: string;
  readonly stateChange = new EmitterImpl<TransportState>();
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  private _state = TransportState.Disconnected;

  get state(): TransportState {
    return this._state;
  }

  isConnected(): boolean {
    return this._state === TransportState.Connected;
  }

  /**
   * Moves to `state` and tells sip.js: `onConnect` on Connected, `onDisconnect` (with the
   * reason, if the loss was not asked for) on Disconnected. A move to the current state is
   * a no-op, so a loss noticed twice is reported once.
   */
  protected transition(state: TransportState, error?: Error): void {
    if (this._state === state) return;
    this._state = state;
    if (state === TransportState.Connected) this.onConnect?.();
    if (state === TransportState.Disconnected) this.onDisconnect?.(error);
    this.stateChange.emit(state);
  }

  abstract connect(): Promise<void>;
  abstract disconnect(): Promise<void>;
  abstract send(message: string): Promise<void>;

  async dispose(): Promise<void> {
    await this.disconnect();
  }
}
