/**
 * Starts a real Kamailio for the lab and the tests: free loopback ports, a temporary run
 * directory with db_text tables (Debian's templates) and the lab's users, the process in the
 * foreground as our child, ready when it accepts TCP connections; stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { makeTlsCertificate } from './tls-cert';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMariaDb, type MariaDb } from './mariadb';
import { canConnect, dieWithParent, freeTcpPort, makeRunDir, removeAbandonedRunDirs } from '../process';

export interface KamailioOptions {
  domain: string;
  users: { id: string; password: string }[];
  runDir?: string;
  /** Kamailio log level (default 1: errors and warnings). */
  debug?: number;
  /** Store IMs to users who are not signed in and deliver them when they register (msilo). */
  msilo?: boolean;
  log?: (line: string) => void;
  /** Also run the resource list server (RFC 4662) with its tables in a private MariaDB. */
  rls?: boolean;
  /**
   * The plain SIMPLE profile: an XCAP server (RFC 4825) on an HTTP port of its own, presence
   * authorised by each user's pres-rules (no `force_active`), presence.winfo, and the RLS
   * reading the users' own rls-services documents. Implies `rls`.
   */
  xcap?: boolean;
  /** Start Kamailio again when it dies on its own, as a service manager would (the demo lab). */
  restartOnExit?: boolean;
  /**
   * How PUBLISH, SUBSCRIBE and MESSAGE are challenged: `qop` (default) offers qop=auth with
   * nonce counts; `plain` is a stock Kamailio's MD5 digest without qop (REGISTER is never
   * offered qop). SUBSCRIBE is answered 200 in both.
   */
  digest?: 'qop' | 'plain';
  /**
   * Benchmarks: called for each NOTIFY with a body the server sends to a watcher whose user
   * name starts with `bs-` (watcher's user name, presentity URI), from the server's log.
   */
  onNotifyLog?: (watcher: string, presentity: string) => void;
  /** Shared memory in MB (default 256, 1024 with RLS): benchmarks keep tens of thousands of transactions. */
  sharedMemoryMb?: number;
}

/** A user's resource list: the list URI they subscribe to and its members (AORs). */
export interface ResourceList {
  user: string;
  listUri: string;
  members: string[];
}

export interface Kamailio {
  host: '127.0.0.1';
  tcpPort: number;
  udpPort: number;
  /** SIP over TLS, with a self-signed certificate made for this run. */
  tlsPort: number;
  /** That certificate (PEM), for clients to trust (`SipAccountOptions.tls.ca`). */
  tlsCertificate: string;
  domain: string;
  runDir: string;
  /** True when the resource list server runs (option `rls`). */
  rls: boolean;
  /** The XCAP root URI (`http://127.0.0.1:<port>/xcap-root`), only with `xcap`. */
  xcapRoot?: string;
  /** Writes (replaces) a user's rls-services document; only with `rls`. */
  setResourceList(list: ResourceList): Promise<void>;
  /** Kills the server (as a crash would) without cleaning up. */
  kill(): Promise<void>;
  /** Starts it again on the same ports (after `kill` or `stop`; a stop's removed run directory is written again). */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): its ports stay open but nothing answers, like a hung host. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  stop(): Promise<void>;
}

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), 'kamailio.cfg.template');
const DBTEXT_TEMPLATES = '/usr/share/kamailio/dbtext/kamailio';
const MODULE_DIRS = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/aarch64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'];

/** A TCP port and the same-numbered UDP port, both free right now. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await freeTcpPort();
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port pair for Kamailio');
}

/** A free TCP port other than `not` (for the TLS listener). */
async function freeTcpPortBut(not: number): Promise<number> {
  for (;;) {
    const port = await freeTcpPort();
    if (port !== not) return port;
  }
}

/** Run directories of Kamailios started without one (tests). */
const RUN_DIR_PREFIX = 'presence-desk-kamailio-';

