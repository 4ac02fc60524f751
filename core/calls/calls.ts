/**
 * Calls: click-to-dial through the server's dialing rules and WebDialer, the user's own phone
 * line through the CTI gateway (its state, answer/hold/hang-up), and recent communications.
 * The protocol pieces are core/dial/* and core/dialing/*; this service wires them to a
 * signed-in connection and to IPC.
 */
import { randomUUID } from 'node:crypto';
import type { PhoneChoice, PhoneOptions, PhoneRequest, PhoneRequestResult, PhoneState, RecentEntry } from '../../shared/domain';
import { PHONE_ACTIONS, type PhoneAction } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import type { AllConfig, SystemConfig } from '../cups';
import { ClickToDial, DeskPhone, WebDialer, type CallBackend } from '../dial';
import { callControlServers } from '../dial/call-control';
import { OwnPhone, PHONE_NOT_CONFIGURED, type OwnPhoneOptions } from '../dial/own-phone';
import { RisPort } from '../dial/risport';
import { DeskPhoneStatusWatch } from './desk-phone-status';
import { applyDialingRules, orderRules } from '../dialing';
import { DeskError, toAppError } from '../errors';
import type { TraceRecorder } from '../diagnostics';
import type { CertificateTrust } from '../cups/tls-trust';
import { requireConnection, type Connection, type SessionContext } from '../session/connection';

export type CallsChannel =
  | 'dial:preview'
  | 'dial:call'
  | 'recent:list'
  | 'dial:hang-up'
  | 'phone:control'
  | 'phone:request'
  | 'phone:options'
  | 'phone:devices-status'
  | 'dial:devices'
  | 'dial:set-device'
  | 'dial:rules'
  | 'dial:preview-directory';

export interface CallsOptions {
  trace: TraceRecorder;
  /** SOAP limits and the user's certificate trust (WebDialer shares them with CUPS). */
  soap: () => { timeoutMs: number; maxResponseBytes: number; trust: CertificateTrust };
  /** Timing of the CTI link to the phone (tests shorten the retry). */
  ctiLink?: OwnPhoneOptions['link'];
  /** The phone line changed (OwnPresence shows "On the phone"). */
  onPhone: (state: PhoneState) => void;
}

interface Line {
  connection: Connection;
  dialer: ClickToDial;
  /** WebDialer, when the configuration names one. */
  phone?: DeskPhone;
  /** The user's own line watched through the CTI gateway (calls → "on the phone"). */
  ownPhone: OwnPhone;
  /** Calls placed in this session, newest first. */
  recent: RecentEntry[];
  /** The user's phones' registration (RisPort70 on the WebDialer server). */
  status?: DeskPhoneStatusWatch;
}

export class Calls {
  readonly handlers: Pick<InvokeHandlers, CallsChannel>;
  private line: Line | undefined;
  private phoneState: PhoneState = PHONE_NOT_CONFIGURED;

  constructor(
    private readonly context: SessionContext,
    private readonly options: CallsOptions,
  ) {
    this.handlers = {
      'dial:preview': (number) => this.require().dialer.preview(number),
      'dial:call': (number) => this.placeCall(number),
      'recent:list': () => this.recent(),
      'dial:hang-up': (callId) => this.hangUp(typeof callId === 'string' ? callId : undefined),
      'phone:control': (action, callId) => this.phoneControl(action, callId),
      'phone:request': (request) => this.phoneRequest(request),
      'phone:devices-status': () => {
        const status = this.require().status;
        return status
          ? status.status()
          : { devices: [], error: "The server's configuration names no call-control server (CallControl.*), so your phones' registration cannot be read." };
      },
      'phone:options': (patch) => {
        if (Object.keys(patch).length) this.context.settings.update(patch);
        const { callVia, phoneDndFollowsStatus } = this.context.settings.get();
        return { callVia, phoneDndFollowsStatus } satisfies PhoneOptions;
      },
      'dial:devices': () => this.phoneChoice(),
      'dial:set-device': (deviceName, lineNumber) => {
        this.context.settings.update({ phoneDevice: String(deviceName ?? ''), phoneLine: String(lineNumber ?? '') });
        // Calls are now placed from that line: watch it instead.
        void this.line?.ownPhone.start();
        return this.phoneChoice();
      },
      'dial:rules': () => {
        const rules = requireConnection(this.context).dialingRules;
        return [...orderRules(rules.filter((r) => r.type === 1)), ...orderRules(rules.filter((r) => r.type === 2))];
      },
      'dial:preview-directory': (number) => applyDialingRules(number, requireConnection(this.context).dialingRules, 'directory'),
    };
  }

