/**
 * A scripted Linphone (Debian's `linphonec`, linphone-cli 5.1): a temporary home and
 * linphonerc, SIP over TCP to the lab's Kamailio on a random local port, commands typed on its
 * standard input (`chat <uri> <text>`), its output read line by line.
 *
 * What the config must say for a plain Kamailio (measured): `reg_route` (else requests go to
 * the domain's name, which does not resolve), no `gruu` in `supported` (else its Contact is a
 * GRUU on the domain and the server cannot deliver NOTIFYs there), `publish=1` (it publishes
 * "online" once registered; linphonec has no command to change it), and each friend with
 * `subscribe=1` (it then prints `Friend "<name>" <uri> is <Status>`). It prints nothing when it
 * has registered: a test waits for its presence to reach the client instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter } from '../../core/events';
import { waitForEvent } from './wait';

export interface LinphoneOptions {
  user: string;
  password: string;
  displayName: string;
  domain: string;
  /** Kamailio's TCP port on 127.0.0.1. */
  proxyPort: number;
  /** Friends it subscribes to: display name and AOR. */
  friends: { name: string; uri: string }[];
}

export class Linphone {
  readonly lines: string[] = [];
  private readonly events = new Emitter<{ line: string }>();
  private child: ChildProcess | undefined;
  private dir = '';
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: LinphoneOptions) {}

  get aor(): string {
    return `sip:${this.options.user}@${this.options.domain}`;
  }

  async start(): Promise<void> {
    const { user, password, displayName, domain, proxyPort, friends } = this.options;
    this.dir = mkdtempSync(join(tmpdir(), 'pd-linphone-'));
    mkdirSync(join(this.dir, '.local', 'share', 'linphone'), { recursive: true });
    const proxy = `sip:127.0.0.1:${proxyPort};transport=tcp`;
    writeFileSync(
      join(this.dir, 'linphonerc'),
      [
        '[sip]',
        'sip_port=0',
        'sip_tcp_port=-1',
        'supported=replaces',
        'default_proxy=0',
        'register_only_when_network_is_up=0',
        '[sound]',
        'capture_dev_id=',
        'playback_dev_id=',
        '[proxy_0]',
        `reg_proxy=<${proxy}>`,
        `reg_route=<${proxy};lr>`,
        `reg_identity="${displayName}" <${this.aor}>`,
        'reg_expires=600',
        'reg_sendregister=1',
        'publish=1',
        '[auth_info_0]',
        `username=${user}`,
        `passwd=${password}`,
        `realm=${domain}`,
        `domain=${domain}`,
        ...friends.flatMap((f, i) => [`[friend_${i}]`, `url="${f.name}" <${f.uri}>`, 'pol=accept', 'subscribe=1']),
        '',
      ].join('\n'),
    );
    const child = spawn('linphonec', ['-c', join(this.dir, 'linphonerc'), '-d', '0'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HOME: this.dir },
    });
    this.child = child;
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        process.removeListener('exit', kill);
        resolve();
      }),
    );
    let partial = '';
    const collect = (chunk: Buffer) => {
      // Its prompt ("linphonec> ") shares lines with output: take it off.
      const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const raw of parts) {
        const line = raw.replace(/^(linphonec> )+/, '');
        this.lines.push(line);
        this.events.emit('line', line);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', (error) => this.events.emit('line', `spawn error: ${error.message}`));
    // Its console is up once it printed its first words; registering and publishing follow on
    // their own, and a test waits for what they cause (Linphone's presence reaching the client).
    await this.waitFor(/video is disabled|linphonec>/, 'linphonec start', 10_000);
  }

  command(line: string): void {
    this.child?.stdin?.write(`${line}\n`);
  }

  /** The first output line (already printed or still to come) matching `pattern`. */
  waitFor(pattern: RegExp, what: string, ms = 5000): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return waitForEvent<string>(
      (cb) => this.events.on('line', cb),
      (l) => pattern.test(l),
      what,
      ms,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; linphonec said:\n${this.lines.slice(-30).join('\n')}`);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin?.write('quit\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
