/**
 * Messaging: instant messages in and out, their history, is-composing, and the outgoing
 * queue with redelivery after an outage.
 *
 * Nothing the user typed is lost: every outgoing IM is written to the history before it is
 * sent, its delivery state is recorded as it changes, and messages typed while the link is
 * down stay queued and go out in order once the account is registered again.
 *
 * Nothing a sender wrote is lost either: an incoming MESSAGE is answered 200 only once it is
 * stored. When the history cannot be written the sender gets 500 with the reason, the user is
 * told which file cannot be written (`im:history-status`), and the sender's retry is taken once
 * the file can be written again. A MESSAGE already stored (same From, Call-ID and CSeq: a
 * retransmission, or a retry whose 200 was lost) is answered 200 again and not shown twice.
 */
import { randomUUID } from 'node:crypto';
import type { ChatMessage, Contact, ExportedFile, HistoryImport, HistoryStatus } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import { DeskError, toAppError } from '../errors';
import { HistoryWriteError } from '../store/history';
import type { ImportProgress } from '../store/history-import';
import type { IncomingMessage } from '../sip';
import { exportConversation } from '../store/history-export';
import { aorUser, normaliseAor } from '../uri';
import { requireConnection, type Connection, type SessionContext } from '../session/connection';
import { RecoveryRedelivery, sipStatusOf } from './redelivery';

/** Longest IM we send or accept for display; larger ones are refused with a clear reason. */
export const MAX_IM_BYTES = 256 * 1024;

export type MessagingChannel = 'im:send' | 'im:retry' | 'im:composing' | 'im:history' | 'im:page' | 'im:search' | 'im:export';

/** Messages a conversation shows when it opens, and loads each time the user scrolls to the top. */
export const PAGE_SIZE = 50;

/**
 * Why the history cannot be written, in words the user can act on: the store's own reason
 * (disk full, read-only), or the file system's message (ENOSPC, EROFS…), which names no code.
 */
function historyProblem(error: unknown): string {
  if (error instanceof HistoryWriteError) return error.reason;
  const e = error as { syscall?: unknown; code?: unknown; message?: unknown } | undefined;
  if (e && (typeof e.syscall === 'string' || (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code))) && typeof e.message === 'string') return e.message;
  return toAppError(error).message;
}

function toHistoryImport(progress: ImportProgress): HistoryImport {
  const state = progress.done ? 'done' : progress.error ? 'stopped' : 'importing';
  const percent = progress.size ? Math.floor((progress.offset / progress.size) * 100) : 100;
  return { state, percent, messages: progress.imported, ...(progress.error ? { error: progress.error } : {}) };
}

/** The words a sender sees (in the 500's reason phrase) when the history cannot be written. */
export const NOT_STORED_REASON = 'Message not stored: the recipient cannot write their message history';

export class Messaging {
  readonly handlers: Pick<InvokeHandlers, MessagingChannel>;
  /** Serialises sending so queued messages go out in the order they were typed. */
  private sendChain: Promise<unknown> = Promise.resolve();
  /** Keeps messages queued while their recipients are still coming back after an outage. */
  private readonly redelivery = new RecoveryRedelivery();
  private historyStatus: HistoryStatus | undefined;
  /** Why the server does not offer IM now (licence, `IM.enable`), or undefined when it does. */
  imRefusal: () => string | undefined = () => undefined;
  private lastImportPercent: number | undefined;

  constructor(
    private readonly context: SessionContext,
    private readonly contact: (uri: string) => Contact | undefined,
  ) {
    this.handlers = {
      'im:send': (to, text) => this.sendMessage(to, text),
      'im:retry': (id) => this.retryMessage(id),
      'im:composing': (to, active) => this.sendComposing(to, active),
      'im:history': (peer) => this.context.connection()?.history.conversation(normaliseAor(String(peer))) ?? [],
      'im:page': (peer, page) =>
        this.context.connection()?.history.page(normaliseAor(String(peer)), { limit: PAGE_SIZE, ...page }) ?? { messages: [], more: false },
      'im:search': (query) => (typeof query === 'string' ? (this.context.connection()?.history.search(query) ?? []) : []),
      'im:export': (peer, format) => this.exportConversation(peer, format),
    };
  }