  get phone(): PhoneState {
    return this.phoneState;
  }

  /** Sign-in: WebDialer (if configured), the dialer on the server's rules, the CTI line. */
  attach(connection: Connection, password: string): void {
    const phone = this.callBackend(connection, password);
    const ownPhone = new OwnPhone({
      gateways: callControlServers(connection.config.system).cti,
      line: () => this.phoneLine(connection.config, phone),
      onState: (state) => this.line?.connection === connection && this.onPhoneState(state),
      log: this.context.log,
      trace: this.options.trace,
      ...(this.options.ctiLink ? { link: this.options.ctiLink } : {}),
    });
    const backend = phone || ownPhone.configured ? this.backend(ownPhone, phone) : undefined;
    const status = phone ? this.statusWatch(connection, password, phone) : undefined;
    this.line = {
      connection,
      dialer: new ClickToDial(() => connection.dialingRules, backend),
      ownPhone,
      recent: [],
      ...(phone ? { phone } : {}),
      ...(status ? { status } : {}),
    };
  }

  /** The phone line is watched from now on; its first state arrives as an event. */
  start(): void {
    void this.line?.ownPhone.start();
  }

  /**
   * The configuration's CTI gateway changed while signed in: the line is watched on the new
   * one. WebDialer, the dialer and the calls it placed stay as they are.
   */
  async moveCtiGateway(system: Pick<SystemConfig, 'properties'>): Promise<void> {
    const line = this.line;
    if (!line) return;
    const gateways = callControlServers(system).cti;
    const where = gateways.map((g) => `${g.host}:${g.port}`).join(', ') || 'none';
    if (await line.ownPhone.moveTo(gateways)) this.context.log(`phone: the CTI gateway is now ${where}; the line is watched there`);
  }

  detach(): void {
    void this.line?.ownPhone.stop();
    this.line?.status?.stop();
    this.line = undefined;
    if (this.phoneState !== PHONE_NOT_CONFIGURED) {
      this.phoneState = PHONE_NOT_CONFIGURED;
      this.context.emit('phone:state', this.phoneState);
    }
  }

  private require(): Line {
    requireConnection(this.context);
    if (!this.line) throw new DeskError('invalid-input', 'Sign in first.');
    return this.line;
  }

  private onPhoneState(state: PhoneState): void {
    this.phoneState = state;
    this.context.emit('phone:state', state);
    this.options.onPhone(state);
  }

  /**
   * WebDialer runs on the call-control server the configuration names (`CallControl.Primary`);
   * it is reached over HTTPS unless the configuration says HTTP. No address: calls are handed
   * to the system's `tel:` handler.
   */
  private callBackend(connection: Connection, password: string): DeskPhone | undefined {
    const server = callControlServers(connection.config.system).webDialer;
    if (!server) return undefined;
    const webDialer = new WebDialer({ server, user: connection.user, password, ...this.options.soap(), log: this.context.log, trace: this.options.trace });
    // The device and line chosen in Settings → Phone, else the first WebDialer reports.
    return new DeskPhone(webDialer, connection.user, () => {
      const { phoneDevice, phoneLine } = this.context.settings.get();
      return phoneDevice ? { deviceName: phoneDevice, lineNumber: phoneLine } : undefined;
    });
  }

