import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CstaService, PhoneAction, PhoneCall, PhoneRequest, PhoneState } from '../../shared/domain';
import { CONTACT_DRAG_TYPE } from './contact-drag';

/**
 * Whether the gateway offers a service (a gateway that did not say is asked, and refuses in
 * words). A line watched without call control (a CME router) offers none.
 */
export const offers = (phone: PhoneState, service: CstaService) => phone.controls !== false && (!phone.services || phone.services.includes(service));

export interface CallRowActions {
  control: (action: PhoneAction, callId: string) => void;
  request: (request: PhoneRequest) => void;
  hangUp: (callId: string) => void;
  /** A contact's number to transfer to, by SIP address; undefined when they have none. */
  numberOf?: (uri: string) => { name: string; number?: string } | undefined;
  error: (text: string) => void;
}

type Entry = 'transfer' | 'consult' | 'deflect';
/** The entry's button and its field's label, by key in the phone namespace. */
const ENTRY_LABEL = { transfer: 'entry.transfer', consult: 'entry.consult', deflect: 'entry.deflect' } as const;
const ENTRY_FIELD = { transfer: 'entry.transferNumber', consult: 'entry.consultNumber', deflect: 'entry.deflectNumber' } as const;
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/**
 * One call's actions, each only when the gateway offers it: Answer / Send to voicemail / Send
 * to… (ringing); Hold, Transfer…, Consult…, Keypad (in progress); Resume (held); with a held
 * and an active call, Complete transfer, Conference, Swap and Hang up and resume. A contact
 * dropped on the row takes the call (single-step transfer, or deflection while it rings). Keys
 * on the focused row: A answer, V voicemail, D send to, H hold/resume, T transfer, O consult,
 * C conference, S swap, R hang up and resume, K keypad, X hang up; digits while the keypad is
 * open send tones.
 */
