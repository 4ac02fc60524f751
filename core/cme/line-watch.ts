/**
 * Follows line and phone changes on a CME router through its XML event tables, never by
 * re-reading every extension:
 *
 * ```
 *   start ──> ISgetEvtCounts (baseline) ──> every `intervalMs`: ISgetEvtCounts
 *                                                │ counters grew by n (1 ≤ n ≤ maxEvents)
 *                                                v
 *                 ISgetExtEvts / ISgetDevEvts for the n new event IDs only
 *                                                │ which extensions / phones changed
 *                                                v
 *                 ISgetExtension / ISgetDevice for those tags only ──> onExtension / onDevice
 * ```
 *
 * Polls never overlap (each is scheduled when the last one ended), so the rate is bounded by
 * the interval whatever the router's speed. A counter that went down (the router's event log
 * was cleared) or jumped by more than `maxEvents` (older entries may have left the table, whose
 * size is `log table max-size`) means the events cannot be trusted: the watched numbers are read
 * again once (`resync`), which is as many requests as the app watches lines, not the router's
 * whole table. A failed poll is reported and retried after a back-off (interval doubling to 15 s).
 */
import type { CmeClient } from './client';
import { CmeError, type CmeDevice, type CmeEventCounts, type CmeExtension } from './types';

export interface LineWatchOptions {
  client: Pick<CmeClient, 'eventCounts' | 'extensionEvents' | 'deviceEvents' | 'extensions' | 'devices' | 'sipDevices'>;
  /** Between the end of one poll and the start of the next (default 500 ms: changes show within a second). */
  intervalMs?: number;
  /** New events read event by event up to this many; more means a resync (default 25). */
  maxEvents?: number;
  /** The lines to read again after a resync: SCCP extension and phone tags, SIP voice register pool tags. */
  watched: () => { extensionIds: string[]; deviceIds: string[]; sipPoolIds?: string[] };
  /**
   * The voice register pool of a SIP line by number, when the app shows one: a SIP line's state
   * is its phone's (ISgetSipDevice `LineState`), so an event naming it reads that pool.
   */
  sipPoolOf?: (number: string) => string | undefined;
  onExtension(extension: CmeExtension): void;
  onDevice(device: CmeDevice): void;
  /** A poll failed (the error), or polls work again (undefined). */
  onProblem(error: CmeError | undefined): void;
  log?: (line: string) => void;
}

const MAX_BACKOFF_MS = 15_000;

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i + 1);

export class LineWatch {
  private counts: CmeEventCounts | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private failures = 0;
  /** Counts polls, for tests and the log. */
  polls = 0;

  constructor(private readonly options: LineWatchOptions) {}

  /** Takes the current counters as the baseline (the caller has just read the lines it shows). */
  async start(): Promise<void> {
    this.running = true;
    this.counts = await this.options.client.eventCounts();
    this.schedule(this.interval);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private get interval(): number {
    return this.options.intervalMs ?? 500;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    this.polls++;
    try {
      await this.readChanges();
      if (this.failures) this.options.onProblem(undefined);
      this.failures = 0;
      this.schedule(this.interval);
    } catch (error) {
      if (!this.running) return;
      this.failures++;
      const problem = error instanceof CmeError ? error : new CmeError('internal', 'Reading the router\u2019s line events failed.');
      this.options.onProblem(problem);
      this.options.log?.(`cme: line events: ${problem.message} (try ${this.failures})`);
      this.schedule(Math.min(MAX_BACKOFF_MS, this.interval * 2 ** this.failures));
    }
  }

  private async readChanges(): Promise<void> {
    const { client } = this.options;
    const before = this.counts!;
    const now = await client.eventCounts();
    if (!this.running) return;
    const max = this.options.maxEvents ?? 25;
    const extNew = now.extension - before.extension;
    const devNew = now.device - before.device;
    if (extNew < 0 || devNew < 0 || extNew > max || devNew > max) {
      this.options.log?.(
        `cme: event counters went from ${before.extension}/${before.device} to ${now.extension}/${now.device}: reading the watched lines again`,
      );
      await this.resync();
      this.counts = now;
      return;
    }
    const extensionIds = new Set<string>();
    const deviceIds = new Set<string>();
    const sipPools = new Set<string>();
    if (extNew > 0)
      for (const e of await client.extensionEvents(range(before.extension, now.extension))) {
        const pool = e.number ? this.options.sipPoolOf?.(e.number) : undefined;
        if (pool) sipPools.add(pool);
        else if (e.extensionId) extensionIds.add(e.extensionId);
      }
    if (devNew > 0) for (const e of await client.deviceEvents(range(before.device, now.device))) if (e.deviceId) deviceIds.add(e.deviceId);
    if (extensionIds.size) for (const x of await client.extensions({ ids: [...extensionIds] })) if (this.running) this.options.onExtension(x);
    if (deviceIds.size) for (const d of await client.devices({ ids: [...deviceIds] })) if (this.running) this.options.onDevice(d);
    if (sipPools.size) for (const d of await client.sipDevices({ ids: [...sipPools] })) if (this.running) this.options.onDevice(d);
    // Only once everything was read: a failure part-way reads the same events again next time.
    this.counts = now;
  }

  private async resync(): Promise<void> {
    const { extensionIds, deviceIds, sipPoolIds = [] } = this.options.watched();
    const { client } = this.options;
    if (extensionIds.length) for (const x of await client.extensions({ ids: extensionIds })) if (this.running) this.options.onExtension(x);
    if (deviceIds.length) for (const d of await client.devices({ ids: deviceIds })) if (this.running) this.options.onDevice(d);
    if (sipPoolIds.length) for (const d of await client.sipDevices({ ids: sipPoolIds })) if (this.running) this.options.onDevice(d);
  }
}
