/**
 * Click-to-dial: the server's application dialing rules first, then the call through the
 * configured back end (WebDialer), or a `tel:` URI for the system's handler when there is no
 * WebDialer. A call is reported as placed only when the back end said so.
 */
import { applyDialingRules, type DialPlan, type DialingRule } from '../dialing';
import { DeskError } from '../errors';

export interface CallBackend {
  /** Places the call; says how when the back end has several ways (CTI or WebDialer). */
  makeCall(destination: string): Promise<void | 'cti' | 'webdialer'>;
  /** Ends the call placed last, when the back end can (WebDialer endCallSoap). */
  endCall?(): Promise<void>;
}

export interface PlacedCall {
  plan: DialPlan;
  via: 'webdialer' | 'cti' | 'tel';
  /** For `via: 'tel'`: the URI to hand to the system. */
  uri?: string;
  at: number;
}

/** `tel:` URI for a plan (RFC 3966): a global number keeps its `+`, others are local. */
export function telUri(plan: DialPlan): string {
  return plan.dial.startsWith('+') ? `tel:${plan.dial}` : `tel:${plan.dial};phone-context=local`;
}

export class ClickToDial {
  constructor(
    private readonly rules: () => DialingRule[],
    private readonly backend: CallBackend | undefined,
  ) {}

  preview(number: string): DialPlan {
    return applyDialingRules(number, this.rules(), 'application');
  }

  async dial(number: string): Promise<PlacedCall> {
    const plan = this.preview(number);
    if (plan.error) throw new DeskError('invalid-input', plan.error);
    if (!this.backend) return { plan, via: 'tel', uri: telUri(plan), at: Date.now() };
    const via = await this.backend.makeCall(plan.dial); // throws with the back end's reason in words
    return { plan, via: via ?? 'webdialer', at: Date.now() };
  }

  async hangUp(): Promise<void> {
    if (!this.backend?.endCall) throw new DeskError('config', 'Calls handed to the system cannot be ended from here; hang up on the phone.');
    await this.backend.endCall();
  }
}
