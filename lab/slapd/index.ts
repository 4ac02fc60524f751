/**
 * Starts a real OpenLDAP `slapd` for the lab and the tests: its own minimal configuration
 * (core, cosine and inetOrgPerson schemas, an mdb database) in a temporary directory, on a free
 * loopback port, loaded with the lab's people before it starts (slapadd). Runs in the foreground
 * as our child, ready when it accepts TCP connections; stopped with SIGTERM.
 *
 * Reading needs a bind: anonymous users may only authenticate, so a wrong or missing bind
 * password is refused the way a corporate directory refuses it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { canConnect, dieWithParent, freeTcpPort } from '../process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LdapPerson {
  uid: string;
  cn: string;
  givenName: string;
  sn: string;
  displayName?: string;
  mail?: string;
  title?: string;
  telephoneNumber?: string[];
  mobile?: string[];
  /** The portrait (PNG bytes), served as `jpegPhoto`. */
  jpegPhoto?: Buffer;
}

export interface SlapdOptions {
  /** e.g. `dc=demo,dc=presence-desk,dc=test`. */
  suffix: string;
  people: LdapPerson[];
  runDir?: string;
  log?: (line: string) => void;
}

export interface Slapd {
  host: string;
  port: number;
  suffix: string;
  /** Where the people are (`ou=people,<suffix>`). */
  peopleBase: string;
  /** The account the directory client binds as, and its password (random per run). */
  bindDn: string;
  bindPassword: string;
  /** Stops the server but keeps its data, so `restart` brings the same directory back. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR =
  ['/usr/lib/ldap', '/usr/lib/x86_64-linux-gnu/ldap', '/usr/lib/aarch64-linux-gnu/ldap'].find((d) => existsSync(join(d, 'back_mdb.so'))) ?? '/usr/lib/ldap';

/** LDIF value: plain when safe, else base64 (RFC 2849), so any name loads as written. */
function ldifLine(attribute: string, value: string): string {
  const safe = /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ');
  return safe ? `${attribute}: ${value}` : `${attribute}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export function peopleLdif(suffix: string, people: LdapPerson[], reader: { dn: string; password: string }): string {
  const top = suffix.split(',')[0].split('=')[1];
  const blocks = [
    [`dn: ${suffix}`, 'objectClass: dcObject', 'objectClass: organization', `dc: ${top}`, 'o: Presence Desk demo'],
    [`dn: ou=people,${suffix}`, 'objectClass: organizationalUnit', 'ou: people'],
    [`dn: ou=services,${suffix}`, 'objectClass: organizationalUnit', 'ou: services'],
    [
      `dn: ${reader.dn}`,
      'objectClass: person',
      'objectClass: simpleSecurityObject',
      `cn: ${reader.dn.split(',')[0].split('=')[1]}`,
      'sn: reader',
      ldifLine('userPassword', reader.password),
    ],
    ...people.map((p) => [
      `dn: uid=${p.uid},ou=people,${suffix}`,
      'objectClass: inetOrgPerson',
      ldifLine('uid', p.uid),
      ldifLine('cn', p.cn),
      ldifLine('givenName', p.givenName),
      ldifLine('sn', p.sn),
      ...(p.displayName ? [ldifLine('displayName', p.displayName)] : []),
      ...(p.mail ? [ldifLine('mail', p.mail)] : []),
      ...(p.title ? [ldifLine('title', p.title)] : []),
      ...(p.telephoneNumber ?? []).map((n) => ldifLine('telephoneNumber', n)),
      ...(p.mobile ?? []).map((n) => ldifLine('mobile', n)),
      ...(p.jpegPhoto ? [`jpegPhoto:: ${p.jpegPhoto.toString('base64')}`] : []),
    ]),
  ];
  return blocks.map((b) => b.join('\n')).join('\n\n') + '\n';
}

export async function startSlapd(options: SlapdOptions): Promise<Slapd> {
  const log = options.log ?? (() => {});
  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), 'presence-desk-slapd-'));
  const dataDir = join(runDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const bindDn = `cn=directory-reader,ou=services,${options.suffix}`;
  const bindPassword = randomBytes(12).toString('base64url');
  const conf = join(runDir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      `include ${SCHEMA_DIR}/core.schema`,
      `include ${SCHEMA_DIR}/cosine.schema`,
      `include ${SCHEMA_DIR}/inetorgperson.schema`,
      `pidfile ${join(runDir, 'slapd.pid')}`,
      `argsfile ${join(runDir, 'slapd.args')}`,
      `modulepath ${MODULE_DIR}`,
      'moduleload back_mdb',
      'database mdb',
      'maxsize 16777216',
      `suffix "${options.suffix}"`,
      `directory ${dataDir}`,
      'index objectClass eq',
      'index uid eq',
      'index cn,sn,givenName,displayName,mail sub,eq',
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  const ldif = join(runDir, 'people.ldif');
  writeFileSync(ldif, peopleLdif(options.suffix, options.people, { dn: bindDn, password: bindPassword }));
  const load = spawnSync('slapadd', ['-q', '-f', conf, '-l', ldif], { encoding: 'utf8' });
  if (load.status !== 0) throw new Error(`slapadd could not load the lab directory: ${(load.stderr || load.error?.message || '').trim().slice(-2000)}`);

  const port = await freeTcpPort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    let output = '';
    const proc = spawn('slapd', ['-f', conf, '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const onExit = () => proc.kill('SIGKILL');
    process.once('exit', onExit);
    dieWithParent(proc);
    let exited = false;
    proc.once('exit', () => {
      exited = true;
      process.removeListener('exit', onExit);
    });
    const collect = (chunk: Buffer) => {
      if (output.length < 20_000) output += chunk.toString();
    };
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    // Ready when it accepts TCP: probe with a short back-off instead of a fixed wait.
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      if (exited) throw new Error(`slapd exited at start:\n${output.slice(-3000)}`);
      if (await canConnect(port)) break;
      await new Promise((r) => setTimeout(r, delay));
    }
    log(`slapd: listening on ldap://127.0.0.1:${port}/ (${options.people.length} people under ${options.suffix})`);
  };
  const terminate = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill('SIGTERM');
    });

  try {
    await launch();
  } catch (error) {
    await terminate();
    if (!options.runDir) rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    suffix: options.suffix,
    peopleBase: `ou=people,${options.suffix}`,
    bindDn,
    bindPassword,
    kill: terminate,
    restart: async () => {
      await terminate();
      await launch();
    },
    stop: async () => {
      await terminate();
      if (!options.runDir) rmSync(runDir, { recursive: true, force: true });
    },
  };
}