  /** RisPort70 runs on the call-control server beside WebDialer, with the same user and trust. */
  private statusWatch(connection: Connection, password: string, phone: DeskPhone): DeskPhoneStatusWatch | undefined {
    const server = callControlServers(connection.config.system).webDialer;
    if (!server) return undefined;
    const risport = new RisPort({ server, user: connection.user, password, ...this.options.soap(), log: this.context.log, trace: this.options.trace });
    return new DeskPhoneStatusWatch(risport, phone, this.context.log);
  }

  /**
   * The line the CTI gateway watches: the one calls are placed from (Settings → Phone), else
   * the configuration's `CallControl.Lineid`, else WebDialer's first line, else the user's
   * primary number.
   */
  private async phoneLine(config: AllConfig, phone: DeskPhone | undefined): Promise<string | undefined> {
    const chosen = this.context.settings.get().phoneLine;
    if (chosen) return chosen;
    const configured = config.user.properties['CallControl.Lineid']?.value.trim();
    if (configured) return configured;
    const fromWebDialer = phone ? (await phone.profile().catch(() => undefined))?.lineNumber : undefined;
    return fromWebDialer || config.user.properties['PhoneNumber.Primary']?.value.trim() || undefined;
  }

  /**
   * Hang up: through the CTI gateway when it shows a call in progress (it names the exact
   * call, whoever placed it), else through WebDialer (which ends the call it placed).
   */
  private async hangUp(callId?: string): Promise<void> {
    const line = this.require();
    const inProgress = this.phoneState.link === 'monitoring' && this.phoneState.calls.some((c) => (callId ? c.id === callId : c.state !== 'ringing'));
    if (inProgress || !line.phone) {
      try {
        return await line.ownPhone.control('clear', callId);
      } catch (error) {
        if (!line.phone) throw new DeskError('config', (error as Error).message);
        this.context.log(`dial: hang-up through the CTI gateway failed (${(error as Error).message}); asking WebDialer`);
      }
    }
    return line.dialer.hangUp();
  }

  private async phoneControl(action: unknown, callId: unknown): Promise<void> {
    if (!PHONE_ACTIONS.includes(action as PhoneAction)) throw new DeskError('invalid-input', `Unknown phone action "${String(action)}".`);
    if (typeof callId !== 'string' || !callId) throw new DeskError('invalid-input', 'Which call? No call was named.');
    const line = this.require();
    if (this.phoneState.link !== 'monitoring')
      throw new DeskError('config', this.phoneState.error ?? 'Your phone is not watched through a CTI gateway, so its calls cannot be controlled from here.');
    try {
      await line.ownPhone.control(action as PhoneAction, callId);
    } catch (error) {
      throw new DeskError('cti', (error as Error).message);
    }
  }

  /** Make call, deflect, transfer, conference, DTMF, forwarding, DND through the CTI gateway. */
  async phoneRequest(request: PhoneRequest): Promise<PhoneRequestResult> {
    const line = this.require();
    if (this.phoneState.link !== 'monitoring')
      throw new DeskError('config', this.phoneState.error ?? 'Your phone is not connected through a CTI gateway, so this cannot be done from here.');
    try {
      return await line.ownPhone.request(this.dialable(request, line));
    } catch (error) {
      throw new DeskError('cti', (error as Error).message);
    }
  }

  /** Numbers typed for a transfer, deflection or forwarding go through the dialing rules, as calls do. */
  private dialable(request: PhoneRequest, line: Line): PhoneRequest {
    const dial = (number: string) => {
      if (number === 'voicemail') return number;
      const plan = line.dialer.preview(number);
      if (plan.error) throw new DeskError('invalid-input', plan.error);
      return plan.dial;
    };
    switch (request.service) {
      case 'makeCall':
        return { ...request, number: dial(request.number) };
      case 'deflectCall':
      case 'consultationCall':
      case 'singleStepTransferCall':
        return { ...request, to: dial(request.to) };
      case 'setForwarding':
        return request.to?.trim() ? { ...request, to: dial(request.to) } : { service: 'setForwarding' };
      default:
        return request;
    }
  }

