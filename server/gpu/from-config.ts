// Picks the GPU provider the configuration names.
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createLocalProvider } from './local/provider.js';
import type { GpuProvider } from './provider.js';
import { createRunpodProvider } from './runpod/client.js';
import { createSimulatedProvider } from './simulated/client.js';

export function gpuFromConfig(config: Config, log: Logger): GpuProvider {
  const { gpu } = config;
  switch (gpu.provider) {
    case 'local':
      return createLocalProvider({
        ...gpu.local,
        root: path.join(config.dataDir, 'trainer'),
        runsJobs: config.role !== 'api',
        log: (msg, extra) => log.info(msg, { component: 'local-trainer', ...extra }),
      });
    case 'simulated':
      if (!gpu.simulated.url) throw new Error('The simulated GPU provider is not running: start it (npm start does) or set SIMULATED_GPU_URL.');
      return createSimulatedProvider(gpu.simulated.url);
    case 'runpod':
      return createRunpodProvider(gpu.runpod);
  }
}
