/**
 * Whom the account watches and how: one {@link PresenceSubscription} per contact, or one
 * {@link EventListSubscription} (RFC 4662) for the whole buddy list with a per-contact fallback.
 * Both run on the same subscription machine and back-off policy. What is watched is kept across
 * connection losses; the subscriptions themselves live on one user agent and are made anew
 * (`resubscribe()`) once the account is registered again.
 */
import { UserAgent } from 'sip.js';
import type { Presence } from '../../../shared/domain';
import { normaliseAor } from '../../uri';
import { composePresence, parsePidf, presenceOf } from '../codecs/pidf';
import { charsetOf, xmlBodyText } from '../codecs/text-body';
import type { DigestCredentialCache } from '../message/digest';
import { isPlainSipUri } from '../message/light-message';
import { PresenceSubscription, PresenceSubscriptionState, type SubscriptionNotify } from './presence-subscription';
import type { SubscribeBody } from './subscription-wire';
import { EventListSubscription, type ListSubscriptionState } from './rls';
import type { PathChoice, PresencePath } from './presence-path';
import { realTimers, type Timers } from '../../timers';

/**
 * How long an event list may bring no news of a member still unknown before it counts as
 * stalled and the members it never told of are watched on their own: a loaded lab RLS sends a
 * batch every second or two (`waitn_time`), and one that lost some of its back-end
 * subscriptions sends nothing more of those members at all.
 */
export const LIST_STALL_MS = 30_000;

/** Which path a list starts on, and what a sign-in measured (presence-path.ts, bound to one server). */
export interface PathAdvisor {
  choose(listUri: string, product?: string): PathChoice;
  measured(listUri: string, path: PresencePath, members: number, ms: number): void;
  listFailed(listUri: string): void;
}

export interface WatchingContext {
  /** The registered user agent to subscribe on; undefined while not registered. */
  agent(): { ua: UserAgent; credentials: DigestCredentialCache; product?: string } | undefined;
  log: (line: string) => void;
  presence: (uri: string, presence: Presence) => void;
  /** Chooses between the list and per contact (none: the list, falling back when refused or stalled). */
  paths?: PathAdvisor;
  /** The list's stall watch (tests run it by hand). */
  timers?: Timers;
  /** See LIST_STALL_MS. */
  listStallMs?: number;
  now?: () => number;
}

/** A subscription to another event package (presence.winfo, xcap-diff): its NOTIFY bodies go to `onNotify` as they come. */
export interface EventWatch {
  target: string;
  event: string;
  accept: string[];
  onNotify: (notify: SubscriptionNotify) => void;
  /** The body of every SUBSCRIBE (xcap-diff: the documents to watch). */
  body?: SubscribeBody;
  /** Refused or failed (`final`: no further attempt): the caller falls back to reading meanwhile. */
  onFailure?: (reason: string, final: boolean) => void;
  subscription?: PresenceSubscription;
}

/** The configuration-change (UCCN) subscription: one, to the user's own address. */
export interface ConfigWatchOptions {
  /** Event package (the `configEvent` setting). */
  event: string;
  accept: string[];
  onNotify: (body: string, contentType: string) => void;
  /** Active (again), or not in force (refused, failed, the connection lost): the caller re-reads meanwhile. */
  onState: (active: boolean, reason?: string) => void;
}

interface WatchedConfig {
  target: string;
  options: ConfigWatchOptions;
  subscription?: PresenceSubscription;
}

interface WatchedList {
  listUri: string;
  members: Set<string>;
  subscription?: EventListSubscription;
  /** Watched per contact: the list was refused or stalled, or per contact was chosen. */
  fallback: boolean;
  expires?: number;
  /** The path was chosen (once, when first subscribed). */
  chosen?: boolean;
  /** Full presence not reached yet on the path in use: when it started, and who is still unheard. */
  measuring?: { path: PresencePath; since: number; unheard: Set<string> };
  /** The stall watch of the list path. */
  stall?: unknown;
  /**
   * Members watched on their own because the list stalled before it told of them; the list
   * stays for the members it did tell of (its server still sends their changes).
   */
  rescued?: Set<string>;
}

export class Watching {
  private readonly watched = new Set<string>();
  private readonly subscribers = new Map<string, PresenceSubscription>();
  /** The event-list (RLS) path: one subscription to `listUri` for all `members`. */
  private list: WatchedList | undefined;
  private config: WatchedConfig | undefined;

