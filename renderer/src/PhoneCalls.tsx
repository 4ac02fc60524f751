import { useEffect, useState } from 'react';
import type { PhoneAction, PhoneCall, PhoneState } from '../../shared/domain';

const STATE_TEXT: Record<PhoneCall['state'], (peer: string) => string> = {
  dialing: (peer) => `Calling ${peer || 'out'}…`,
  ringing: (peer) => `${peer || 'Someone'} is calling`,
  talking: (peer) => `On a call with ${peer || 'a withheld number'}`,
  held: (peer) => `On hold: ${peer || 'a withheld number'}`,
};

/** A line's state when the other party is not known (a CME router reports the line only). */
const LINE_TEXT: Record<PhoneCall['state'], string> = {
  dialing: 'Your phone is calling out…',
  ringing: 'Your phone is ringing',
  talking: 'Your phone is in a call',
  held: 'Your phone has a call on hold',
};

/** "Maria Chen (0101)" for a contact, else the number or address as the switch gave it. */
export function peerLabel(peer: string, nameOf?: (peer: string) => string | undefined): string {
  const name = nameOf?.(peer);
  return name ? `${name} (${peer})` : peer;
}

/** `m:ss` (or `h:mm:ss`) since a call reached its state. */
export function callDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Re-renders once a second while there is a call, so durations count up. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The buttons each call state offers, in order; Hang up is the caller's own `onHangUp`. */
const CONTROLS: Record<PhoneCall['state'], Array<{ action: Exclude<PhoneAction, 'clear'>; label: string }>> = {
  ringing: [{ action: 'answer', label: 'Answer' }],
  dialing: [],
  talking: [{ action: 'hold', label: 'Hold' }],
  held: [{ action: 'retrieve', label: 'Resume' }],
};

/**
 * The calls on the user's own phone as the CTI gateway reports them: Answer for a ringing
 * call (the desk phone answers on its speaker), Hold and Resume, and Hang up. While the
 * gateway cannot be reached the reason is shown instead: the app does not pretend to know.
 */
export function PhoneCalls({
  phone,
  onHangUp,
  onControl,
  nameOf,
}: {
  phone: PhoneState;
  onHangUp: (callId: string) => void;
  onControl: (action: PhoneAction, callId: string) => void;
  nameOf?: (peer: string) => string | undefined;
}) {
  const now = useNow(phone.calls.length > 0);
  // A line watched without call control (a CME router): its state only, no party, no buttons.
  const controllable = phone.controls !== false;
  if (phone.link !== 'monitoring') {
    return phone.error ? (
      <p className="phone-unknown subtle" data-testid="phone-unknown" title={phone.gateway ? `CTI gateway ${phone.gateway}` : undefined}>
        {phone.error}
      </p>
    ) : null;
  }
  return (
    <div className="phone-calls" data-testid="phone-calls" aria-live="polite">
      {phone.calls.map((call) => (
        <p key={call.id} className={`call-active call-${call.state}`} data-testid="phone-call" data-state={call.state}>
          <span>
            {controllable || call.peer ? STATE_TEXT[call.state](peerLabel(call.peer, nameOf)) : LINE_TEXT[call.state]}
            {call.state !== 'ringing' && <span className="call-duration"> · {callDuration(now - call.since)}</span>}
          </span>
          {(controllable ? CONTROLS[call.state] : []).map(({ action, label }) => (
            <button key={action} className="call-control" data-testid={`call-${action}`} onClick={() => onControl(action, call.id)}>
              {label}
            </button>
          ))}
          {controllable && call.state !== 'ringing' && (
            <button data-testid="hang-up" onClick={() => onHangUp(call.id)}>
              Hang up
            </button>
          )}
        </p>
      ))}
      {(phone.phoneDnd || phone.forwardTo) && (
        <p className="subtle" data-testid="phone-features">
          {[phone.phoneDnd ? 'Do not disturb is on at your phone' : '', phone.forwardTo ? `Calls forward to ${phone.forwardTo}` : '']
            .filter(Boolean)
            .join(' · ')}
        </p>
      )}
    </div>
  );
}
