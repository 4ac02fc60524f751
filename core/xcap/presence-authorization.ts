/**
 * PresenceAuthorization: on a SIMPLE server, who may see the user's presence. It watches the
 * user's own presence.winfo (RFC 3857): a watcher the server holds as pending or waiting (no
 * rule names them) becomes a request, "<name> wants to see your status — Allow / Block"; the
 * answer is written into pres-rules (RFC 5025) on the XCAP server, which makes the presence
 * server let the watcher in or keep them out. Settings → Privacy edits the same rules.
 *
 * The same attachment subscribes to xcap-diff (xcap-diff.ts) where the back end offers it, so
 * rules and buddy-list edits made on another device arrive without waiting for a re-read.
 *
 * Requests survive a restart: they are kept in a file per account (written, then renamed),
 * because a server may stop reporting a watcher who went away before the user answered.
 *
 * **IPC slice:** `watchers:get`, `watchers:decide`. **Events:** `watchers:changed`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WatcherAction, WatcherRequest, WatcherRule, WatcherState } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import type { SipAccount } from '../sip';
import { DeskError, toAppError } from '../errors';
import { aorUser } from '../uri';
import { requireConnection, type Connection, type SessionContext } from '../session/connection';
import { isDomainRule, readWatcherInfo, watcherKey } from './pres-rules';

/** What the back end offers when its server keeps pres-rules (the SIMPLE session does). */
export interface WatcherRules {
  getWatcherRules(): Promise<WatcherRule[]>;
  /** Applies `change` to the rules as the server holds them (read again after a conflict) and returns what it now holds. */
  changeWatcherRules(change: (rules: WatcherRule[]) => WatcherRule[]): Promise<WatcherRule[]>;
  /** Subscribes to configuration changes (xcap-diff) on the account; returns the way to stop. */
  watchChanges?(sip: Pick<SipAccount, 'watchEvent'>): () => void;
  /** The rules as another client left them, read again when the server said they changed. */
  onWatcherRules?(listener: (rules: WatcherRule[]) => void): () => void;
}

export type WatcherChannel = 'watchers:get' | 'watchers:decide';

export class PresenceAuthorization {
  readonly handlers: Pick<InvokeHandlers, WatcherChannel>;
  private connection: Connection | undefined;
  private pending: WatcherRequest[] = [];
  private rules: WatcherRule[] = [];
  private file: string | undefined;

  constructor(
    private readonly context: SessionContext,
    /** Where the per-account request files go. */
    private readonly dir: string,
    /** The name the buddy list shows for an address, if it is there. */
    private readonly nameOf: (uri: string) => string | undefined = () => undefined,
  ) {
    this.handlers = {
      'watchers:get': () => this.state,
      'watchers:decide': (who, action) => this.decide(who, action),
    };
  }

  get state(): WatcherState {
    return { available: this.connection !== undefined, pending: [...this.pending], rules: [...this.rules] };
  }

  /** Signed in: with a server that keeps pres-rules, reads them and watches presence.winfo. */
  attach(connection: Connection): void {
    const back = backEnd(connection);
    if (!back || !connection.sip.watchEvent) return;
    this.connection = connection;
    this.file = join(this.dir, `${encodeURIComponent(`${connection.user}@${connection.domain}`)}.json`);
    this.pending = this.load();
    const stop = connection.sip.watchEvent(connection.sip.uri, 'presence.winfo', ['application/watcherinfo+xml'], ({ body }) => {
      if (this.connection === connection && body.trim()) this.onWatcherInfo(body);
    });
    connection.unsubscribe.push(stop);
    // Edits another client makes to the buddy list or the rules, told by the server (xcap-diff).
    const watchEvent = connection.sip.watchEvent.bind(connection.sip);
    if (back.watchChanges) connection.unsubscribe.push(back.watchChanges({ watchEvent }));
    const offRules = back.onWatcherRules?.((rules) => {
      if (this.connection !== connection) return;
      this.rules = rules;
      this.pending = this.pending.filter((p) => !this.ruleFor(p.uri));
      this.save();
      this.changed();
    });
    if (offRules) connection.unsubscribe.push(offRules);
    void back
      .getWatcherRules()
      .then((rules) => {
        if (this.connection !== connection) return;
        this.rules = rules;
        this.pending = this.pending.filter((p) => !this.ruleFor(p.uri));
        this.changed();
      })
      .catch((error) => this.context.log(`privacy: reading the presence rules failed: ${toAppError(error).message}`));
  }

