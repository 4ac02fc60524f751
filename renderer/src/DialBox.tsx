import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DialPlan, PhoneState, ServerCertificate } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { CertificatePrompt } from './CertificatePrompt';
import { planText, planWhy } from './dial-plan-text';
import { i18n } from './i18n';
import { PhoneCalls } from './PhoneCalls';
import './dialing.css';

/** A number the operating system asked to call (a tel: link); `seq` tells repeats apart. */
export interface DialRequest {
  number: string;
  seq: number;
}

/**
 * Type or paste a number: a live preview says what will be dialed and by which rule. A tel:
 * request from the system fills it in and focuses it; the user still confirms the call.
 * Below it, the calls on the user's phone as the CTI gateway reports them, with Hang up.
 * Without a CTI gateway the app cannot see the phone: after a call is placed here, from a
 * contact card, Recent or an IM, it offers Hang up for that call.
 */
export function DialBox({
  api,
  request,
  phone,
  nameOf,
  numberOf,
  voicemailPilot,
}: {
  api: DeskApi;
  request?: DialRequest;
  phone: PhoneState;
  nameOf?: (peer: string) => string | undefined;
  /** A contact's name and first number, by address (a contact dropped on a call). */
  numberOf?: (uri: string) => { name: string; number?: string } | undefined;
  /** The voicemail pilot number from the server's configuration: "Call voicemail" dials it through the rules. */
  voicemailPilot?: string;
}) {
  const { t } = useTranslation(['phone', 'common']);
  const [number, setNumber] = useState('');
  const [plan, setPlan] = useState<DialPlan | undefined>();
  // Our own messages are kept as a way to say them (with `i18n.t`, not the render's fixed `t`), so that they follow a change of language.
  const [result, setResult] = useState<{ ok: boolean; text: string | (() => string); certificate?: ServerCertificate } | undefined>();
  const [busy, setBusy] = useState(false);
  const [active, setActive] = useState<{ dialed: string } | undefined>();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!request) return;
    setNumber(request.number);
    setResult(undefined);
    input.current?.focus();
  }, [request]);

  useEffect(
    () =>
      api.on('recent:added', (entry) => {
        if (entry.kind === 'call' && entry.source === 'local') setActive({ dialed: entry.dialed ?? entry.target });
      }),
    [api],
  );

  useEffect(() => {
    let current = true;
    if (!number.trim()) {
      setPlan(undefined);
      return;
    }
    api
      .invoke('dial:preview', number)
      .then((p) => current && setPlan(p))
      .catch(() => current && setPlan(undefined));
    return () => {
      current = false;
    };
  }, [api, number]);

  /** Dials `what`; `voicemail` names the pilot number in the outcome line instead of the digits dialed. */
  const call = async (what = number, voicemail?: string) => {
    setBusy(true);
    setResult(undefined);
    try {
      const entry = await api.invoke('dial:call', what);
      const dialed = entry.dialed ?? what;
      setResult({
        ok: true,
        text: () => (voicemail ? i18n.t('phone:dial.callingVoicemail', { number: voicemail }) : i18n.t('phone:dial.calling', { number: dialed })),
      });
      if (what === number) setNumber('');
    } catch (e) {
      const error = errorText(e);
      setResult({ ok: false, text: error.message, ...(error.code === 'tls' && error.certificate ? { certificate: error.certificate } : {}) });
    } finally {
      setBusy(false);
    }
  };

  const hangUp = async (callId?: string) => {
    try {
      await api.invoke('dial:hang-up', ...(callId ? [callId] : []));
      setActive(undefined);
      setResult({ ok: true, text: () => i18n.t('phone:dial.ended') });
    } catch (e) {
      setResult({ ok: false, text: errorText(e).message });
    }
  };

  return (
    <div className="dial-box">
      <div className="dial-row">
        <input
          ref={input}
          data-testid="dial-input"
          aria-label={t('phone:dial.numberLabel')}
          placeholder={t('phone:dial.placeholder')}
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && plan && !plan.error && void call()}
        />
        <button data-testid="dial-call" onClick={() => void call()} disabled={busy || !plan || !!plan.error}>
          {t('common:call')}
        </button>
        {voicemailPilot && (
          <button
            data-testid="call-voicemail"
            title={t('phone:dial.voicemailPilot', { number: voicemailPilot })}
            onClick={() => void call(voicemailPilot, voicemailPilot)}
            disabled={busy}
          >
            {t('phone:dial.callVoicemail')}
          </button>
        )}
      </div>
      {plan && (
        <p className={`dial-preview ${plan.error ? 'dial-preview-error' : ''}`} data-testid="dial-preview" title={planWhy(plan)}>
          {planText(plan)}
        </p>
      )}
      {result && (
        <p className={result.ok ? 'dial-ok' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid="dial-result" data-ok={result.ok}>
          {typeof result.text === 'function' ? result.text() : result.text}
        </p>
      )}
      {result?.certificate && (
        <CertificatePrompt key={result.certificate.fingerprint256} api={api} certificate={result.certificate} onTrusted={() => void call()} />
      )}
      <PhoneCalls
        phone={phone}
        nameOf={nameOf}
        actions={{
          hangUp: (callId) => void hangUp(callId),
          control: (action, callId) => void api.invoke('phone:control', action, callId).catch((e) => setResult({ ok: false, text: errorText(e).message })),
          request: (req) =>
            void api
              .invoke('phone:request', req)
              .then(() => setResult(undefined))
              .catch((e) => setResult({ ok: false, text: errorText(e).message })),
          error: (text) => setResult({ ok: false, text }),
          ...(numberOf ? { numberOf } : {}),
        }}
      />
      {active && phone.link !== 'monitoring' && (
        <p className="call-active" data-testid="call-active">
          <span>{t('phone:dial.onThePhone', { number: active.dialed })}</span>
          <button data-testid="hang-up" onClick={() => void hangUp()}>
            {t('phone:action.hangUp')}
          </button>
        </p>
      )}
    </div>
  );
}