  /** Other event packages watched, by `<event> <target>`. */
  private readonly eventWatches = new Map<string, EventWatch>();

  constructor(private readonly context: WatchingContext) {}

  /** Watches `target`'s `event` package (kept across reconnections, like contacts); returns the way to stop. */
  watchEvent(watch: Omit<EventWatch, 'subscription'>): () => void {
    const key = `${watch.event} ${watch.target}`;
    void this.eventWatches.get(key)?.subscription?.stop();
    const entry: EventWatch = { ...watch };
    this.eventWatches.set(key, entry);
    this.subscribeEvent(entry);
    return () => {
      if (this.eventWatches.get(key) !== entry) return;
      this.eventWatches.delete(key);
      void entry.subscription?.stop();
    };
  }

  private subscribeEvent(entry: EventWatch): void {
    const agent = this.context.agent();
    if (!agent || entry.subscription) return;
    const subscription = new PresenceSubscription({
      ua: agent.ua,
      target: entry.target,
      event: entry.event,
      accept: entry.accept,
      expires: 600,
      log: this.context.log,
      credentials: agent.credentials,
      ...(entry.body ? { body: entry.body } : {}),
    });
    entry.subscription = subscription;
    subscription.on('notify', (notify) => entry.onNotify(notify));
    subscription.on('failure', (failure) => {
      this.context.log(`sip: ${entry.event} subscription to ${entry.target}: ${failure.reason}`);
      entry.onFailure?.(failure.reason, failure.final);
    });
    subscription.start();
  }

  watch(uri: string): void {
    this.watched.add(uri);
    this.subscribe(uri);
  }

  unwatch(uri: string): void {
    this.watched.delete(uri);
    const subscription = this.subscribers.get(uri);
    this.subscribers.delete(uri);
    void subscription?.stop();
  }

  /**
   * Watches `members` through one event-list subscription to `listUri`. When the server does not
   * offer the list (404/489…, or a plain presence NOTIFY), it falls back to one subscription per
   * member. Called again with other members, it subscribes anew so the server reads the new list.
   */
  watchList(listUri: string, members: string[], options: { expires?: number } = {}): void {
    const next = new Set(members.map(normaliseAor));
    const current = this.list;
    if (current && current.listUri === listUri) {
      const same = next.size === current.members.size && [...next].every((m) => current.members.has(m));
      current.members = next;
      // Members taken off are no longer waited for (their news would never count).
      for (const uri of current.measuring?.unheard ?? []) if (!next.has(uri)) current.measuring!.unheard.delete(uri);
      for (const uri of current.rescued ?? [])
        if (!next.has(uri)) {
          current.rescued!.delete(uri);
          this.unwatch(uri);
        }
      if (current.fallback) {
        for (const uri of this.watched) if (!next.has(uri)) this.unwatch(uri);
        for (const uri of next) if (!this.watched.has(uri)) this.watch(uri);
        return;
      }
      if (same && current.subscription && current.subscription.state !== 'stopped') return;
      void current.subscription?.stop();
      current.subscription = undefined;
    } else {
      this.unwatchList();
      this.list = { listUri, members: next, fallback: false, expires: options.expires };
    }
    this.subscribeList();
  }

  /** Ends the event-list subscription (and the per-member fallback, if it was in use). */
  unwatchList(): void {
    const list = this.list;
    this.list = undefined;
    if (!list) return;
    this.timers.clear(list.stall);
    void list.subscription?.stop();
    if (list.fallback) for (const uri of list.members) this.unwatch(uri);
    for (const uri of list.rescued ?? []) this.unwatch(uri);
  }

  /** State of the event-list subscription ('none' when not watching a list; 'fallback' when watched per contact). */
  get listState(): ListSubscriptionState | 'none' {
    return this.list?.subscription?.state ?? (this.list ? 'fallback' : 'none');
  }

  /** Subscribes to configuration changes of `target` (the user's own address); kept across reconnections like the rest. */
  watchConfig(target: string, options: ConfigWatchOptions): void {
    this.unwatchConfig();
    this.config = { target, options };
    this.subscribeConfig();
  }

  unwatchConfig(): void {
    const config = this.config;
    this.config = undefined;
    void config?.subscription?.stop();
  }

  /** Registered (again): subscribes to everyone watched and to the list, where not subscribed yet. */
  resubscribe(): void {
    for (const uri of this.watched) this.subscribe(uri);
    this.subscribeList();
    for (const entry of this.eventWatches.values()) this.subscribeEvent(entry);
    this.subscribeConfig();
  }

