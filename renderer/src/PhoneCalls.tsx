import { useEffect, useState } from 'react';
import type { PhoneCall, PhoneState } from '../../shared/domain';
import { useTranslation } from 'react-i18next';
import { CallRow, type CallRowActions } from './CallRow';
import { i18n } from './i18n';

/**
 * A call's line, by its state: a whole sentence with the other party in it, or the sentence
 * for a withheld number (German puts the party elsewhere in the sentence than English).
 */
export function callStateText(state: PhoneCall['state'], peer: string): string {
  if (!peer) return i18n.t(`phone:call.${state}Withheld`);
  return i18n.t(`phone:call.${state}`, { peer });
}

/** A line's state when the other party is not known (a CME router reports the line only). */
export function lineStateText(state: PhoneCall['state']): string {
  return i18n.t(`phone:line.${state}`);
}

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

/**
 * The calls on the user's own phone as the CTI gateway reports them, each with the actions
 * the gateway offers (see `CallRow`). While the gateway cannot be reached the reason is shown
 * instead: the app does not pretend to know.
 */
export function PhoneCalls({ phone, actions, nameOf }: { phone: PhoneState; actions: CallRowActions; nameOf?: (peer: string) => string | undefined }) {
  // Redraws the call lines (composed by `callStateText`) when the language changes.
  const { t } = useTranslation('phone');
  const now = useNow(phone.calls.length > 0);
  // A line watched without call control (a CME router): its state only, no party, no buttons.
  const controllable = phone.controls !== false;
  if (phone.link !== 'monitoring') {
    return phone.error ? (
      <p className="phone-unknown subtle" data-testid="phone-unknown" title={phone.gateway ? t('gateway', { gateway: phone.gateway }) : undefined}>
        {phone.error}
      </p>
    ) : null;
  }
  return (
    <div className="phone-calls" data-testid="phone-calls" aria-live="polite">
      {phone.calls.map((call) => (
        <CallRow
          key={call.id}
          call={call}
          phone={phone}
          label={controllable || call.peer ? callStateText(call.state, call.peer && peerLabel(call.peer, nameOf)) : lineStateText(call.state)}
          {...(call.state !== 'ringing' ? { duration: callDuration(now - call.since) } : {})}
          actions={actions}
        />
      ))}
    </div>
  );
}
