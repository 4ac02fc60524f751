import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DialPlan } from '../../shared/domain';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';
import { planText } from './dial-plan-text';

/** What the core answered for one number: its plan, or why it could not say. */
type Hint = { plan: DialPlan } | { failure: string };
/** A call's outcome: what was dialed, or the reason (in the server's or core's words). */
type Outcome = { number: string; ok: true; dialed: string } | { number: string; ok: false; failure: string };

/**
 * Previews and calls for a set of numbers shown somewhere (contact card, Recent): the hover
 * text "will dial 9… (rule '…')" is asked for once per number, and a call's outcome is kept
 * per number so the place that was clicked shows it. The answers are kept as facts and put
 * into words at each render, so that the texts follow a change of language at once.
 */
export function useCall(api: DeskApi) {
  const { t, i18n } = useTranslation('phone');
  const [answers, setAnswers] = useState<Record<string, Hint>>({});
  const [result, setResult] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState(false);

  const preview = useCallback(
    (number: string) => {
      if (answers[number]) return;
      api
        .invoke('dial:preview', number)
        .then((plan) => setAnswers((h) => ({ ...h, [number]: { plan } })))
        .catch((e) => setAnswers((h) => ({ ...h, [number]: { failure: errorText(e).message } })));
    },
    [api, answers],
  );

  const call = useCallback(
    async (number: string) => {
      setBusy(true);
      setResult(undefined);
      try {
        const entry = await api.invoke('dial:call', number);
        setResult({ number, ok: true, dialed: entry.dialed ?? number });
      } catch (e) {
        setResult({ number, ok: false, failure: errorText(e).message });
      } finally {
        setBusy(false);
      }
    },
    [api],
  );

  const clear = useCallback(() => setResult(undefined), []);

  // Kept stable between renders (App times the outcome out by its identity), anew when the answers or the language change.
  const language = i18n.language;
  const hints = useMemo(() => {
    const texts: Record<string, { text: string; error: boolean }> = {};
    for (const [number, hint] of Object.entries(answers)) {
      texts[number] = 'plan' in hint ? { text: planText(hint.plan), error: !!hint.plan.error } : { text: hint.failure, error: true };
    }
    return texts;
  }, [answers, language]); // planText reads the language: it is a dependency too
  const outcome = useMemo(
    () => result && { number: result.number, ok: result.ok, text: result.ok ? t('dial.calling', { number: result.dialed }) : result.failure },
    [result, t],
  );

  return { hints, preview, call, outcome, busy, clear };
}
