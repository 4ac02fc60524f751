/**
 * REGISTER and un-REGISTER that wait for the registrar's final answer, on top of sip.js's
 * `Registerer`.
 *
 * What sip.js does and what we add (sip.js 0.21, `api/registerer.js`):
 * - refresh: sip.js re-registers after `refreshFrequency`% of the granted interval. Its
 *   default (99%) leaves 6 s of a 600 s registration, less than one UDP request timeout
 *   (32 s), so accounts use {@link REFRESH_PERCENT}; a refresh that fails leaves the
 *   registerer `Unregistered`, which the account treats as a lost link;
 * - 423 Interval Too Brief: sip.js raises its interval to the Min-Expires and sends the
 *   REGISTER again by itself, but without the caller's delegate; the state change to
 *   `Registered` is how we learn the retry worked. A 423 without Min-Expires makes sip.js
 *   give up silently (state `Unregistered`): reported here as a refusal with the reason;
 * - un-REGISTER: sip.js resolves once the request is sent; sign-out waits for the answer
 *   (bounded) so the server stops routing to us before the transport closes.
 */
import { RegistererState, type Registerer } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import { SipError } from '../message/sip-error';
import { realTimers, type Timers } from '../../timers';

/** Refresh at 80% of the granted interval: 120 s of margin at 600 s, 6 s at the 30 s minimum. */
export const REFRESH_PERCENT = 80;

const describe = (response: IncomingResponse) => `${response.message.statusCode} ${response.message.reasonPhrase}`;

/**
 * `onAccepted` is given the registrar's product name (its `Server:` header), which tells how
 * its presence server behaves (presence-path.ts).
 */
export function registerAndWait(
  registerer: Registerer,
  timeoutMs: number,
  log: (line: string) => void = () => {},
  timers: Timers = realTimers,
  onAccepted?: (product: string | undefined) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    let saw423 = false;
    const finish = (error?: SipError) => {
      if (done) return;
      done = true;
      timers.clear(timer);
      registerer.stateChange.removeListener(onState);
      if (error) reject(error);
      else resolve();
    };
    const timer = timers.set(
      () => finish(new SipError('timeout', `The presence server did not answer REGISTER within ${Math.round(timeoutMs / 1000)} s.`)),
      timeoutMs,
    );
    const onState = (state: RegistererState) => {
      if (state === RegistererState.Registered) finish();
      else if (state === RegistererState.Unregistered) {
        // sip.js reports a refusal to the delegate right after this state change; wait one
        // microtask so that specific reason wins over the generic one below.
        queueMicrotask(() =>
          finish(
            saw423
              ? new SipError('sip', 'The presence server refused the registration interval (423 Interval Too Brief without a Min-Expires).', 423)
              : new SipError('sip', "The presence server's answer to REGISTER did not confirm the registration."),
          ),
        );
      }
    };
    registerer.stateChange.addListener(onState);
    registerer
      .register({
        requestDelegate: {
          onAccept: (response) => {
            onAccepted?.(response.message.getHeader('server'));
            finish();
          },
          onReject: (response) => {
            const code = response.message.statusCode;
            if (code === 401 || code === 403 || code === 407) {
              finish(new SipError('auth', `The presence server refused the user name or password (${describe(response)}).`, code));
            } else {
              finish(new SipError('sip', `The presence server refused the registration (${describe(response)}).`, code));
            }
          },
        },
        requestOptions: {},
      })
      .then((request) => {
        // sip.js keeps a 423 to itself; peek at it only to word the outcome and the log.
        const original = request.delegate;
        request.delegate = {
          ...original,
          onReject: (response) => {
            if (response.message.statusCode === 423) {
              saw423 = true;
              const min = response.message.getHeader('min-expires');
              log(`sip: registrar wants a longer registration (423, Min-Expires ${min ?? 'missing'}); registering again${min ? ` for ${min} s` : ''}`);
            }
            original?.onReject?.(response);
          },
        };
      })
      .catch((error: Error) => finish(new SipError('unreachable', `Could not send REGISTER: ${error.message}`)));
  });
}

/** Sends REGISTER with expires 0 and waits (at most `timeoutMs`) for the answer; never throws. */
export function unregisterAndWait(registerer: Registerer, timeoutMs: number, timers: Timers = realTimers): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      timers.clear(timer);
      resolve(ok);
    };
    const timer = timers.set(() => finish(false), timeoutMs);
    try {
      registerer.unregister({ requestDelegate: { onAccept: () => finish(true), onReject: () => finish(false) } }).catch(() => finish(false));
    } catch {
      finish(false);
    }
  });
}