  private forgetEventSubscriptions(): void {
    for (const entry of this.eventWatches.values()) {
      entry.subscription?.dispose();
      entry.subscription = undefined;
    }
  }

  /** The connection is gone: forgets every subscription without sending anything. */
  dispose(): void {
    for (const subscription of this.subscribers.values()) subscription.dispose();
    this.subscribers.clear();
    this.list?.subscription?.dispose();
    if (this.list) this.list.subscription = undefined;
    this.timers.clear(this.list?.stall);
    this.forgetEventSubscriptions();
    this.forgetConfig('the connection to the presence server was lost');
  }

  private forgetConfig(reason: string): PresenceSubscription | undefined {
    const config = this.config;
    const subscription = config?.subscription;
    if (!config || !subscription) return undefined;
    config.subscription = undefined;
    subscription.dispose();
    config.options.onState(false, reason);
    return subscription;
  }

  /**
   * Hands over the per-contact subscriptions of the user agent being let go (so they can be ended
   * there) and forgets the list subscription, which is made anew on the next user agent.
   */
  detach(): PresenceSubscription[] {
    const old = [...this.subscribers.values()];
    this.forgetConfig('moving to another presence server');
    this.subscribers.clear();
    this.list?.subscription?.dispose();
    if (this.list) this.list.subscription = undefined;
    this.timers.clear(this.list?.stall);
    this.forgetEventSubscriptions();
    return old;
  }

  /** Ends every subscription with the server (Expires: 0), each waiting a short while for its final NOTIFY. */
  async stop(): Promise<void> {
    const ending = [...this.subscribers.values()].map((s) => s.stop());
    if (this.list?.subscription) ending.push(this.list.subscription.stop());
    for (const entry of this.eventWatches.values()) if (entry.subscription) ending.push(entry.subscription.stop());
    if (this.config?.subscription) ending.push(this.config.subscription.stop());
    await Promise.all(ending);
    this.dispose();
  }

  private get timers(): Timers {
    return this.context.timers ?? realTimers;
  }

  private now(): number {
    return (this.context.now ?? Date.now)();
  }

  private subscribeList(): void {
    const list = this.list;
    const agent = this.context.agent();
    if (!list || list.fallback || !agent || list.subscription) return;
    if (!list.chosen) {
      list.chosen = true;
      const choice = this.context.paths?.choose(list.listUri, agent.product);
      if (choice) {
        const how = choice.path === 'list' ? `through the list ${list.listUri}` : 'one SUBSCRIBE per contact';
        this.context.log(`sip: presence of ${list.members.size} contacts ${how}: ${choice.reason}`);
      }
      if (choice?.path === 'per-contact') {
        this.perContact(list);
        return;
      }
      list.measuring = { path: 'list', since: this.now(), unheard: new Set(list.members) };
    }
    const subscription = new EventListSubscription(agent.ua, {
      listUri: list.listUri,
      expires: list.expires,
      log: this.context.log,
      credentials: agent.credentials,
      onChanges: (changes) => {
        if (this.list !== list) return;
        // Only members of the list as we know it: a member just removed may still be reported.
        let news = false;
        for (const change of changes) if (list.members.has(change.uri)) news = this.report(change.uri, change.presence) || news;
        if (news && list.measuring && list.subscription === subscription) this.watchStall(list);
      },
      onFallback: () => {
        if (this.list !== list) return;
        this.context.paths?.listFailed(list.listUri);
        this.perContact(list);
      },
    });
    list.subscription = subscription;
    subscription.start();
    if (list.measuring) this.watchStall(list);
  }

  /** Watches each member of the list on its own; returns the list subscription let go (if any). */
  private perContact(list: WatchedList): EventListSubscription | undefined {
    const subscription = list.subscription;
    list.fallback = true;
    list.subscription = undefined;
    list.rescued = undefined;
    this.timers.clear(list.stall);
    list.measuring = { path: 'per-contact', since: this.now(), unheard: new Set(list.members) };
    for (const uri of list.members) this.watch(uri);
    return subscription;
  }

