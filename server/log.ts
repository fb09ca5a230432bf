// Structured JSON logs, one line each, with bindings such as requestId or jobId.
// withLogContext binds the request or job being served to every line logged
// while serving it, whichever logger writes the line (Yoga's, a handler's).
import { AsyncLocalStorage } from 'node:async_hooks';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

const served = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs fn with these bindings on every line logged inside it, including in what it awaits. */
export function withLogContext<T>(bindings: Record<string, unknown>, fn: () => T): T {
  return served.run({ ...served.getStore(), ...bindings }, fn);
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const { code } = value as { code?: unknown };
    return { name: value.name, message: value.message, ...(code !== undefined && { code }), stack: value.stack };
  }
  return value;
}

export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (rank[at] < rank[level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg, ...served.getStore(), ...bindings };
    for (const [k, v] of Object.entries(fields ?? {})) entry[k] = serialise(v);
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (more) => createLogger(level, { ...bindings, ...more }, write),
  };
}

/** A logger that writes the same error once per interval; see logRepeatsOnce. */
export interface RepeatLimitedLogger extends Logger {
  /** Writes the counts of repeats not yet reported, and stops the timers. Call when stopping. */
  flush(): void;
}

/** What makes two errors the same: their code (ECONNREFUSED, 57P01), else their message; never the stack. */
export function errorKey(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return String(code ?? message ?? '');
}

export const REPEAT_INTERVAL_MS = 30_000;

/**
 * For errors that repeat on every retry (a database or identity provider down): the first line with a
 * given level, msg and error (errorKey of fields.err) is written, the same ones within intervalMs are
 * only counted, and when the interval ends one line with the same msg and `repeated: N` says how many.
 */
export function logRepeatsOnce(log: Logger, options: { intervalMs?: number; errorKey?: (err: unknown) => string } = {}): RepeatLimitedLogger {
  const { intervalMs = REPEAT_INTERVAL_MS, errorKey: keyOf = errorKey } = options;
  /** Per key: how many were only counted in this interval, and the last of them, to write with the count. */
  type Seen = { repeated: number; last: Record<string, unknown> | undefined; write: (fields: Record<string, unknown>) => void; timer: NodeJS.Timeout };
  const seen = new Map<string, Seen>();
  const summarise = (entry: Seen) => entry.write({ ...entry.last, repeated: entry.repeated });
  const endInterval = (key: string) => {
    const entry = seen.get(key)!;
    if (entry.repeated === 0) return void seen.delete(key);
    summarise(entry);
    entry.repeated = 0;
    // Still repeating: the next count comes an interval later, with no full line in between.
    entry.timer = setTimeout(() => endInterval(key), intervalMs).unref();
  };
  const limited = (target: Logger): RepeatLimitedLogger => {
    const emit = (at: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
      const key = `${at}\u0000${msg}\u0000${keyOf(fields?.err)}`;
      const entry = seen.get(key);
      if (entry) {
        entry.repeated++;
        entry.last = fields;
        return;
      }
      target[at](msg, fields);
      const write = (more: Record<string, unknown>) => target[at](msg, more);
      seen.set(key, { repeated: 0, last: fields, write, timer: setTimeout(() => endInterval(key), intervalMs).unref() });
    };
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (bindings) => limited(target.child(bindings)),
      flush() {
        for (const entry of seen.values()) {
          clearTimeout(entry.timer);
          if (entry.repeated > 0) summarise(entry);
        }
        seen.clear();
      },
    };
  };
  return limited(log);
}
