// Picks the GPU provider the configuration names.
import type { Config } from '../config.js';
import type { GpuProvider } from './provider.js';
import { createRunpodProvider } from './runpod/client.js';
import { createSimulatedProvider } from './simulated/client.js';

export function gpuFromConfig(config: Config): GpuProvider {
  if (config.gpu.provider === 'simulated') {
    if (!config.gpu.simulated.url) throw new Error('The simulated GPU provider is not running: start it (npm start does) or set SIMULATED_GPU_URL.');
    return createSimulatedProvider(config.gpu.simulated.url);
  }
  const { apiKey, endpointId, baseUrl } = config.gpu.runpod;
  // loadConfig has already refused runpod without both.
  return createRunpodProvider({ apiKey: apiKey!, endpointId: endpointId!, baseUrl });
}
