/**
 * Demo colleagues: small bots built on our own SIP core. Each registers, publishes its status,
 * watches the demo user (so a test can see the user's status reach a colleague), answers IMs
 * with a composing indication first, and, when asked, changes status now and then so the
 * demo screen is alive.
 */
import type { OwnStatus, Presence } from '../shared/domain';
import { Emitter } from '../core/events';
import { SipAccount, type IncomingMessage, type SipAccountOptions } from '../core/sip';
import { normaliseAor } from '../core/uri';
import { DEMO_USER, LAB_COLLEAGUES, LAB_DOMAIN } from './directory';
import type { Kamailio } from './kamailio';

export interface BotOptions {
  account: SipAccountOptions;
  displayName: string;
  status: OwnStatus;
  /** URIs the bot watches (the demo user). */
  watch: string[];
  /** Milliseconds between the composing indication and the reply (default 400). */
  replyDelayMs?: number;
  log?: (line: string) => void;
}

type BotEvents = {
  presence: { uri: string; presence: Presence };
  message: IncomingMessage;
};

const ROTATION: OwnStatus[] = [
  { availability: 'available', note: '' },
  { availability: 'busy', note: 'On a customer call' },
  { availability: 'away', note: 'Getting coffee' },
  { availability: 'available', note: 'Happy to help' },
  { availability: 'dnd', note: 'Writing a report' },
];

export class Bot {
  readonly account: SipAccount;
  readonly events = new Emitter<BotEvents>();
  /** Last presence seen per watched URI. */
  readonly seen = new Map<string, Presence>();
  readonly received: IncomingMessage[] = [];
  private status: OwnStatus;
  private timers = new Set<NodeJS.Timeout>();
  private rotation = 0;

  constructor(private readonly options: BotOptions) {
    this.account = new SipAccount(options.account);
    this.status = options.status;
  }

  get uri(): string {
    return this.account.uri;
  }

  get name(): string {
    return this.options.displayName;
  }

  async start(): Promise<void> {
    this.account.on('presence', (uri, presence) => {
      const aor = normaliseAor(uri);
      this.seen.set(aor, presence);
      this.events.emit('presence', { uri: aor, presence });
    });
    this.account.on('message', (message) => this.onMessage(message));
    // The account publishes nothing by itself: after a server restart the bot says its status again.
    this.account.on('registered', ({ cause }) => cause !== 'signed-in' && void this.account.setPresence(this.status).catch(() => undefined));
    await this.account.start();
    await this.account.setPresence(this.status);
    for (const uri of this.options.watch) this.account.watch(uri);
  }

  async setStatus(status: OwnStatus): Promise<void> {
    this.status = status;
    await this.account.setPresence(status);
  }

  /** Changes status every `everyMs` (with jitter so colleagues do not all change at once). */
  liven(everyMs: number): void {
    const schedule = () => {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.rotation = (this.rotation + 1) % ROTATION.length;
          this.setStatus(ROTATION[this.rotation]).catch((e) => this.options.log?.(`bot ${this.name}: ${e.message}`));
          schedule();
        },
        everyMs * (0.5 + Math.random()),
      );
      timer.unref();
      this.timers.add(timer);
    };
    schedule();
  }

  /** Resolves with the first presence of `uri` that satisfies `predicate`. */
  waitForPresence(uri: string, predicate: (p: Presence) => boolean, timeoutMs = 10_000): Promise<Presence> {
    const aor = normaliseAor(uri);
    const current = this.seen.get(aor);
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${this.name} did not see the expected presence of ${aor} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.events.on('presence', ({ uri: u, presence }) => {
        if (u === aor && predicate(presence)) {
          clearTimeout(timer);
          off();
          resolve(presence);
        }
      });
    });
  }

  /** Resolves with the first IM received that satisfies `predicate`. */
  waitForMessage(predicate: (m: IncomingMessage) => boolean, timeoutMs = 10_000): Promise<IncomingMessage> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${this.name} did not receive the expected message within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.events.on('message', (m) => {
        if (predicate(m)) {
          clearTimeout(timer);
          off();
          resolve(m);
        }
      });
    });
  }

  /** The bot's reply to an IM: plain text that quotes what it was sent. */
  static replyTo(name: string, text: string): string {
    const first = name.split(' ')[0];
    const quoted = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    return `Hi, ${first} here. You wrote: “${quoted}”`;
  }

  private onMessage(message: IncomingMessage): void {
    // A receiver keeps each message once: a sender's retry of one it already has (same From,
    // Call-ID and CSeq, whose 200 was lost) is answered again and not taken twice, as the app does.
    if (this.received.some((m) => m.id === message.id && m.from === message.from)) return;
    this.received.push(message);
    this.events.emit('message', message);
    const from = message.from;
    const reply = Bot.replyTo(this.name, message.text);
    this.account.sendComposing(from, true).catch(() => undefined);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.account.sendMessage(from, reply).catch((e) => this.options.log?.(`bot ${this.name}: reply to ${from} failed: ${e.message}`));
    }, this.options.replyDelayMs ?? 400);
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.account.stop();
  }
}

/**
 * One bot per lab colleague who has a status, signed in on the lab's Kamailio and watching the
 * demo user; each bot's stop is added to `cleanup` as it is made, so a start that fails half-way
 * still stops those already running.
 */
export async function startColleagueBots(
  kamailio: Pick<Kamailio, 'host' | 'tcpPort'>,
  passwordOf: (id: string) => string,
  cleanup: Array<() => Promise<void>>,
  options: { replyDelayMs?: number | undefined; log: (line: string) => void },
): Promise<Map<string, Bot>> {
  const bots = new Map<string, Bot>();
  const demoUri = `sip:${DEMO_USER.id}@${LAB_DOMAIN}`;
  for (const person of LAB_COLLEAGUES.filter((p) => p.status)) {
    const bot = new Bot({
      account: {
        server: { host: kamailio.host, port: kamailio.tcpPort, transport: 'tcp' },
        domain: LAB_DOMAIN,
        user: person.id,
        password: passwordOf(person.id),
        displayName: person.displayName,
        userAgent: 'Presence Desk lab bot',
      },
      displayName: person.displayName,
      status: person.status!,
      watch: [demoUri],
      ...(options.replyDelayMs !== undefined ? { replyDelayMs: options.replyDelayMs } : {}),
      log: options.log,
    });
    bots.set(person.id, bot);
    cleanup.push(() => bot.stop());
  }
  await Promise.all([...bots.values()].map((bot) => bot.start()));
  return bots;
}
