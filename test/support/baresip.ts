/**
 * A scripted baresip (a real, independent SIP client) for interop tests: a temporary config
 * directory, bound to 127.0.0.1 on a free port (baresip also takes the next port for TLS),
 * standard input as a pipe for commands (`/presence_online`, `/message …`), and its output
 * read line by line so a test can wait for what it printed.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { ConsolePeer } from './console-peer';

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

export class Baresip extends ConsolePeer {
  port = 0;

  constructor(private readonly options: BaresipOptions) {
    // baresip colours some lines and echoes typed commands: strip the escapes.
    super({ name: 'baresip', quitCommand: '/quit', cleanLine: (line) => line.replace(/\x1b\[[0-9;]*m/g, '') });
  }

  get aor(): string {
    return `sip:${this.options.user}@${this.options.domain}`;
  }

  async start(): Promise<void> {
    const { user, password, domain, proxyPort, contacts } = this.options;
    this.port = await freeSipPort();
    this.makeDir('pd-baresip-');
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
    this.launch('baresip', ['-f', this.dir, ...(process.env.PD_BARESIP_TRACE ? ['-s'] : [])]);
    await registered;
    // The presence module is loaded only now: loaded at start, baresip 1.0 can send two initial
    // PUBLISHes (module start and registration racing), leaving a stale "open" publication.
    const loaded = this.waitFor(/Subscribing to \d+ contacts?/, 'baresip presence module', 10_000);
    this.command('/insmod presence');
    await loaded;
  }
}
