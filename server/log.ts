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
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export function createLogger(level: LogLevel, bindings: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
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
