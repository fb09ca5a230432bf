// Runs the simulated GPU provider on its own: npx tsx server/gpu/simulated/main.ts --port 4010 --speed 5
import { parseArgs } from 'node:util';
import { startSimulatedProvider } from './service.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    speed: { type: 'string', default: '5' },
    'step-interval-ms': { type: 'string' },
    'batch-size': { type: 'string' },
  },
});

function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number, got ${text}`);
    process.exit(2);
  }
  return value;
}

const provider = await startSimulatedProvider({
  port: numberOption('port', values.port)!,
  host: values.host,
  speedFactor: numberOption('speed', values.speed)!,
  stepIntervalMs: numberOption('step-interval-ms', values['step-interval-ms']),
  callbackBatchSize: numberOption('batch-size', values['batch-size']),
  log: (msg, extra) => console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...extra })),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void provider.close().then(() => process.exit(0));
  });
}
