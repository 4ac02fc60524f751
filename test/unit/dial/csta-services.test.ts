/**
 * The CSTA service messages beyond monitoring: the shapes other gateways use for the same
 * answers (prefixes, empty feature elements, several forwarding types), the guide's error
 * conditions in words, and the checks made before a request is sent.
 */
import { describe, expect, it } from 'vitest';
import {
  cstaErrorWords,
  readDoNotDisturb,
  readFeatures,
  readForwarding,
  readResponseCallId,
  readSystemStatus,
  setForwardingXml,
} from '../../../core/dial/csta-services';
import { CSTA_NS, parseCstaMessage } from '../../../core/dial/csta-xml';
import { PhoneServices } from '../../../core/dial/phone-services';
import type { CstaMessage } from '../../../core/dial/csta-xml';
import type { PhoneCall } from '../../../shared/domain';

const body = (xml: string) => {
  const m = parseCstaMessage(xml);
  if (m.type !== 'response') throw new Error('not a response');
  return m.body;
};

describe('CSTA service answers', () => {
  it('reads features written as empty elements or as booleans, with any prefix, and skips those marked false', () => {
    const features = body(
      `<csta:GetCSTAFeaturesResponse xmlns:csta="${CSTA_NS}"><csta:supportedServices><csta:callControlServList><csta:makeCall/><csta:holdCall>true</csta:holdCall>` +
        `<csta:conferenceCall>false</csta:conferenceCall></csta:callControlServList><csta:logicalServList><csta:setDoNotDisturb/></csta:logicalServList>` +
        `<csta:vendorThing/></csta:supportedServices></csta:GetCSTAFeaturesResponse>`,
    );
    expect(readFeatures(features)).toEqual(['makeCall', 'holdCall', 'setDoNotDisturb']);
  });

  it('reads forwarding (immediate only), DND, system status and the call a response names', () => {
    const forwarding = body(
      `<GetForwardingResponse xmlns="${CSTA_NS}"><forwardingList><forwardListItem><forwardingType>forwardBusy</forwardingType><forwardStatus>true</forwardStatus><forwardDN>8000</forwardDN></forwardListItem>` +
        `<forwardListItem><forwardingType>forwardImmediate</forwardingType><forwardStatus>true</forwardStatus><forwardDN>5550101</forwardDN></forwardListItem></forwardingList></GetForwardingResponse>`,
    );
    expect(readForwarding(forwarding)).toBe('5550101');
    expect(readForwarding(body(`<GetForwardingResponse xmlns="${CSTA_NS}"><forwardingList/></GetForwardingResponse>`))).toBeUndefined();
    expect(readDoNotDisturb(body(`<GetDoNotDisturbResponse xmlns="${CSTA_NS}"><doNotDisturbOn>1</doNotDisturbOn></GetDoNotDisturbResponse>`))).toBe(true);
    expect(readSystemStatus(body(`<RequestSystemStatusResponse xmlns="${CSTA_NS}"><systemStatus>disabled</systemStatus></RequestSystemStatusResponse>`))).toBe(
      'disabled',
    );
    expect(
      readResponseCallId(
        body(`<MakeCallResponse xmlns="${CSTA_NS}"><callingDevice><callID>42</callID><deviceID>1000</deviceID></callingDevice></MakeCallResponse>`),
        'callingDevice',
      ),
    ).toBe('42');
    expect(setForwardingXml('1000', undefined)).toContain('<activateForward>false</activateForward>');
    expect(setForwardingXml('1000', undefined)).not.toContain('forwardDN');
  });

  it('says every error condition of the guide in words, keeping the code', () => {
    const guide = [
      'serviceNotSupported',
      'invalidMonitorObjectType',
      'invalidCrossReferenceIdentifier',
      'invalidCallingDeviceIdentifier',
      'invalidCalledDeviceIdentifier',
      'noCallToAnswer',
      'invalidConnectionIdentifier',
      'invalidConnectionState',
      'noConnectionToClear',
      'invalidDestination',
      'invalidDestinationDeviceObject',
      'invalidDivertingDeviceIdentifier',
      'invalidHeldDeviceIdentifier',
      'invalidHeldDeviceState',
      'NoHeldCall',
      'invalidParameterValue',
      'invalidForwardingDestination',
    ];
    for (const code of guide) expect(cstaErrorWords(`operation: ${code}`)).toMatch(new RegExp(`^[a-z].* \\(operation: ${code}\\)$`));
    expect(cstaErrorWords('vendor: somethingElse')).toBe('vendor: somethingElse');
  });
});

describe('checks before a request is sent', () => {
  const calls: PhoneCall[] = [
    { id: '1', state: 'ringing', peer: '5550001', direction: 'in', since: 0 },
    { id: '2', state: 'talking', peer: '5550002', direction: 'out', since: 0 },
  ];
  const sent: string[] = [];
  const invoke = async (_xml: string, what: string): Promise<CstaMessage> => {
    sent.push(what);
    return { type: 'response', name: `${what}Response`, body: {} };
  };
  const services = new PhoneServices(
    invoke,
    '1000',
    () => calls,
    () => ['makeCall', 'deflectCall', 'transferCall', 'generateDigits'],
  );

  it('refuses in words what cannot work, and sends nothing', async () => {
    await expect(services.perform({ service: 'deflectCall', callId: '2', to: '1001' })).rejects.toThrow(
      'That call is talking: only a ringing call can be sent elsewhere.',
    );
    await expect(services.perform({ service: 'transferCall', heldCallId: '1', activeCallId: '2' })).rejects.toThrow('the first call must be on hold');
    await expect(services.perform({ service: 'generateDigits', callId: '9', digits: '1' })).rejects.toThrow('That call has already ended.');
    await expect(services.perform({ service: 'singleStepTransferCall', callId: '2', to: '1001' })).rejects.toThrow(
      'Your phone system does not offer transfer (the CTI gateway does not list singleStepTransferCall).',
    );
    await expect(services.perform({ service: 'makeCall', number: 'alice' })).rejects.toThrow('"alice" is not a number the phone can dial');
    expect(sent).toEqual([]);
    await services.perform({ service: 'deflectCall', callId: '1', to: '+1 (408) 555-0101' });
    expect(sent).toEqual(['DeflectCall']);
  });
});
