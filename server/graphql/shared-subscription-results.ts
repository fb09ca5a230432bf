// An envelop plugin: subscribers that receive the same event object, with the
// same document, variables and viewer, share one execution of the selection,
// and over graphql-ws one serialisation of its result. A thousand browser tabs
// on one training job then cost one execution and one JSON.stringify per batch
// instead of a thousand; each subscriber still gets its own frame.
// A graphql-ws subscription may also take events pushed past its iterator
// (Context.pushEvent): the shared result goes straight to the socket, as one
// WebSocket frame made once per batch and subscription id and written whole
// to each TCP socket, as a bare broadcast writes one frame to every socket.
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Where a shared result's text goes in a graphql-ws message: `{"id":…,"type":"next","payload":<placeholder>}`. */
const PLACEHOLDER = '\u0000shared-result';
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);

export interface SharedSubscriptionResults {
  plugin: Plugin;
  /** For graphql-ws's useServer, and each socket before graphql-ws sees it: a shared result's text is made once. */
  graphqlWs: {
    onNext(ctx: unknown, id: string, payload: unknown, args: unknown, result: ExecutionResult): ExecutionResult | undefined;
    jsonMessageReplacer(this: unknown, key: string, value: unknown): unknown;
    wrapSocket(socket: WebSocket, request: IncomingMessage): void;
    /**
     * Lets the operation with this context take events pushed to it (context.pushEvent), written to the socket
     * as `next` messages for subscription `id` while `live()` holds.
     */
    pushTo(context: object, socket: WebSocket, id: string, live: () => boolean): void;
  };
  /**
   * Executions run, results handed out, of those the ones pushed straight to a socket, and the frames those
   * pushes were made into (one per result and subscription id, however many sockets it went to), for tests and the bench.
   */
  readonly stats: { executions: number; deliveries: number; pushed: number; frames: number };
}

/** A `next` message as a WebSocket frame: the whole frame, and the message alone (a view into it). */
interface Frame {
  whole: Buffer;
  message: Buffer;
}

/** A final, unmasked text frame (RFC 6455 §5.2), as a server sends it, around `message`. */
export function textFrame(message: Buffer): Frame {
  const length = message.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const whole = Buffer.allocUnsafe(headerLength + length);
  whole[0] = 0x81; // FIN, opcode 1 (text)
  if (length < 126) whole[1] = length;
  else if (length < 65_536) {
    whole[1] = 126;
    whole.writeUInt16BE(length, 2);
  } else {
    whole[1] = 127;
    whole.writeBigUInt64BE(BigInt(length), 2);
  }
  message.copy(whole, headerLength);
  return { whole, message: whole.subarray(headerLength) };
}

/** ws's options for a text frame, one object for every push. */
const TEXT_FRAME = { binary: false };

/** Set on an operation's context by the plugin: sends a subscription event's result to the client at once, or false if it cannot. */
export type PushEvent = (event: object) => boolean;

