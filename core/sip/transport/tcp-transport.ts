/**
 * A sip.js transport over TCP for Node: the shared stream transport (`stream-transport.ts`)
 * on a plain TCP socket.
 */
import { connect } from 'node:net';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import { StreamTransport, describeSocketError, type StreamSocketFactory, type StreamTransportOptions } from './stream-transport';

export { SipStreamFramer } from './stream-transport';
export type TcpTransportOptions = StreamTransportOptions;

const TCP: StreamSocketFactory = {
  name: 'tcp',
  readyEvent: 'connect',
  open: (host, port) => connect({ host, port, noDelay: true }),
  describeError: describeSocketError,
};

export class TcpTransport extends StreamTransport {
  constructor(logger: Logger, options: unknown) {
    super(logger, options, TCP);
  }
}
