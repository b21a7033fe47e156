/**
 * Envelopes cross from the backend's worker to the host thread with their data already as JSON text, serialized
 * once in the worker (once per broadcast, however many frontends are connected). Most envelopes only pass through
 * the host thread: the websocket relay writes the text to its sockets and the desktop relay hands it to the page,
 * so the host never rebuilds a `sync_complete` diff (about 500 KiB per response while catching up) as objects just
 * to serialize it again. A host consumer that does read `data` (the desktop shell's unread counts, tests) gets it
 * parsed on first access. Envelopes from the worker are read-only: their text is what goes on the wire.
 */
import type { Envelope } from '../../shared/rpc/index.ts';

/** An envelope as it travels over the worker port: `data` is the JSON text of the envelope's data, if it has any. */
export interface EnvelopeWire {
  command: string;
  request_id?: number;
  data?: string;
}

/**
 * An envelope from the worker keeps its data text on itself, under a private symbol (not enumerable: spreading,
 * cloning and JSON.stringify never see it), and reads `data` through one getter shared by every such envelope. The
 * text must be reachable from the envelope only, or each diff text (about 1 MiB as V8 stores it) outlives the young
 * generation: V8's young collections keep the values of a WeakMap alive whatever their keys, and a getter closure
 * made per envelope lives in the envelope's hidden class, which is in the old generation. Either way every text was
 * promoted and waited for a full collection, which came only once 50-60 MiB of them had piled up on the host thread
 * (test/bench/rss-trace.ts); now each dies with its envelope in the next young collection.
 */
const DATA_TEXT = Symbol('dataText');
const DATA_VALUE = Symbol('dataValue');
type WorkerEnvelope = Envelope & { [DATA_TEXT]?: string; [DATA_VALUE]?: unknown };

function parsedData(this: WorkerEnvelope): unknown {
  if (!Object.hasOwn(this, DATA_VALUE)) Object.defineProperty(this, DATA_VALUE, { value: JSON.parse(this[DATA_TEXT] as string) });
  return this[DATA_VALUE];
}

/**
 * Worker side: serializes envelopes for the port. A broadcast hands every connection the same data object in one
 * synchronous loop; its text is reused for them all and forgotten once that turn ends (the object may change later).
 */
export class EnvelopeSerializer {
  private last: { data: unknown; text: string | undefined } | undefined;

  /** Throws what JSON.stringify throws (a cycle, a BigInt). */
  serialize(env: Envelope): EnvelopeWire {
    const wire: EnvelopeWire = { command: env.command };
    if (env.request_id !== undefined) wire.request_id = env.request_id;
    const text = this.text(env.data);
    if (text !== undefined) wire.data = text;
    return wire;
  }

  private text(data: unknown): string | undefined {
    if (typeof data !== 'object' || data === null) return JSON.stringify(data);
    if (this.last?.data === data) return this.last.text;
    if (!this.last) queueMicrotask(() => { this.last = undefined; });
    const text = JSON.stringify(data) as string | undefined;
    this.last = { data, text };
    return text;
  }
}

/** Host side: the envelope a sink receives, its data parsed from the text only when someone reads it. */
export function envelopeFromWire(w: EnvelopeWire): Envelope {
  const env: Envelope = { command: w.command };
  if (w.request_id !== undefined) env.request_id = w.request_id;
  const text = w.data;
  if (text === undefined) return env;
  Object.defineProperty(env, DATA_TEXT, { value: text });
  // An own enumerable property, so that spreading, cloning and JSON.stringify see `data` as on a plain object.
  Object.defineProperty(env, 'data', { enumerable: true, configurable: true, get: parsedData });
  return env;
}

/**
 * The envelope as JSON text, byte for byte what JSON.stringify writes for it, with `requestId` in place of its own
 * (the websocket relay renumbers events). The data of an envelope from the worker is not parsed for this.
 */
export function envelopeText(env: Envelope, requestId: number | undefined = env.request_id): string {
  const data = (env as WorkerEnvelope)[DATA_TEXT];
  if (data === undefined) return JSON.stringify(requestId === env.request_id ? env : { ...env, request_id: requestId });
  const id = requestId === undefined ? '' : `,"request_id":${requestId}`;
  const command = `{"command":${JSON.stringify(env.command)}`;
  // Key order as a spread gives it: an id the envelope did not have comes last.
  return env.request_id === undefined ? `${command},"data":${data}${id}}` : `${command}${id},"data":${data}}`;
}

/** The JSON text of the data of an envelope from the worker (undefined for other envelopes), without parsing it. */
export function dataText(env: Envelope): string | undefined {
  return (env as WorkerEnvelope)[DATA_TEXT];
}
