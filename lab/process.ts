/**
 * What every server the lab starts (Kamailio, slapd, MariaDB) needs from the OS: a free
 * loopback port, a way to see that it listens, and a guarantee that it dies with us.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that is free right now (the OS picks it). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A parent killed outright (SIGKILL, a crashed test runner) runs no exit handler: this small
 * watchdog kills `child` (its whole process group when `group`) once we are gone, so no lab
 * server outlives the process that started it. It stops itself when the child exits first.
 */
export function dieWithParent(child: ChildProcess, options: { group?: boolean } = {}): void {
  const target = options.group ? `-${child.pid}` : `${child.pid}`;
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -0 ${process.pid} 2>/dev/null || kill -9 ${target} 2>/dev/null`],
    { stdio: 'ignore', detached: true },
  );
  watchdog.unref();
  child.once('exit', () => watchdog.kill('SIGKILL'));
}