const md5 = (v: string) => createHash('md5').update(v).digest('hex');
const dbEscape = (v: string) => v.replace(/\\/g, '\\\\').replace(/:/g, '\\:');

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const log = options.log ?? (() => {});
  if (!options.runDir) removeAbandonedRunDirs(RUN_DIR_PREFIX, log);
  const runDir = options.runDir ?? makeRunDir(RUN_DIR_PREFIX);
  const dbDir = join(runDir, 'db');
  if (!existsSync(DBTEXT_TEMPLATES))
    throw new Error(`Kamailio's db_text templates are missing (${DBTEXT_TEMPLATES}): install kamailio (bash scripts/setup.sh)`);
  // The tables (with the users' passwords): written at start, and again for a restart after a
  // stop that removed the run directory.
  const writeTables = () => {
    mkdirSync(dbDir, { recursive: true, mode: 0o700 });
    for (const table of readdirSync(DBTEXT_TEMPLATES)) copyFileSync(join(DBTEXT_TEMPLATES, table), join(dbDir, table));
    if (options.msilo) {
      // Kamailio 5.6's msilo stores no Call-ID or status, which Debian's db_text template forbids.
      const silo = join(dbDir, 'silo');
      writeFileSync(silo, readFileSync(silo, 'utf8').replace('callid(string)', 'callid(string,null)').replace('status(int)', 'status(int,null)'));
    }
    appendFileSync(
      join(dbDir, 'subscriber'),
      // db_text refuses empty ha1 columns, so they carry the digests for the domain as realm.
      options.users
        .map((u, i) => {
          const ha1 = md5(`${u.id}:${options.domain}:${u.password}`);
          const ha1b = md5(`${u.id}@${options.domain}:${options.domain}:${u.password}`);
          return `${i + 1}:${dbEscape(u.id)}:${dbEscape(options.domain)}:${dbEscape(u.password)}:${ha1}:${ha1b}\n`;
        })
        .join(''),
    );
  };
  writeTables();
  const modules = MODULE_DIRS.find((d) => existsSync(join(d, 'presence.so')));
  if (!modules) throw new Error('Kamailio presence modules are missing: install kamailio-presence-modules (bash scripts/setup.sh)');
  let port = await freePortPair();
  let tlsPort = await freeTcpPortBut(port);
  let xcapPort = options.xcap ? await freeTcpPortBut(port) : 0;
  const tls = await makeTlsCertificate(runDir, options.domain);
  const tlsFiles = [tls.certificateFile, tls.keyFile, tls.configFile].map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  let mariadb: MariaDb | undefined;
  const rls = options.rls || options.xcap;
  if (rls) mariadb = await startMariaDb({ dir: join(runDir, 'mariadb'), log });
  const cfg = join(runDir, 'kamailio.cfg');
  const writeConfig = () =>
    writeFileSync(
      cfg,
      readFileSync(TEMPLATE, 'utf8')
        .replaceAll('@@DEBUG@@', String(options.debug ?? 1))
        .replaceAll('@@UDP_PORT@@', String(port))
        .replaceAll('@@TCP_PORT@@', String(port))
        .replaceAll('@@TLS_PORT@@', String(tlsPort))
        .replaceAll('@@XCAP_PORT@@', String(xcapPort))
        .replaceAll('@@TLS_CFG@@', tls.configFile)
        .replaceAll('@@DOMAIN@@', options.domain)
        .replaceAll('@@STORE_TOKEN@@', randomBytes(12).toString('hex'))
        .replaceAll('@@MODULES@@', modules)
        .replaceAll('@@DB_DIR@@', dbDir)
        .replaceAll('@@RLS_DB_URL@@', mariadb?.url ?? '')
        .replaceAll('@@CHALLENGE_FLAGS@@', options.digest === 'plain' ? '0' : '1')
        .replaceAll('@@NONCE_COUNT@@', options.digest === 'plain' ? '' : 'modparam("auth", "nonce_count", 1)'),
    );
  writeConfig();

  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    output = '';
    // Without RLS, 256 MB: a client subscribing to thousands of contacts at once keeps
    // thousands of transactions in flight, and 64 MB ran out (Kamailio then fails every request).
    // With RLS, 1 GB: each list member costs four transactions on the server itself (back-end
    // SUBSCRIBE and NOTIFY, each as client and as server, ~9 KB each), and every transaction
    // stays for tm's 32 s wait timer after it ends. A 5,000-member list took ~200 MB; a second
    // list subscription within those 32 s (signing in again) ran out of 256 MB and Kamailio
    // failed every request. Only touched pages are resident, so the headroom costs nothing idle.
    const defines = [
      ...(options.msilo ? ['-A', 'WITH_MSILO'] : []),
      ...(mariadb ? ['-A', 'WITH_RLS'] : []),
      ...(options.xcap ? ['-A', 'WITH_XCAP'] : []),
      ...(options.onNotifyLog ? ['-A', 'WITH_NOTIFY_LOG'] : []),
    ];
    const proc = spawn(
      'kamailio',
      [
        '-f',
        cfg,
        '-DD',
        '-E',
        '-n',
        '2',
        '-m',
        String(options.sharedMemoryMb ?? (mariadb ? 1024 : 256)),
        '-M',
        mariadb ? '32' : '8',
        '-P',
        join(runDir, 'kamailio.pid'),
        '-Y',
        runDir,
        '-w',
        runDir,
        ...defines,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: Kamailio forks workers that hold sockets, so a kill must reach them all.
        detached: true,
      },
    );
    child = proc;
    // Kamailio runs in its own process group, so it would outlive us if we exited without
    // stopping it (a crashed test worker, an uncaught error): kill the group on the way out.
    const onExit = () => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', onExit);
    dieWithParent(proc, { group: true });
    proc.once('exit', () => process.removeListener('exit', onExit));
    let partial = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      if (options.onNotifyLog) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        if (partial.length > 65_536) partial = '';
        for (const line of lines) {
          const m = line.includes('PD-NOTIFY') ? /PD-NOTIFY (\S+) (\S+)/.exec(line) : null;
          if (m) options.onNotifyLog(m[1], m[2]);
        }
      }
      if (output.length < 20_000) output += text;
      for (const line of text.split('\n')) if (/ERROR|CRITICAL|WARNING/.test(line)) log(`kamailio: ${line.trim()}`);
    };
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    let exited = false;
    proc.once('exit', () => (exited = true));
    if (options.restartOnExit) proc.once('exit', (code, signal) => void revive(proc, code, signal));
    // Ready when it accepts TCP: probe with a short back-off instead of a fixed wait.
    for (let delay = 20; ; delay = Math.min(delay * 2, 200)) {
      if (exited) throw new Error(`Kamailio exited at start:\n${output.slice(-3000)}`);
      if (await canConnect(port)) break;
      await new Promise((r) => setTimeout(r, delay));
      if (delay === 200 && output.length > 0 && /cfg. parse error|error in config/i.test(output))
        throw new Error(`Kamailio config error:\n${output.slice(-3000)}`);
    }
    log(`kamailio: listening on 127.0.0.1:${port} (udp, tcp), ${tlsPort} (tls), domain ${options.domain}`);
  };
  // A Kamailio that died on its own (a crash, an outside kill) is started again, with a pause
  // that grows while it keeps dying; one that we stopped (`terminate` clears `child` first) is not.
  const deaths: number[] = [];
  const revive = async (proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => {
    if (child !== proc) return;
    child = undefined;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - 60_000) deaths.shift();
    if (deaths.length > 5) {
      log(`kamailio: died ${deaths.length} times within a minute (last: ${signal ?? `exit code ${code}`}); not restarting it again`);
      return;
    }
    log(`kamailio: died (${signal ?? `exit code ${code}`}); starting it again`);
    await new Promise((r) => setTimeout(r, 250 * 2 ** (deaths.length - 1)));
    if (child || stopped) return;
    await launch().catch((error: Error) => log(`kamailio: could not be started again: ${error.message.split('\n')[0]}`));
  };
  let stopped = false;
  /** Puts back what a stop removed (the run directory, the MariaDB), so a restart after a stop works. */
  const restore = async () => {
    if (existsSync(cfg)) return;
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    writeTables();
    for (const { file, text } of tlsFiles) writeFileSync(file, text, { mode: 0o600 });
    if (rls) mariadb = await startMariaDb({ dir: join(runDir, 'mariadb'), log });
    writeConfig();
  };
  const terminate = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const group = (sig: NodeJS.Signals) => {
        try {
          process.kill(-proc.pid!, sig);
        } catch {
          proc.kill(sig);
        }
      };
      const timer = setTimeout(() => group('SIGKILL'), 5000);
      proc.once('exit', () => {
        clearTimeout(timer);
        // Workers may outlive the main process for a moment; make sure none is left.
        try {
          process.kill(-proc.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
        resolve();
      });
      group(signal);
    });

  // A free port can be taken by another process between our probe and Kamailio's bind (tests
  // start many servers at once): then choose new ports and start again.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt < 4 && /Address already in use/.test((error as Error).message)) {
        log(`kamailio: port ${port} or ${tlsPort} was taken meanwhile; choosing others`);
        port = await freePortPair();
        tlsPort = await freeTcpPortBut(port);
        if (options.xcap) xcapPort = await freeTcpPortBut(port);
        writeConfig();
        continue;
      }
      await mariadb?.stop();
      throw error;
    }
  }
  return {
    host: '127.0.0.1',
    tcpPort: port,
    udpPort: port,
    tlsPort,
    tlsCertificate: tls.certificate,
    domain: options.domain,
    runDir,
    rls: Boolean(mariadb),
    ...(options.xcap ? { xcapRoot: `http://127.0.0.1:${xcapPort}/xcap-root` } : {}),
    setResourceList: async (list) => {
      if (!mariadb) throw new Error('this Kamailio runs without the resource list server (option rls)');
      await mariadb.sql(resourceListSql(list, options.domain));
    },
    kill: () => terminate('SIGKILL'),
    pause: () => {
      if (child?.pid) process.kill(-child.pid, 'SIGSTOP');
    },
    resume: () => {
      if (child?.pid) process.kill(-child.pid, 'SIGCONT');
    },
    restart: async () => {
      await terminate('SIGTERM');
      await restore();
      stopped = false;
      await launch();
    },
    stop: async () => {
      stopped = true;
      await terminate('SIGTERM');
      await mariadb?.stop();
      if (!options.runDir) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

const xmlAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const sqlString = (v: string) => `X'${Buffer.from(v, 'utf8').toString('hex')}'`;

/** The rls-services document (RFC 4826) of one list, for Kamailio's integrated XCAP table. */
export function rlsServicesDocument(list: ResourceList): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists">` +
    `<service uri="${xmlAttr(list.listUri)}"><list name="contacts">` +
    list.members.map((m) => `<rl:entry uri="${xmlAttr(m)}"/>`).join('') +
    `</list><packages><package>presence</package></packages></service></rls-services>`
  );
}

/** One row per user (doc_type 8 = rls-services), replaced as a whole; values as hex literals. */
function resourceListSql(list: ResourceList, domain: string): string {
  const docUri = `/xcap-root/rls-services/users/sip:${list.user}@${domain}/index`;
  return (
    `DELETE FROM xcap WHERE doc_uri = ${sqlString(docUri)};` +
    `INSERT INTO xcap (username, domain, doc, doc_type, etag, source, doc_uri, port) VALUES (` +
    `${sqlString(list.user)}, ${sqlString(domain)}, ${sqlString(rlsServicesDocument(list))}, 8, ${sqlString(Math.random().toString(36).slice(2))}, 1, ${sqlString(docUri)}, 0);`
  );
}