export function CallRow({
  call,
  phone,
  label,
  duration,
  actions,
}: {
  call: PhoneCall;
  phone: PhoneState;
  label: string;
  duration?: string;
  actions: CallRowActions;
}) {
  const { t } = useTranslation('phone');
  const [entry, setEntry] = useState<Entry | undefined>();
  const [target, setTarget] = useState('');
  const [keypad, setKeypad] = useState(false);
  const [dropping, setDropping] = useState(false);
  const row = useRef<HTMLDivElement>(null);
  const held = phone.calls.find((c) => c.state === 'held' && c.id !== call.id);
  const inProgress = call.state === 'talking' || call.state === 'dialing';
  // A line watched without call control (a CME router): its state only, no Hang up either.
  const controllable = phone.controls !== false;
  const can = (service: CstaService) => offers(phone, service);

  const send = (to: string, kind: Entry) => {
    if (!to.trim()) return;
    if (kind === 'deflect') actions.request({ service: 'deflectCall', callId: call.id, to });
    else if (kind === 'transfer') actions.request({ service: 'singleStepTransferCall', callId: call.id, to });
    else actions.request({ service: 'consultationCall', callId: call.id, to });
    setEntry(undefined);
    setTarget('');
  };
  const digits = (d: string) => actions.request({ service: 'generateDigits', callId: call.id, digits: d });

  const buttons: Array<{ id: string; label: string; key?: string; run: () => void; show: boolean }> = [
    {
      id: 'call-answer',
      label: t('action.answer'),
      key: 'A',
      run: () => actions.control('answer', call.id),
      show: call.state === 'ringing' && can('answerCall'),
    },
    {
      id: 'call-voicemail',
      label: t('action.toVoicemail'),
      key: 'V',
      run: () => actions.request({ service: 'deflectCall', callId: call.id, to: 'voicemail' }),
      show: call.state === 'ringing' && can('deflectCall'),
    },
    { id: 'call-deflect', label: t('action.sendTo'), key: 'D', run: () => setEntry('deflect'), show: call.state === 'ringing' && can('deflectCall') },
    { id: 'call-hold', label: t('action.hold'), key: 'H', run: () => actions.control('hold', call.id), show: call.state === 'talking' && can('holdCall') },
    {
      id: 'call-retrieve',
      label: t('action.resume'),
      key: 'H',
      run: () => actions.control('retrieve', call.id),
      show: call.state === 'held' && can('retrieveCall'),
    },
    { id: 'call-transfer', label: t('action.transfer'), key: 'T', run: () => setEntry('transfer'), show: inProgress && !held && can('singleStepTransferCall') },
    {
      id: 'call-consult',
      label: t('action.consult'),
      key: 'O',
      run: () => setEntry('consult'),
      show: call.state === 'talking' && !held && can('consultationCall'),
    },
    {
      id: 'call-complete-transfer',
      label: t('action.completeTransfer'),
      key: 'T',
      run: () => held && actions.request({ service: 'transferCall', heldCallId: held.id, activeCallId: call.id }),
      show: inProgress && !!held && can('transferCall'),
    },
    {
      id: 'call-conference',
      label: t('action.conference'),
      key: 'C',
      run: () => held && actions.request({ service: 'conferenceCall', heldCallId: held.id, activeCallId: call.id }),
      show: call.state === 'talking' && !!held && can('conferenceCall'),
    },
    {
      id: 'call-swap',
      label: t('action.swap'),
      key: 'S',
      run: () => held && actions.request({ service: 'alternateCall', activeCallId: call.id, heldCallId: held.id }),
      show: call.state === 'talking' && !!held && can('alternateCall'),
    },
    {
      id: 'call-reconnect',
      label: t('action.hangUpAndResume'),
      key: 'R',
      run: () => held && actions.request({ service: 'reconnectCall', activeCallId: call.id, heldCallId: held.id }),
      show: inProgress && !!held && can('reconnectCall'),
    },
    {
      id: 'call-keypad',
      label: keypad ? t('action.hideKeypad') : t('action.keypad'),
      key: 'K',
      run: () => setKeypad((k) => !k),
      show: call.state === 'talking' && can('generateDigits'),
    },
  ];
  const shown = buttons.filter((b) => b.show);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== row.current || e.ctrlKey || e.metaKey || e.altKey) return;
    if (keypad && /^[0-9*#]$/.test(e.key)) {
      e.preventDefault();
      digits(e.key);
      return;
    }
    const key = e.key.toUpperCase();
    if (key === 'X' && controllable && call.state !== 'ringing') {
      e.preventDefault();
      actions.hangUp(call.id);
      return;
    }
    const hit = shown.find((b) => b.key === key);
    if (hit) {
      e.preventDefault();
      hit.run();
    } else if (e.key === 'Escape') {
      setEntry(undefined);
      setKeypad(false);
    }
  };

  const accepts = call.state !== 'dialing' && can(call.state === 'ringing' ? 'deflectCall' : 'singleStepTransferCall');
  return (
    <div
      ref={row}
      tabIndex={0}
      className={`call-active call-${call.state}${dropping ? ' call-drop' : ''}`}
      data-testid="phone-call"
      data-state={call.state}
      data-call-id={call.id}
      aria-label={duration ? t('call.withDuration', { label, duration }) : label}
      aria-keyshortcuts={shown
        .map((b) => b.key)
        .filter(Boolean)
        .join(' ')}
      onKeyDown={onKeyDown}
      onDragOver={(e) => {
        if (!accepts || !e.dataTransfer.types.includes(CONTACT_DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => {
        setDropping(false);
        const raw = e.dataTransfer.getData(CONTACT_DRAG_TYPE);
        if (!accepts || !raw) return;
        e.preventDefault();
        const uri = (JSON.parse(raw) as { uri?: string }).uri ?? '';
        const who = actions.numberOf?.(uri);
        if (!who?.number) return actions.error(t('call.noNumber', { name: who?.name ?? uri }));
        send(who.number, call.state === 'ringing' ? 'deflect' : 'transfer');
      }}
    >
      <p className="call-line">
        <span>
          {label}
          {duration && <span className="call-duration"> {t('call.duration', { duration })}</span>}
        </span>
        {shown.map((b) => (
          <button
            key={b.id}
            className="call-control"
            data-testid={b.id}
            title={b.key ? t('action.withKey', { action: b.label, key: b.key }) : b.label}
            onClick={b.run}
          >
            {b.label}
          </button>
        ))}
        {controllable && call.state !== 'ringing' && (
          <button data-testid="hang-up" title={t('action.withKey', { action: t('action.hangUp'), key: 'X' })} onClick={() => actions.hangUp(call.id)}>
            {t('action.hangUp')}
          </button>
        )}
      </p>
      {entry && (
        <form
          className="call-entry"
          onSubmit={(e) => {
            e.preventDefault();
            send(target, entry);
          }}
        >
          <input
            autoFocus
            data-testid="call-target"
            aria-label={t(ENTRY_FIELD[entry])}
            placeholder={t(ENTRY_FIELD[entry])}
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setEntry(undefined)}
          />
          <button data-testid="call-target-go" type="submit" disabled={!target.trim()}>
            {t(ENTRY_LABEL[entry])}
          </button>
        </form>
      )}
      {keypad && (
        <div className="call-keypad" role="group" aria-label={t('keypad')} data-testid="call-keypad">
          {KEYS.map((k) => (
            <button key={k} data-testid={`dtmf-${k === '*' ? 'star' : k === '#' ? 'hash' : k}`} onClick={() => digits(k)}>
              {k}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