  /**
   * (Re)starts the stall watch: the list must bring news of an unheard member within the stall
   * time. When it does not, the members it never told of are watched on their own and the list
   * stays for the others (a resource list server that lost some back-end subscriptions under
   * load still sends the rest); a list that told of no member at all is left for per contact.
   */
  private watchStall(list: WatchedList): void {
    this.timers.clear(list.stall);
    const ms = this.context.listStallMs ?? LIST_STALL_MS;
    list.stall = this.timers.set(() => {
      const unheard = list.measuring?.unheard;
      if (this.list !== list || list.fallback || !list.subscription || !unheard || unheard.size === 0) return;
      const quiet = `sip: the list ${list.listUri} brought no news for ${Math.round(ms / 1000)} s with ${unheard.size} of ${list.members.size} contacts unheard`;
      this.context.paths?.listFailed(list.listUri);
      if (unheard.size >= list.members.size) {
        this.context.log(`${quiet}; watching each contact instead`);
        void this.perContact(list)?.stop();
        return;
      }
      this.context.log(`${quiet}; watching those ${unheard.size} on their own, the list stays for the others`);
      // The list's figure is its failure now: nothing more to time on it.
      list.measuring = undefined;
      list.rescued ??= new Set();
      for (const uri of unheard) {
        list.rescued.add(uri);
        this.watch(uri);
      }
    }, ms);
  }

  /** Hands on a member's presence; true when it was the first news of that member on the path in use (full presence is then timed). */
  private report(uri: string, presence: Presence): boolean {
    this.context.presence(uri, presence);
    const list = this.list;
    const measuring = list?.measuring;
    if (!list || !measuring || !measuring.unheard.delete(uri)) return false;
    if (measuring.unheard.size === 0) {
      list.measuring = undefined;
      this.timers.clear(list.stall);
      this.context.paths?.measured(list.listUri, measuring.path, list.members.size, this.now() - measuring.since);
    }
    return true;
  }

  private subscribeConfig(): void {
    const config = this.config;
    const agent = this.context.agent();
    if (!config || !agent || config.subscription) return;
    const { event, accept, onNotify, onState } = config.options;
    const subscription = new PresenceSubscription({
      ua: agent.ua,
      target: config.target,
      event,
      accept,
      expires: 3600,
      log: this.context.log,
      credentials: agent.credentials,
    });
    config.subscription = subscription;
    subscription.on('state', (state) => {
      if (this.config !== config || config.subscription !== subscription) return;
      if (state === PresenceSubscriptionState.Active || state === PresenceSubscriptionState.Pending) onState(true);
    });
    subscription.on('notify', ({ body, contentType }) => {
      if (this.config === config && config.subscription === subscription && body.trim()) onNotify(body, contentType);
    });
    subscription.on('failure', (failure) => {
      if (this.config === config && config.subscription === subscription) onState(false, failure.reason);
    });
    subscription.start();
  }

  /** Watches one contact through the subscription machine (refreshes, back-off, Retry-After and final refusals live there). */
  private subscribe(uri: string): void {
    const agent = this.context.agent();
    if (!agent || this.subscribers.has(uri)) return;
    if (!isPlainSipUri(uri) && !UserAgent.makeURI(uri)) {
      this.context.log(`sip: cannot watch "${uri}": not a SIP address`);
      return;
    }
    const subscription = new PresenceSubscription({ ua: agent.ua, target: uri, expires: 600, log: this.context.log, credentials: agent.credentials });
    this.subscribers.set(uri, subscription);
    subscription.on('notify', ({ body, contentType }) => {
      try {
        // An active NOTIFY with no body: nothing is published for this contact (a presence
        // server's answer for someone never signed in), shown offline. The PIDF reader itself
        // refuses an empty document, which inside an event list keeps the member's state.
        // The document in its declared encoding (UTF-16 and ISO-8859-1 included; see xmlBodyText).
        this.report(uri, body.trim() ? presenceOf(parsePidf(xmlBodyText(body, charsetOf(contentType ?? ''), 'presence document'))) : composePresence([]));
      } catch (error) {
        this.context.log(`sip: presence of ${uri} could not be read (${(error as Error).message}); kept the last known state`);
      }
    });
    subscription.on('failure', (failure) => {
      if (!failure.final) return;
      // The server will not tell us this contact's presence (refused, or no such user):
      // show that instead of a stale or empty state.
      this.report(uri, presenceUnavailable(failure.reason));
    });
    subscription.start();
  }
}

/** What a contact shows when the server will not give their presence. */
export function presenceUnavailable(reason: string, at = Date.now()): Presence {
  return { availability: 'unknown', note: `Presence not available (${reason})`, updatedAt: at, devices: [] };
}
