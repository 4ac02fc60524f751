/**
 * A scripted baresip (a real, independent SIP client) for interop tests: a temporary config
 * directory, bound to 127.0.0.1 on a free port (baresip also takes the next port for TLS),
 * standard input as a pipe for commands (`/presence_online`, `/message …`), and its output
 * read line by line so a test can wait for what it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter } from '../../core/events';
import { waitForEvent } from './wait';

export interface BaresipOptions {
  user: string;
  password: string;
  domain: string;
  /** Kamailio's TCP port on 127.0.0.1 (the outbound proxy). */
  proxyPort: number;
  /** AORs baresip subscribes to (its contacts). The first is the target of `/message`. */
  contacts: string[];
}

const tcpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
const udpFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const u = createSocket('udp4').once('error', () => resolve(false));
    u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
  });

/** A port whose TCP and UDP are free, and whose next port's TCP is free too (for TLS). */
async function freeSipPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (port < 65535 && (await udpFree(port)) && (await tcpFree(port + 1))) return port;
  }
  throw new Error('no free port for baresip');
}

export class Baresip {
  readonly lines: string[] = [];
  private readonly events = new Emitter<{ line: string }>();
  private child: ChildProcess | undefined;
  private dir = '';
  private exited: Promise<void> = Promise.resolve();
  port = 0;

  constructor(private readonly options: BaresipOptions) {}

  get aor(): string {
    return `sip:${this.options.user}@${this.options.domain}`;
  }

  async start(): Promise<void> {
    const { user, password, domain, proxyPort, contacts } = this.options;
    this.port = await freeSipPort();
    this.dir = mkdtempSync(join(tmpdir(), 'pd-baresip-'));
    writeFileSync(
      join(this.dir, 'config'),
      [
        'module_path /usr/lib/baresip/modules',
        `sip_listen 127.0.0.1:${this.port}`,
        'net_interface 127.0.0.1',
        'module stdio.so',
        'module g711.so',
        'module_app account.so',
        'module_app contact.so',
        'module_app menu.so',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(this.dir, 'accounts'),
      `<sip:${user}@${domain};transport=tcp>;auth_pass=${password};outbound="sip:127.0.0.1:${proxyPort};transport=tcp";regint=300;pubint=300\n`,
    );
    writeFileSync(join(this.dir, 'contacts'), contacts.map((c) => `"${c}" <${c}>;presence=p2p\n`).join(''));
    const registered = this.waitFor(/registered successfully|useragent registered/, 'baresip registration', 10_000);
    const child = spawn('baresip', ['-f', this.dir, ...(process.env.PD_BARESIP_TRACE ? ['-s'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
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
      // baresip colours some lines and echoes typed commands; strip escapes, split lines.
      const text = partial + chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
      const parts = text.split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        this.events.emit('line', line);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', (error) => this.events.emit('line', `spawn error: ${error.message}`));
    await registered;
    // The presence module is loaded only now: loaded at start, baresip 1.0 can send two initial
    // PUBLISHes (module start and registration racing), leaving a stale "open" publication.
    const loaded = this.waitFor(/Subscribing to \d+ contacts?/, 'baresip presence module', 10_000);
    this.command('/insmod presence');
    await loaded;
  }

  /** Types a command (as on its console). */
  command(line: string): void {
    this.child?.stdin?.write(`${line}\n`);
  }

  /** Resolves with the first output line (already printed or still to come) matching `pattern`. */
  waitFor(pattern: RegExp, what: string, ms = 5000): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return waitForEvent<string>(
      (cb) => this.events.on('line', cb),
      (l) => pattern.test(l),
      what,
      ms,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; baresip said:\n${this.lines.slice(-30).join('\n')}`);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin?.write('/quit\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
