// An envelop plugin: subscribers that receive the same event object, with the
// same document, variables and viewer, share one execution of the selection.
// A thousand browser tabs on one training job then cost one execution per
// batch instead of a thousand; each subscriber still gets its own frame.
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Result = ExecutionResult | Promise<ExecutionResult>;

export interface SharedSubscriptionResults {
  plugin: Plugin;
  /** Executions run and results handed out, for /metrics and tests. */
  readonly stats: { executions: number; deliveries: number };
}

/** `viewerKey` names who a result may be shared with (results are shared only within one key). */
export function sharedSubscriptionResults(viewerKey: (context: unknown) => string): SharedSubscriptionResults {
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextDocumentId = 0;
  /** Per event object, the results by subscription key; gone with the event. */
  const results = new WeakMap<object, Map<string, Result>>();
  const stats = { executions: 0, deliveries: 0 };

  const keyOf = (args: ExecutionArgs) => {
    let documentId = documentIds.get(args.document);
    if (documentId === undefined) documentIds.set(args.document, (documentId = nextDocumentId++));
    return JSON.stringify([documentId, args.operationName ?? null, args.variableValues ?? null, viewerKey(args.contextValue)]);
  };

  const resultFor = (args: ExecutionArgs, key: string, event: unknown): Result => {
    stats.deliveries++;
    if (typeof event !== 'object' || event === null) {
      stats.executions++;
      return execute({ ...args, rootValue: event });
    }
    let byKey = results.get(event);
    if (!byKey) results.set(event, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) {
      stats.executions++;
      result = execute({ ...args, rootValue: event });
      byKey.set(key, result);
    }
    return result;
  };

  const plugin: Plugin = {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const stream = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in stream)) return stream; // errors before the first event
        const key = keyOf(args);
        return mapEvents(stream, (event) => resultFor(args, key, event));
      });
    },
  };
  return { plugin, stats };
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
