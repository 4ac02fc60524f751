/**
 * sipsak (a SIP test tool we did not write) scripted for interop tests. The request is written
 * here and handed to sipsak on standard input (`-f -`): sipsak adds its Via, sends it to the
 * lab's Kamailio on 127.0.0.1, answers the server's digest challenge with the password, and
 * prints what it sent and received (`-vv`).
 *
 * Written requests, not sipsak's own: its message mode (`-M`) crashes in Debian's 0.9.8.1
 * (sipsak issue #95), and it cuts a five-digit port in a request URI it builds to four digits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Throws unless sipsak can run: the interop tests must fail, not pass, without it. */
export function requireSipsak(): void {
  const run = spawnSync('sipsak', ['-V'], { encoding: 'utf8' });
  if (run.error) throw new Error(`sipsak cannot run (${run.error.message}); scripts/setup.sh installs it`);
}

export interface SipsakRun {
  /** Everything sipsak printed so far. */
  output(): string;
  /** Resolves when sipsak exits, with its exit code (0: a 200 came; 1: another final answer). */
  exited: Promise<number | null>;
  /** Ends sipsak (it retransmits until it has a final answer) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface SipsakTarget {
  /** Kamailio's port on 127.0.0.1. */
  port: number;
  transport: 'udp' | 'tcp';
}

/** Sends `request` (CRLF line ends, no Via) through Kamailio; `auth` answers a 401/407. */
export function sipsak(target: SipsakTarget, request: string, auth?: { user: string; password: string }): SipsakRun {
  const args = [
    '-vv',
    '-L',
    '-E',
    target.transport,
    '-f',
    '-',
    '-s',
    'sip:127.0.0.1',
    '-r',
    String(target.port),
    ...(auth ? ['-u', auth.user, '-a', auth.password] : []),
  ];
  const child: ChildProcess = spawn('sipsak', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`sipsak cannot run (${error.message}); scripts/setup.sh installs it`)));
    child.once('exit', (code) => resolve(code));
  });
  child.stdin!.end(request);
  return {
    output: () => chunks.join(''),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited.catch(() => undefined);
    },
  };
}

/** A MESSAGE from `from` to `to` (SIP addresses) with a text/plain UTF-8 body. */
export function messageRequest(from: string, to: string, text: string): string {
  return [
    `MESSAGE ${to} SIP/2.0`,
    `From: <${from}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <${to}>`,
    `Call-ID: ${randomBytes(8).toString('hex')}@sipsak`,
    'CSeq: 1 MESSAGE',
    'Max-Forwards: 70',
    'Content-Type: text/plain;charset=utf-8',
    // sipsak sends the body as given; the length counts bytes, not characters.
    `Content-Length: ${Buffer.byteLength(text, 'utf8')}`,
    '',
    text,
  ].join('\r\n');
}

/** An OPTIONS to the server itself (`sip:<domain>`, no user). */
export function optionsRequest(from: string, domain: string): string {
  return [
    `OPTIONS sip:${domain} SIP/2.0`,
    `From: <${from}>;tag=${randomBytes(4).toString('hex')}`,
    `To: <sip:${domain}>`,
    `Call-ID: ${randomBytes(8).toString('hex')}@sipsak`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