  detach(): void {
    if (!this.connection) return;
    this.connection = undefined;
    this.pending = [];
    this.rules = [];
    this.context.emit('watchers:changed', this.state);
  }

  private onWatcherInfo(body: string): void {
    let info;
    try {
      info = readWatcherInfo(body);
    } catch (error) {
      this.context.log(`privacy: presence.winfo NOTIFY not read: ${(error as Error).message}`);
      return;
    }
    let changed = false;
    for (const w of info.watchers) {
      const waiting = w.status === 'pending' || w.status === 'waiting';
      if (!waiting || this.ruleFor(w.uri) || this.pending.some((p) => p.uri === w.uri)) continue;
      this.pending.push({ uri: w.uri, displayName: w.displayName?.trim() || this.nameOf(w.uri) || aorUser(w.uri), since: Date.now() });
      this.context.log(`privacy: ${w.uri} asks to see your presence`);
      changed = true;
    }
    if (changed) {
      this.save();
      this.changed();
    }
  }

  private async decide(rawWho: string, action: WatcherAction | 'forget'): Promise<WatcherState> {
    const connection = requireConnection(this.context);
    const back = backEnd(connection);
    if (!back || this.connection !== connection) throw new DeskError('invalid-input', 'This server keeps no presence rules that Presence Desk can change.');
    const who = watcherKey(rawWho, connection.domain);
    const what = action === 'forget' ? `Removing ${who} from your presence rules` : `Setting ${who} to ${action}`;
    try {
      const rules = await back.changeWatcherRules((now) => [...now.filter((r) => r.who !== who), ...(action === 'forget' ? [] : [{ who, action }])]);
      if (this.connection !== connection) return this.state;
      this.rules = rules;
    } catch (error) {
      const app = toAppError(error);
      this.context.log(`privacy: ${what} failed: ${app.message}`);
      throw new DeskError(app.code, `${what} failed: ${app.message}`, app.detail);
    }
    // Answered (or covered by a domain rule): the request is done.
    const before = this.pending.length;
    this.pending = this.pending.filter((p) => !this.ruleFor(p.uri));
    if (this.pending.length !== before) this.save();
    this.changed();
    return this.state;
  }

  private ruleFor(uri: string): WatcherRule | undefined {
    const domain = uri.slice(uri.lastIndexOf('@') + 1);
    return this.rules.find((r) => r.who === uri) ?? this.rules.find((r) => isDomainRule(r.who) && r.who === domain);
  }

  private changed(): void {
    this.context.emit('watchers:changed', this.state);
  }

  private load(): WatcherRequest[] {
    if (!this.file) return [];
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as { pending?: unknown };
      return Array.isArray(data.pending)
        ? data.pending.filter((p): p is WatcherRequest => !!p && typeof p.uri === 'string' && typeof p.displayName === 'string' && typeof p.since === 'number')
        : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.context.log(`privacy: waiting requests not read (${(error as Error).message}); starting without them`);
      return [];
    }
  }

  /** Write, then rename, so a crash never leaves a half-written file. */
  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(`${this.file}.tmp`, JSON.stringify({ pending: this.pending }), { mode: 0o600 });
      renameSync(`${this.file}.tmp`, this.file);
    } catch (error) {
      this.context.log(`privacy: waiting requests not saved: ${(error as Error).message}`);
    }
  }
}

function backEnd(connection: Connection): WatcherRules | undefined {
  const cups = connection.cups as Partial<WatcherRules>;
  return cups.getWatcherRules && cups.changeWatcherRules ? (cups as WatcherRules) : undefined;
}
