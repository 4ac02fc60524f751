/**
 * The protocol trace: every SIP message and SOAP exchange of the session, as it crossed the
 * wire, for the Diagnostics view and for a help-desk export.
 *
 * Transports and the SOAP client only *report* into a `TraceSink`; they never keep, mask or
 * format anything themselves. The sink (`core/diagnostics`) decides what is kept, masks
 * secrets and serves the view. A component given no sink traces nothing and pays nothing.
 */

/** Which protocol a trace entry belongs to. */
export type TraceProtocol = 'sip' | 'soap' | 'webdialer' | 'directory' | 'cti' | 'xcap';

/** One message as it crossed the wire, unmasked: masking is the sink's job. */
export interface TraceRecord {
  protocol: TraceProtocol;
  direction: 'out' | 'in';
  /** The transport or endpoint: `tcp 127.0.0.1:5060`, `https://cups.example.com/EPASSoap/service`. */
  peer: string;
  /** The whole message text (SIP: start line, headers and body; SOAP: the XML body). */
  raw: string;
  /** SOAP: the operation name; SIP: left empty (the sink reads the start line). */
  operation?: string;
  /** Epoch ms; the sink fills it when absent. */
  at?: number;
}

export interface TraceSink {
  record(entry: TraceRecord): void;
}
