/**
 * A private MariaDB for the lab's resource list server: Kamailio's RLS keeps its watcher and
 * member-state tables in SQL (db_text loses list members under load; see docs/ARCHITECTURE.md).
 *
 * Each run gets its own data directory (`mariadb-install-db`), its own socket and a free
 * loopback port; the server is our child process and is stopped with the lab. No system
 * service is used or touched.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dieWithParent, freeTcpPort } from '../process';
import { join } from 'node:path';

export interface MariaDb {
  port: number;
  socket: string;
  database: string;
  /** Kamailio db_mysql URL for the lab database. */
  url: string;
  /** Runs SQL statements (one batch) as the administrator, in the lab database. */
  sql(statements: string): Promise<string>;
  stop(): Promise<void>;
}

const SQL_DIR = '/usr/share/kamailio/mysql';
const USER = 'kamailio';

function run(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/**
 * The tables Kamailio's modules expect, from Debian's own schema files, with one change the
 * RLS needs at hundreds of members: `rls_presentity` keyed by (subscription, member) with a
 * binary collation, so a list's rows come back sorted by member exactly as the full-state
 * NOTIFY builder assumes, and a member can never be stored twice.
 */
function schema(): string {
  const files = ['standard-create.sql', 'presence-create.sql', 'rls-create.sql'].map((f) => join(SQL_DIR, f));
  const missing = files.find((f) => !existsSync(f));
  if (missing) throw new Error(`Kamailio's MySQL schema is missing (${missing}): install kamailio-mysql-modules (bash scripts/setup.sh)`);
  return (
    files.map((f) => readFileSync(f, 'utf8')).join('\n') +
    `\nALTER TABLE rls_presentity MODIFY rlsubs_did VARCHAR(255) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL,` +
    ` MODIFY resource_uri VARCHAR(255) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL,` +
    ` MODIFY id INT(10) UNSIGNED NOT NULL, DROP PRIMARY KEY, ADD PRIMARY KEY (rlsubs_did, resource_uri);` +
    `\nALTER TABLE rls_presentity MODIFY id INT(10) UNSIGNED NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY id_idx (id);\n`
  );
}

export async function startMariaDb(options: { dir: string; log?: (line: string) => void }): Promise<MariaDb> {
  const log = options.log ?? (() => {});
  for (const bin of ['mariadb-install-db', 'mariadbd', 'mariadb']) {
    if (!['/usr/bin', '/usr/sbin'].some((d) => existsSync(join(d, bin)))) throw new Error(`${bin} is missing: install mariadb-server (bash scripts/setup.sh)`);
  }
  const dataDir = join(options.dir, 'data');
  mkdirSync(options.dir, { recursive: true });
  const socket = join(options.dir, 'mysqld.sock');
  // Running as root, the server must be told to stay root (it refuses otherwise).
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  // Its own temporary directory: servers of labs started at once must not share /tmp's temporary tables.
  const tmp = join(options.dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--tmpdir=${tmp}`,
    '--auth-root-authentication-method=socket',
    '--skip-test-db',
    ...asUser,
  ]);
  const port = await freeTcpPort();
  const child: ChildProcess = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--tmpdir=${tmp}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(options.dir, 'mysqld.pid')}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      // A lab database: durability across power loss buys nothing and costs an fsync per write.
      '--innodb-flush-log-at-trx-commit=0',
      '--max-connections=200',
      ...asUser,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (c: Buffer) => {
    if (output.length < 20_000) output += c.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  dieWithParent(child);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    process.removeListener('exit', onExit);
  });
  const admin = (sql: string, db?: string) => run('mariadb', ['--no-defaults', '-S', socket, '-uroot', ...(db ? [db] : [])], sql);
  // Ready when the socket answers a query: probe with a short back-off instead of a fixed wait.
  for (let delay = 20; ; delay = Math.min(delay * 2, 200)) {
    if (exited) throw new Error(`MariaDB exited at start:\n${output.slice(-3000)}`);
    if (
      existsSync(socket) &&
      (await admin('SELECT 1').then(
        () => true,
        () => false,
      ))
    )
      break;
    await new Promise((r) => setTimeout(r, delay));
  }
  const database = 'kamailio';
  const password = Math.random().toString(36).slice(2, 14);
  await admin(
    `CREATE DATABASE ${database}; CREATE USER '${USER}'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON ${database}.* TO '${USER}'@'127.0.0.1';`,
  );
  await admin(schema(), database);
  log(`mariadb: listening on 127.0.0.1:${port} for the RLS tables`);
  return {
    port,
    socket,
    database,
    url: `mysql://${USER}:${password}@127.0.0.1:${port}/${database}`,
    sql: (statements) => admin(statements, database),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) {
          rmSync(options.dir, { recursive: true, force: true });
          return resolve();
        }
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          rmSync(options.dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
