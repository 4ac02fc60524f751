import { useCallback, useState } from 'react';
import type { DeskApi } from '../../shared/ipc';
import { errorText } from './api';

/**
 * Previews and calls for a set of numbers shown somewhere (contact card, Recent): the hover
 * text "will dial 9… (rule '…')" is asked for once per number, and a call's outcome is kept
 * per number so the place that was clicked shows it.
 */
export function useCall(api: DeskApi) {
  const [hints, setHints] = useState<Record<string, { text: string; error: boolean }>>({});
  const [outcome, setOutcome] = useState<{ number: string; ok: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  const preview = useCallback(
    (number: string) => {
      if (hints[number]) return;
      api
        .invoke('dial:preview', number)
        .then((plan) => setHints((h) => ({ ...h, [number]: { text: plan.error ?? plan.explanation, error: !!plan.error } })))
        .catch((e) => setHints((h) => ({ ...h, [number]: { text: errorText(e).message, error: true } })));
    },
    [api, hints],
  );

  const call = useCallback(
    async (number: string) => {
      setBusy(true);
      setOutcome(undefined);
      try {
        const entry = await api.invoke('dial:call', number);
        setOutcome({ number, ok: true, text: `Calling ${entry.dialed ?? number} on your phone…` });
      } catch (e) {
        setOutcome({ number, ok: false, text: errorText(e).message });
      } finally {
        setBusy(false);
      }
    },
    [api],
  );

  const clear = useCallback(() => setOutcome(undefined), []);

  return { hints, preview, call, outcome, busy, clear };
}
