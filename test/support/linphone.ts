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
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConsolePeer } from './console-peer';

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

export class Linphone extends ConsolePeer {
  constructor(private readonly options: LinphoneOptions) {
    // Its prompt ("linphonec> ") shares lines with output: take it off.
    super({ name: 'linphonec', quitCommand: 'quit', cleanLine: (line) => line.replace(/^(linphonec> )+/, '') });
  }

  get aor(): string {
    return `sip:${this.options.user}@${this.options.domain}`;
  }

  async start(): Promise<void> {
    const { user, password, displayName, domain, proxyPort, friends } = this.options;
    this.makeDir('pd-linphone-');
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
    this.launch('linphonec', ['-c', join(this.dir, 'linphonerc'), '-d', '0'], { env: { ...process.env, HOME: this.dir } });
    // Its console is up once it printed its first words; registering and publishing follow on
    // their own, and a test waits for what they cause (Linphone's presence reaching the client).
    await this.waitFor(/video is disabled|linphonec>/, 'linphonec start', 10_000);
  }
}
