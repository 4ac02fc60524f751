/**
 * What every scripted SIP client the interop tests drive has in common (baresip, linphonec): a
 * temporary home, a child process typed at on its standard input, its output read line by line
 * so a test can wait for what it printed, and a polite quit that turns into SIGKILL if ignored.
 * Each client supplies only its config, how it is started, how its lines are cleaned and its
 * quit command.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter } from '../../core/events';
import { waitForEvent } from './wait';

export interface ConsolePeerProcess {
  /** The name used in timeouts ("baresip said: …"). */
  name: string;
  /** What to type to make it exit on its own. */
  quitCommand: string;
  /** Takes off what the client mixes into its lines (prompts, colour escapes). */
  cleanLine?: (line: string) => string;
}

export class ConsolePeer {
  readonly lines: string[] = [];
  private readonly events = new Emitter<{ line: string }>();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The client's temporary home; removed by stop(). */
  protected dir = '';

  constructor(private readonly peer: ConsolePeerProcess) {}

  protected makeDir(prefix: string): string {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    return this.dir;
  }

  /** Starts the client and collects its output (stdout and stderr alike). */
  protected launch(command: string, args: string[], options: SpawnOptions = {}): void {
    const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    // A test run that dies half-way must not leave the client running.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        process.removeListener('exit', kill);
        resolve();
      }),
    );
    const clean = this.peer.cleanLine ?? ((line: string) => line);
    let partial = '';
    const collect = (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const raw of parts) {
        const line = clean(raw);
        this.lines.push(line);
        this.events.emit('line', line);
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', (error) => this.events.emit('line', `spawn error: ${error.message}`));
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
      throw new Error(`${error.message}; ${this.peer.name} said:\n${this.lines.slice(-30).join('\n')}`);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin?.write(`${this.peer.quitCommand}\n`);
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