  /** Whether the history can be written (for the snapshot); undefined before anything is known. */
  get history(): HistoryStatus | undefined {
    return this.historyStatus;
  }

  /** The one-time import of an earlier version's history, while it runs (for the snapshot). */
  get historyImport(): HistoryImport | undefined {
    const progress = this.context.connection()?.history.importing;
    return progress && toHistoryImport(progress);
  }

  /**
   * The background import of an earlier version's history went on: the renderer is told when
   * the share done moves by a percent, and at the end; messages it brought back still queued
   * are sent.
   */
  importProgress(connection: Connection, progress: ImportProgress): void {
    if (this.context.connection() !== connection) return;
    const status = toHistoryImport(progress);
    if (status.state === 'importing' && status.percent === this.lastImportPercent) return;
    this.lastImportPercent = status.state === 'importing' ? status.percent : undefined;
    if (status.state === 'stopped') this.context.log(`im: the import of ${progress.file} stopped: ${status.error}`);
    this.context.emit('im:history-import', status);
    if (status.state === 'done') this.flush();
  }

  /** Sign-in: receive messages and typing indications on this connection. */
  attach(connection: Connection): void {
    const { sip } = connection;
    connection.unsubscribe.push(
      sip.on('message', (message) => this.onIncoming(connection, message)),
      sip.on('composing', ({ from, active }) => this.context.emit('im:composing', { peer: normaliseAor(from), active })),
    );
  }

  detach(): void {
    this.redelivery.cancel();
    this.historyStatus = undefined;
  }

  /** Registered again after a loss: recipients may still be coming back (see redelivery.ts). */
  recovered(): void {
    this.redelivery.recovered();
  }

  // ── incoming ──────────────────────────────────────────────────────────────────────────

  /** Resolves once the message is stored (the account then answers 200); rejects otherwise (500). */
  private async onIncoming(connection: Connection, incoming: IncomingMessage): Promise<void> {
    if (this.context.connection() !== connection) throw new Error('Signed out');
    const peer = normaliseAor(incoming.from);
    let id = `in:${incoming.id}`;
    const known = connection.history.get(id);
    if (known?.peer === peer) return; // already stored: a retransmission or a retry
    // Call-IDs are unique per sender; another sender's equal one gets an id of its own.
    if (known) id = `in:${peer}:${incoming.id}`;
    if (connection.history.has(id)) return;
    const text = incoming.text.length > MAX_IM_BYTES ? `${incoming.text.slice(0, MAX_IM_BYTES)}…` : incoming.text;
    const message: ChatMessage = { id, peer, direction: 'in', text, at: incoming.at, state: 'received' };
    try {
      if (!(await connection.history.add(message))) return;
    } catch (error) {
      this.historyFailed(connection, error);
      throw new Error(NOT_STORED_REASON, { cause: error });
    }
    this.historyWritten(connection);
    this.context.emit('im:message', message);
    this.noteConversation(connection, message);
  }

  private historyFailed(connection: Connection, error: unknown): void {
    const reason = historyProblem(error);
    this.context.log(`im: the history file ${connection.history.file} cannot be written: ${reason}`);
    if (this.historyStatus?.state === 'failing' && this.historyStatus.error === reason) return;
    this.historyStatus = { state: 'failing', file: connection.history.file, error: reason };
    this.context.emit('im:history-status', this.historyStatus);
  }

  private historyWritten(connection: Connection): void {
    if (this.historyStatus?.state === 'ok') return;
    const was = this.historyStatus;
    this.historyStatus = { state: 'ok' };
    if (was) {
      this.context.log(`im: the history file ${connection.history.file} can be written again`);
      this.context.emit('im:history-status', this.historyStatus);
    }
  }

  /**
   * Each IM conversation goes on the server's recent-communications list once per local day
   * (its first message of the day, either direction), so other clients show it too; the
   * history decides, so a restart the same day does not add it again.
   */
  private noteConversation(connection: Connection, message: ChatMessage): void {
    if (connection.history.hasOtherOnDay(message.peer, message.at, message.id)) return;
    connection.cups
      .addRecentComm({ timestamp: new Date(message.at).toISOString(), type: 1, data: { what: message.peer } })
      .catch((e) => this.context.log(`recent: add-recent-comm for the conversation with ${message.peer} failed: ${toAppError(e).message}`));
  }

