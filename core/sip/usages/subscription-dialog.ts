/**
 * What the subscription wire (subscription-wire.ts) hands to a subscription: the requests it
 * sends, the answers and NOTIFYs it passes on, and the dialog a first NOTIFY makes. Kept apart
 * from the wire's own bookkeeping so each file reads on its own.
 */
import type { RequestCredentials } from '../message/digest';
import type { LightMessage } from '../message/light-message';

/** An incoming NOTIFY, answered once with `accept()` or `reject()`. */
export interface WireNotify {
  message: LightMessage;
  accept(): void;
  reject(status: number, reason: string): void;
}

/** The outcome of one request: a 2xx, or a refusal (3xx–6xx, or 408 when nothing came). */
export interface RequestDelegate {
  onAccept?(response: LightMessage): void;
  onReject?(response: LightMessage): void;
}

export interface InitialDelegate extends RequestDelegate {
  /** The first NOTIFY, which made the dialog. */
  onNotify(dialog: WireDialog, notify: WireNotify): void;
  /** Accepted, but no NOTIFY came (Timer N). */
  onNotifyTimeout(): void;
}

export interface SubscribeRequest {
  /** The Request-URI and To, as written. */
  target: string;
  /** Event, Expires, Accept and any other header of this subscription. */
  headers: string[];
  /** Option tags besides the user agent's. */
  supported?: string[];
  credentials?: RequestCredentials;
  /** A body every SUBSCRIBE carries (xcap-diff names the documents to watch in one, RFC 5875 §4). */
  body?: SubscribeBody;
}

export interface SubscribeBody {
  type: string;
  text: string;
}

/** One subscription's Call-ID on the wire: the initial request, then its dialog. */
export interface Subscribed {
  callId: string;
  localTag: string;
  /** The To of the initial request (the dialog's adds the remote tag). */
  to: string;
  delegate: InitialDelegate;
  /** The CSeq the initial request went out with last (a challenge raises it). */
  cseq: number;
  dialog?: WireDialog;
  /** Accepted, waiting for the first NOTIFY until this time (Timer N). */
  notifyBy?: number;
  /** Sent and counted in the wire's window of initial SUBSCRIBEs (until its first NOTIFY or its end). */
  outstanding?: boolean;
}

/** What a dialog needs of its wire. */
export interface DialogWire {
  send(request: SubscribeRequest, at: Target, cseq: number, delegate: RequestDelegate, owner: Subscribed): void;
  /** Forgets a dialog's Call-ID (its subscription is over). */
  drop(callId: string): void;
}

/** Where a request of a subscription goes: Request-URI, To, Call-ID, tags and route set. */
export interface Target {
  ruri: string;
  to: string;
  callId: string;
  localTag: string;
  routes: string[];
  /** Told the CSeq a challenged request went out with again. */
  onCseq?: (cseq: number) => void;
}

/** A subscription's dialog, made by its first NOTIFY. */
export class WireDialog {
  delegate: { onNotify(notify: WireNotify): void } | undefined;
  readonly remoteTag: string;
  remoteCseq: number;
  private cseq: number;
  private readonly target: Target;

  constructor(
    private readonly wire: DialogWire,
    private readonly owner: Subscribed,
    state: { remoteTag: string; remoteTarget: string; routes: string[]; remoteCseq: number },
  ) {
    this.remoteTag = state.remoteTag;
    this.remoteCseq = state.remoteCseq;
    // The dialog's local sequence goes on from the initial request's (RFC 3261 §12.1.2).
    this.cseq = owner.cseq;
    this.target = {
      ruri: state.remoteTarget,
      to: `${owner.to};tag=${state.remoteTag}`,
      callId: owner.callId,
      localTag: owner.localTag,
      routes: state.routes,
      onCseq: (cseq) => (this.cseq = Math.max(this.cseq, cseq)),
    };
  }

  /** Sends a SUBSCRIBE in the dialog (a refresh, or Expires: 0 to end it). */
  subscribe(request: SubscribeRequest, delegate: RequestDelegate): void {
    this.cseq += 1;
    this.wire.send(request, this.target, this.cseq, delegate, this.owner);
  }

  /** The dialog is over: its Call-ID is forgotten (a later NOTIFY is answered 481 by sip.js). */
  dispose(): void {
    this.delegate = undefined;
    this.wire.drop(this.target.callId);
  }
}
