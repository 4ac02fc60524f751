/**
 * A minimal typed event emitter: `on` returns the unsubscribe function (the pattern the
 * renderer's API uses too), and a throwing listener never stops the others.
 */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E], onError?: (error: unknown) => void): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch (error) {
        onError?.(error);
      }
    }
  }

  /**
   * Calls every listener and waits for the promises they return (for events whose sender
   * answers only once the listeners are done); rejects with the first failure.
   */
  async emitAndWait<E extends keyof Events>(event: E, payload: Events[E]): Promise<void> {
    const results = [...(this.listeners.get(event) ?? [])].map((listener) => {
      try {
        return (listener as (payload: Events[E]) => unknown)(payload);
      } catch (error) {
        return Promise.reject(error);
      }
    });
    await Promise.all(results);
  }

  clear(): void {
    this.listeners.clear();
  }
}
