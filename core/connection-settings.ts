/**
 * The Connection settings behind IPC: SOAP time limit and response cap (used from the next
 * sign-in), and the certificates the user trusted, which can be forgotten. Certificate
 * material never goes to the renderer, only what identifies it.
 */
import type { ConnectionSettings } from '../shared/domain';
import type { InvokeHandlers } from '../shared/ipc';
import { DeskError } from './errors';
import type { SettingsStore } from './store/settings';

export type ConnectionChannel = 'connection:get' | 'connection:set' | 'tls:forget';

export function connectionSettings(settings: SettingsStore): ConnectionSettings {
  const s = settings.get();
  return {
    soapTimeoutSeconds: s.soapTimeoutSeconds,
    soapMaxResponseMB: s.soapMaxResponseMB,
    trustedCertificates: s.trustedCertificates.map(({ pem: _pem, ...shown }) => shown),
  };
}

function whole(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new DeskError('invalid-input', `${what} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function connectionHandlers(settings: SettingsStore, log: (line: string) => void): Pick<InvokeHandlers, ConnectionChannel> {
  return {
    'connection:get': () => connectionSettings(settings),
    'connection:set': (patch) => {
      const next: { soapTimeoutSeconds?: number; soapMaxResponseMB?: number } = {};
      if (patch?.soapTimeoutSeconds !== undefined) next.soapTimeoutSeconds = whole(patch.soapTimeoutSeconds, 1, 300, 'The SOAP time limit (seconds)');
      if (patch?.soapMaxResponseMB !== undefined) next.soapMaxResponseMB = whole(patch.soapMaxResponseMB, 1, 100, 'The largest SOAP answer (MB)');
      settings.update(next);
      return connectionSettings(settings);
    },
    'tls:forget': (hostPort) => {
      const before = settings.get().trustedCertificates;
      if (!before.some((c) => c.hostPort === hostPort)) throw new DeskError('invalid-input', `No certificate is trusted for ${String(hostPort).slice(0, 300)}.`);
      settings.update({ trustedCertificates: before.filter((c) => c.hostPort !== hostPort) });
      log(`tls: the user no longer trusts the certificate for ${hostPort}`);
      return connectionSettings(settings);
    },
  };
}