  // ── outgoing ──────────────────────────────────────────────────────────────────────────

  async sendMessage(to: string, text: string): Promise<ChatMessage> {
    const connection = requireConnection(this.context);
    const refused = this.imRefusal();
    if (refused) throw new DeskError('config', `The message was not sent: ${refused}`);
    if (typeof text !== 'string' || !text.trim()) throw new DeskError('invalid-input', 'The message is empty.');
    if (Buffer.byteLength(text, 'utf8') > MAX_IM_BYTES) {
      throw new DeskError('invalid-input', `The message is too long (more than ${MAX_IM_BYTES / 1024} KB).`);
    }
    const message: ChatMessage = { id: `out:${randomUUID()}`, peer: normaliseAor(String(to)), direction: 'out', text, at: Date.now(), state: 'queued' };
    try {
      await connection.history.add(message);
    } catch (error) {
      this.historyFailed(connection, error);
      throw new DeskError('history', `The message was not sent: the history file ${connection.history.file} cannot be written (${historyProblem(error)}).`);
    }
    this.historyWritten(connection);
    this.context.emit('im:message', { ...message });
    this.noteConversation(connection, message);
    this.flush();
    return message;
  }

  async retryMessage(id: string): Promise<ChatMessage> {
    const connection = requireConnection(this.context);
    const message = connection.history.get(id);
    if (!message || message.direction !== 'out') throw new DeskError('invalid-input', 'There is no such outgoing message.');
    if (message.state !== 'failed') return { ...message };
    const queued = connection.history.setState(id, 'queued')!;
    this.context.emit('im:message', queued);
    this.flush();
    return queued;
  }

  /**
   * Sends every queued message in order, one at a time, when the account is registered.
   * A message that fails stays in the history as `failed` with the server's reason; while the
   * link is down messages stay `queued` and this runs again on re-registration.
   */
  flush(): void {
    this.sendChain = this.sendChain
      .then(() => this.sendQueued())
      .catch((error) => {
        const connection = this.context.connection();
        if (connection) this.historyFailed(connection, error);
      });
  }

  private async sendQueued(): Promise<void> {
    const connection = this.context.connection();
    if (!connection || !this.context.online()) return;
    const still = () => this.context.connection() === connection && this.context.online();
    const held = new Set<string>();
    const update = (id: string, state: ChatMessage['state'], error?: string) => this.context.emit('im:message', connection.history.setState(id, state, error)!);
    for (const pending of connection.history.pending()) {
      if (!still()) return;
      if (held.has(pending.peer)) continue; // keep this peer's messages in order
      update(pending.id, 'sending');
      try {
        const result = await connection.sip.sendMessage(pending.peer, pending.text, { retryKey: pending.id });
        update(pending.id, result?.stored ? 'stored' : 'sent');
      } catch (error) {
        const appError = toAppError(error);
        if (!still() || appError.code === 'unreachable' || appError.code === 'timeout') {
          // The link went down under us: keep it queued for the next registration.
          update(pending.id, 'queued');
          return;
        }
        if (this.redelivery.holds(sipStatusOf(error))) {
          this.context.log(`im: ${pending.peer} is not reachable yet after the reconnection (${appError.message}); trying again shortly`);
          update(pending.id, 'queued');
          held.add(pending.peer);
          continue;
        }
        this.context.log(`im: message to ${pending.peer} failed: ${appError.message}`);
        update(pending.id, 'failed', appError.message);
      }
    }
    if (held.size) this.redelivery.schedule(() => this.flush());
  }

  async sendComposing(to: string, active: boolean): Promise<void> {
    const connection = this.context.connection();
    if (!connection || !this.context.online()) return;
    // Composing indications are advisory: a failure is logged, never shown as an error.
    await connection.sip.sendComposing(normaliseAor(String(to)), active).catch((e) => this.context.log(`im: composing to ${to}: ${toAppError(e).message}`));
  }

  private exportConversation(peer: string, format: 'text' | 'json'): ExportedFile {
    const connection = requireConnection(this.context);
    const uri = normaliseAor(String(peer));
    return exportConversation(uri, connection.history.conversation(uri), format === 'json' ? 'json' : 'text', {
      self: connection.user,
      peer: this.contact(uri)?.displayName ?? aorUser(uri),
    });
  }
}