/** `viewerKey` names who a result may be shared with (results are shared only within one key). */
export function sharedSubscriptionResults(viewerKey: (context: unknown) => string): SharedSubscriptionResults {
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  /** Per event object, the results by subscription key; gone with the event. */
  const results = new WeakMap<object, Map<string, Result>>();
  const stats = { executions: 0, deliveries: 0, pushed: 0, frames: 0 };
  /** Results that may go to several subscribers, and the JSON of each, made once. */
  const shareable = new WeakSet<object>();
  const texts = new WeakMap<object, string>();
  /** Per result, its whole `next` message as a WebSocket frame, by subscription id: sockets whose subscription has the same id share one. */
  const frames = new WeakMap<object, Map<string, Frame>>();
  /** The text the replacer just left a placeholder for; the socket's send, which follows at once, puts it in. */
  let pending: string | null = null;
  /** Per socket wrapped, its own send, before the wrapping. */
  const directSends = new WeakMap<WebSocket, (data: unknown, options: unknown) => void>();
  /** Per socket wrapped with no extension (no compression): its TCP socket, which takes a whole frame as it is. */
  const tcpSockets = new WeakMap<WebSocket, Socket>();
  /** Per operation context: where its results can be written at once. */
  const sinks = new WeakMap<object, (result: ExecutionResult) => boolean>();

  const execution = (args: ExecutionArgs, event: unknown): Result => {
    stats.executions++;
    const result = execute({ ...args, rootValue: event });
    if (!('then' in result)) {
      shareable.add(result);
      return result;
    }
    return result.then((resolved) => {
      shareable.add(resolved);
      return resolved;
    });
  };

  const keyOf = (args: ExecutionArgs) => {
    let documentId = documentIds.get(args.document);
    if (documentId === undefined) {
      documentId = nextDocumentId++;
      documentIds.set(args.document, documentId);
    }
    return JSON.stringify([documentId, args.operationName ?? null, args.variableValues ?? null, viewerKey(args.contextValue)]);
  };

  /**
   * The last result handed out, with its event and key: a batch pushed to a thousand subscribers in a row finds it
   * here with two comparisons instead of two lookups each.
   */
  let last: { event: object; key: string; result: Result } | null = null;

  const resultFor = (args: ExecutionArgs, key: string, event: unknown): Result => {
    stats.deliveries++;
    if (typeof event !== 'object' || event === null) return execution(args, event);
    if (last !== null && last.event === event && last.key === key) return last.result;
    let byKey = results.get(event);
    if (!byKey) {
      byKey = new Map();
      results.set(event, byKey);
    }
    let result = byKey.get(key);
    if (!result) {
      result = execution(args, event);
      byKey.set(key, result);
    }
    last = { event, key, result };
    return result;
  };

  const textOf = (result: object) => {
    let text = texts.get(result);
    if (text === undefined) {
      text = JSON.stringify(result);
      texts.set(result, text);
    }
    return text;
  };

  /** The last frame made or found, as for `last` above. */
  let lastFrame: { result: object; id: string; frame: Frame } | null = null;

  /** The result's `next` message for subscription `id`, encoded once and written as it is to every socket that takes it. */
  const frameOf = (result: object, id: string, head: string) => {
    if (lastFrame !== null && lastFrame.result === result && lastFrame.id === id) return lastFrame.frame;
    let byId = frames.get(result);
    if (!byId) {
      byId = new Map();
      frames.set(result, byId);
    }
    let frame = byId.get(id);
    if (!frame) {
      frame = textFrame(Buffer.from(`${head}${textOf(result)}}`));
      byId.set(id, frame);
      stats.frames++;
    }
    lastFrame = { result, id, frame };
    return frame;
  };

  const plugin: Plugin = {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const key = keyOf(args);
        const context = args.contextValue as { pushEvent?: PushEvent } | null;
        const sink = context ? sinks.get(context) : undefined;
        if (context && sink) {
          // Only a result ready now and without errors: one with errors takes the iterator, where it is masked.
          context.pushEvent = (event) => {
            const result = resultFor(args, key, event);
            return !('then' in result) && !result.errors && sink(result);
          };
        }
        const stream = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in stream)) return stream; // errors before the first event
        return mapEvents(stream, (event) => resultFor(args, key, event));
      });
    },
  };
  const graphqlWs: SharedSubscriptionResults['graphqlWs'] = {
    // graphql-ws copies each result before sending it; returned as it is, the replacer below can know it again.
    onNext: (_ctx, _id, _payload, _args, result) => (shareable.has(result) && !result.errors ? result : undefined),
    jsonMessageReplacer(key, value) {
      if (key !== 'payload' || typeof value !== 'object' || value === null || !shareable.has(value)) return value;
      pending = textOf(value);
      return PLACEHOLDER;
    },
    wrapSocket(socket, request) {
      const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
      directSends.set(socket, send);
      // ws writes its frames to the upgraded request's socket; a compressed connection needs ws to make each frame.
      if (socket.extensions === '') tcpSockets.set(socket, request.socket);
      socket.send = ((data: unknown, ...rest: unknown[]) => {
        if (pending !== null && typeof data === 'string') {
          const text = pending;
          pending = null;
          if (data.endsWith(`${PLACEHOLDER_JSON}}`)) data = `${data.slice(0, -PLACEHOLDER_JSON.length - 1)}${text}}`;
        }
        send(data, ...rest);
      }) as WebSocket['send'];
    },
    pushTo(context, socket, id, live) {
      const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
      // A pushed frame is whole already: it skips wrapSocket's look for a placeholder.
      const send = directSends.get(socket) ?? (socket.send.bind(socket) as (data: unknown, options: unknown) => void);
      const tcp = tcpSockets.get(socket);
      sinks.set(context, (result) => {
        // A socket with bytes still queued is a client not keeping up: the iterator, which waits for each send, takes over.
        if (socket.readyState !== socket.OPEN || socket.bufferedAmount > 0 || !live()) return false;
        const frame = frameOf(result, id, head);
        // Nothing queued in ws either (bufferedAmount counts it): the frame, made once, is written whole, as ws would
        // write it, in one write and no per-socket header. Compressed, ws frames the message itself.
        if (tcp) tcp.write(frame.whole);
        else send(frame.message, TEXT_FRAME);
        stats.pushed++;
        return true;
      });
    },
  };
  return { plugin, graphqlWs, stats };
}

/** Maps an event stream; `return()` goes straight to the source, so a closed subscriber is let go at once. */
function mapEvents<T, R>(source: AsyncIterable<T>, map: (event: T) => R | Promise<R>): AsyncIterableIterator<R> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    async next() {
      const item = await iterator.next();
      return item.done ? { done: true, value: undefined } : { done: false, value: await map(item.value) };
    },
    async return() {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(err?: unknown) {
      if (iterator.throw) await iterator.throw(err);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
