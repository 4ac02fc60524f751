import { useEffect, useState } from 'react';
import type { DeskApi } from '../../shared/ipc';
import type { DialRequest } from './DialBox';

/**
 * Keeps the latest "call this number" request from the operating system (`app:open` with
 * `kind: 'call'`). Subscribed from the app's first render, so a request that arrives before the
 * dial box exists (still loading or signing in) is kept for it.
 */
export function useCallRequests(api: DeskApi): DialRequest | undefined {
  const [request, setRequest] = useState<DialRequest | undefined>();
  useEffect(
    () =>
      api.on('app:open', (open) => {
        if (open.kind === 'call' && typeof open.number === 'string') setRequest((r) => ({ number: open.number, seq: (r?.seq ?? 0) + 1 }));
      }),
    [api],
  );
  return request;
}
