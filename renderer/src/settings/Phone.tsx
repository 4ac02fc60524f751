import { useEffect, useState } from 'react';
import type { DeskPhonesStatus, PhoneChoice, PhoneOptions } from '../../../shared/domain';
import { errorText } from '../api';
import type { SectionProps } from '.';
import '../dialing.css';

const key = (deviceName: string, line: string) => JSON.stringify([deviceName, line]);

/** Whether the phone's calls are watched (CTI gateway), on which line, or why not. */
function PhoneWatch({ phone }: { phone: SectionProps['snapshot']['phone'] }) {
  const text =
    phone.link === 'monitoring'
      ? `Calls on line ${phone.line} are watched through the CTI gateway ${phone.gateway}: during a call colleagues see you as On the phone.`
      : phone.link === 'not-configured'
        ? (phone.error ?? "The server's configuration names no CTI gateway, so calls on your phone cannot be seen.")
        : (phone.error ?? `Connecting to the CTI gateway ${phone.gateway ?? ''}…`);
  return (
    <p className={phone.link === 'monitoring' ? 'subtle' : 'subtle warning'} data-testid="phone-watch" data-link={phone.link}>
      {text}
    </p>
  );
}

/** Which phone and line calls are placed from, when WebDialer lists several (getProfileSoap). */
export function PhoneSection(props: SectionProps) {
  return (
    <>
      <PhoneChoiceSection {...props} />
      <PhoneWatch phone={props.snapshot.phone} />
      <DevicesStatus {...props} />
      <PhoneOptionsSection {...props} />
    </>
  );
}

function PhoneChoiceSection({ api, onError }: SectionProps) {
  const [choice, setChoice] = useState<PhoneChoice | undefined>();
  useEffect(() => {
    api
      .invoke('dial:devices')
      .then(setChoice)
      .catch((e) => onError(errorText(e).message));
  }, [api, onError]);
  if (!choice) return <p className="subtle">Asking WebDialer for your phones…</p>;
  if (choice.error)
    return (
      <p className="error" data-testid="phone-error">
        {choice.error}
      </p>
    );
  if (choice.devices.length === 0) return <p className="subtle">WebDialer lists no phone for you.</p>;
  const options = choice.devices.flatMap((d) =>
    (d.lines.length ? d.lines : ['']).map((line) => ({ deviceName: d.deviceName, line, lineNumber: line.split(/\s*;/)[0].trim() })),
  );
  const selected = choice.selected ? key(choice.selected.deviceName, choice.selected.lineNumber) : '';
  return (
    <label className="phone-choice">
      Place calls from
      <select
        data-testid="phone-device"
        value={selected}
        onChange={(e) => {
          const [deviceName, lineNumber] = JSON.parse(e.target.value) as [string, string];
          api
            .invoke('dial:set-device', deviceName, lineNumber)
            .then(setChoice)
            .catch((err) => onError(errorText(err).message));
        }}
      >
        {options.map((o) => (
          <option key={key(o.deviceName, o.lineNumber)} value={key(o.deviceName, o.lineNumber)}>
            {o.deviceName}
            {o.line ? ` — line ${o.line}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** CTI or WebDialer for calls (CTI preferred), and the phone's DND tied to the app's. */
function PhoneOptionsSection({ api, onError, snapshot }: SectionProps) {
  const [options, setOptions] = useState<PhoneOptions | undefined>();
  useEffect(() => {
    api
      .invoke('phone:options', {})
      .then(setOptions)
      .catch((e) => onError(errorText(e).message));
  }, [api, onError]);
  if (!options) return null;
  // Shown at once, then as saved (or back as it was, with the reason, when it was not).
  const change = (patch: Partial<PhoneOptions>) => {
    const before = options;
    setOptions({ ...options, ...patch });
    api
      .invoke('phone:options', patch)
      .then(setOptions)
      .catch((e) => {
        setOptions(before);
        onError(errorText(e).message);
      });
  };
  const cti = snapshot.phone.link !== 'not-configured';
  return (
    <fieldset className="phone-options">
      <legend>Place calls through</legend>
      <label>
        <input type="radio" name="call-via" data-testid="call-via-cti" checked={options.callVia === 'cti'} onChange={() => change({ callVia: 'cti' })} />
        The CTI gateway (your desk phone dials at once){cti ? '' : ' — not configured on this server'}
      </label>
      <label>
        <input
          type="radio"
          name="call-via"
          data-testid="call-via-webdialer"
          checked={options.callVia === 'webdialer'}
          onChange={() => change({ callVia: 'webdialer' })}
        />
        WebDialer
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="phone-dnd-follows"
          checked={options.phoneDndFollowsStatus}
          onChange={(e) => change({ phoneDndFollowsStatus: e.target.checked })}
        />
        Do not disturb on the desk phone follows my Do not disturb status, both ways
      </label>
    </fieldset>
  );
}

/** Each of the user's phones as RisPort70 reports it: registered or not, since when, why, address and model. */
function DevicesStatus({ api }: SectionProps) {
  const [status, setStatus] = useState<DeskPhonesStatus | undefined>();
  const read = () => {
    api
      .invoke('phone:devices-status')
      .then(setStatus)
      .catch((e) => setStatus({ devices: [], error: errorText(e).message }));
  };
  useEffect(read, [api]);
  if (!status) return <p className="subtle">Asking the phone system whether your phones are registered…</p>;
  return (
    <div className="phone-devices" data-testid="phone-devices">
      {status.error && <p className="subtle warning">{status.error}</p>}
      <ul>
        {status.devices.map((d) => (
          <li key={d.name} data-testid="phone-device-status" data-registered={d.registered}>
            <strong>{d.name}</strong>
            {d.model ? ` (${d.model})` : ''}: {d.registered ? 'registered' : d.status === 'Unknown' ? 'not known to the phone system' : 'not registered'}
            {d.since ? ` since ${new Date(d.since).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}` : ''}
            {d.reason ? ` — ${d.reason}` : ''}
            {d.ipAddress ? `, at ${d.ipAddress}` : ''}
          </li>
        ))}
      </ul>
      <button className="link" data-testid="phone-devices-refresh" onClick={read}>
        Check again
      </button>
    </div>
  );
}
