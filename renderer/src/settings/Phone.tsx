import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeskPhoneStatus, DeskPhonesStatus, PhoneChoice, PhoneOptions } from '../../../shared/domain';
import { errorText } from '../api';
import { formatDateTime } from '../i18n';
import type { SectionProps } from '.';
import '../dialing.css';

const key = (deviceName: string, line: string) => JSON.stringify([deviceName, line]);

/** Whether the phone's calls are watched (CTI gateway), on which line, or why not. */
function PhoneWatch({ phone }: { phone: SectionProps['snapshot']['phone'] }) {
  const { t } = useTranslation(['phone', 'common']);
  const text =
    phone.link === 'monitoring'
      ? t('settings.watch.monitoring', { line: phone.line, gateway: phone.gateway, status: t('common:availability.on-the-phone') })
      : phone.link === 'not-configured'
        ? (phone.error ?? t('settings.watch.notConfigured'))
        : (phone.error ?? (phone.gateway ? t('settings.watch.connecting', { gateway: phone.gateway }) : t('settings.watch.connectingUnnamed')));
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
  const { t } = useTranslation('phone');
  const [choice, setChoice] = useState<PhoneChoice | undefined>();
  useEffect(() => {
    api
      .invoke('dial:devices')
      .then(setChoice)
      .catch((e) => onError(errorText(e).message));
  }, [api, onError]);
  if (!choice) return <p className="subtle">{t('settings.choice.asking')}</p>;
  if (choice.error)
    return (
      <p className="error" data-testid="phone-error">
        {choice.error}
      </p>
    );
  if (choice.devices.length === 0) return <p className="subtle">{t('settings.choice.none')}</p>;
  const options = choice.devices.flatMap((d) =>
    (d.lines.length ? d.lines : ['']).map((line) => ({ deviceName: d.deviceName, line, lineNumber: line.split(/\s*;/)[0].trim() })),
  );
  const selected = choice.selected ? key(choice.selected.deviceName, choice.selected.lineNumber) : '';
  return (
    <label className="phone-choice">
      {t('settings.choice.label')}
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
            {o.line ? t('settings.choice.deviceLine', { device: o.deviceName, line: o.line }) : o.deviceName}
          </option>
        ))}
      </select>
    </label>
  );
}

/** CTI or WebDialer for calls (CTI preferred), and the phone's DND tied to the app's. */
function PhoneOptionsSection({ api, onError, snapshot }: SectionProps) {
  const { t } = useTranslation('phone');
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
      <legend>{t('settings.via.legend')}</legend>
      <label>
        <input type="radio" name="call-via" data-testid="call-via-cti" checked={options.callVia === 'cti'} onChange={() => change({ callVia: 'cti' })} />
        {cti ? t('settings.via.cti') : t('settings.via.ctiNotConfigured')}
      </label>
      <label>
        <input
          type="radio"
          name="call-via"
          data-testid="call-via-webdialer"
          checked={options.callVia === 'webdialer'}
          onChange={() => change({ callVia: 'webdialer' })}
        />
        {t('settings.via.webDialer')}
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="phone-dnd-follows"
          checked={options.phoneDndFollowsStatus}
          onChange={(e) => change({ phoneDndFollowsStatus: e.target.checked })}
        />
        {t('settings.via.dndFollows')}
      </label>
    </fieldset>
  );
}

/** Each of the user's phones as RisPort70 reports it: registered or not, since when, why, address and model. */
function DevicesStatus({ api }: SectionProps) {
  const { t } = useTranslation('phone');
  const [status, setStatus] = useState<DeskPhonesStatus | undefined>();
  const read = () => {
    api
      .invoke('phone:devices-status')
      .then(setStatus)
      .catch((e) => setStatus({ devices: [], error: errorText(e).message }));
  };
  useEffect(read, [api]);
  /** "registered since 2 Dec 2026, 10:42": one phrase, so that the date sits where the language wants it. */
  const registration = (d: DeskPhoneStatus) => {
    const state = d.registered ? 'registered' : d.status === 'Unknown' ? 'unknown' : 'unregistered';
    return d.since ? t(`settings.devices.${state}Since`, { since: formatDateTime(d.since) }) : t(`settings.devices.${state}`);
  };
  if (!status) return <p className="subtle">{t('settings.devices.asking')}</p>;
  return (
    <div className="phone-devices" data-testid="phone-devices">
      {status.error && <p className="subtle warning">{status.error}</p>}
      <ul>
        {status.devices.map((d) => (
          <li key={d.name} data-testid="phone-device-status" data-registered={d.registered}>
            <strong>{d.name}</strong>
            {d.model ? ` (${d.model})` : ''}: {d.reason ? t('settings.devices.withReason', { state: registration(d), reason: d.reason }) : registration(d)}
            {d.ipAddress ? `, ${t('settings.devices.address', { address: d.ipAddress })}` : ''}
          </li>
        ))}
      </ul>
      <button className="link" data-testid="phone-devices-refresh" onClick={read}>
        {t('settings.devices.checkAgain')}
      </button>
    </div>
  );
}
