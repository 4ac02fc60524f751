/**
 * What the server offers this user, from its licences (`get-licensing-features`) and system
 * configuration (`IM.enable`, the voicemail pilot, MeetingPlace): each feature on, or off with a
 * sentence saying why, so the UI can hide or disable it and tell the user.
 */
import type { FeatureState, ServerFeatures } from '../../shared/domain';
import type { Licensing } from '../cups';
import { xsBoolean } from '../xml/safe-xml';

const on: FeatureState = { available: true };
const off = (reason: string): FeatureState => ({ available: false, reason });

export function serverFeatures(licensing: Licensing, properties: Readonly<Record<string, string>>): ServerFeatures {
  const imSwitch = xsBoolean(properties['IM.enable']);
  const pilot = properties['VoiceMail.PilotNumber']?.trim() ?? '';
  const meetingHost = properties['MeetingPlace.Primary.Address']?.trim() ?? '';
  const meetingPort = properties['MeetingPlace.Primary.Port']?.trim();
  const meetingProtocol = (properties['MeetingPlace.Primary.Protocol']?.trim() || 'HTTPS').toLowerCase();
  return {
    im: !licensing.im
      ? off('Instant messaging is not licensed for your account on this server.')
      : imSwitch === false
        ? off('Instant messaging is turned off on the server by the administrator.')
        : on,
    audio: licensing.audio ? on : off('Audio calls are not licensed for your account on this server.'),
    video: licensing.video ? on : off('Video calls are not licensed for your account on this server.'),
    voicemail: pilot ? { available: true, pilot } : off('The server names no voicemail pilot number.'),
    meeting: meetingHost
      ? { available: true, server: `${meetingProtocol === 'http' ? 'http' : 'https'}://${meetingHost}${meetingPort ? `:${meetingPort}` : ''}` }
      : off('The server names no MeetingPlace server.'),
  };
}