  /**
   * Where calls go: the CTI gateway's MakeCall when it is chosen in Settings → Phone (the
   * default), the phone is monitored and the gateway offers it; WebDialer otherwise.
   */
  private backend(ownPhone: OwnPhone, phone: DeskPhone | undefined): CallBackend {
    const viaCti = () => {
      const state = this.phoneState;
      const wanted = this.context.settings.get().callVia === 'cti' || !phone;
      return wanted && state.link === 'monitoring' && (!state.services || state.services.includes('makeCall'));
    };
    return {
      makeCall: async (destination) => {
        if (viaCti()) {
          await ownPhone.request({ service: 'makeCall', number: destination });
          return 'cti';
        }
        if (!phone)
          throw new DeskError('config', this.phoneState.error ?? 'Your phone is not connected through the CTI gateway, and no WebDialer is configured.');
        await phone.makeCall(destination);
        return 'webdialer';
      },
      endCall: async () => {
        if (!phone) throw new DeskError('config', 'There is no call to hang up.');
        await phone.endCall();
      },
    };
  }

  private async phoneChoice(): Promise<PhoneChoice> {
    const phone = this.require().phone;
    if (!phone) return { devices: [], error: "The server's configuration names no WebDialer (CallControl.Primary); calls go to the system's tel: handler." };
    return phone.choice();
  }

  private async placeCall(number: string): Promise<RecentEntry> {
    const line = this.require();
    let placed;
    try {
      // An unregistered desk phone is named before anything is dialed.
      if (!line.dialer.preview(number).error) await line.status?.checkBeforeCall();
      placed = await line.dialer.dial(number);
    } catch (error) {
      const app = toAppError(error);
      this.context.log(`dial: call to ${number} not placed: ${app.message}`);
      throw new DeskError(app.code, `The call was not placed: ${app.message}`, app.detail, app.certificate);
    }
    const entry: RecentEntry = {
      id: `call:${randomUUID()}`,
      kind: 'call',
      at: placed.at,
      target: number,
      dialed: placed.plan.dial,
      ...(placed.plan.rule ? { rule: placed.plan.rule.name } : {}),
      source: 'local',
    };
    line.recent.unshift(entry);
    this.context.emit('recent:added', entry);
    // The server's list too, so other clients see it; a failure there does not undo the call.
    line.connection.cups
      .addRecentComm({ timestamp: new Date(entry.at).toISOString(), type: 2, data: { what: placed.plan.dial, number } })
      .catch((e) => this.context.log(`recent: add-recent-comm failed: ${toAppError(e).message}`));
    return entry;
  }

  /** Local entries of this session, then the server's list (older sessions, other clients). */
  private async recent(): Promise<RecentEntry[]> {
    const line = this.require();
    let server: RecentEntry[] = [];
    try {
      server = (await line.connection.cups.getRecentComm()).map((r, i) => ({
        id: `server:${i}:${r.timestamp}`,
        kind: r.type === 1 ? 'im' : 'call',
        at: Date.parse(r.timestamp) || 0,
        target: r.data.number ?? r.data.what ?? '',
        ...(r.data.what ? { dialed: r.data.what } : {}),
        source: 'server',
      }));
    } catch (e) {
      this.context.log(`recent: get-recent-comm failed: ${toAppError(e).message}`);
    }
    // A call of this session is on the server's list too: show it once (timestamps round to seconds).
    const known = (r: RecentEntry) => line.recent.some((l) => l.dialed === r.dialed && Math.abs(l.at - r.at) < 2000);
    const merged = [...line.recent, ...server.filter((r) => !known(r))];
    return merged.sort((a, b) => b.at - a.at);
  }
}
