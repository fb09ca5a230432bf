// Writes the files a finished simulated run leaves behind: a PEFT LoRA adapter and its run records.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderMetricPoint, SubmitRequest } from '../provider.js';
import { writeSafetensors, type TensorSource } from '../safetensors.js';
import type { RunPlan } from './plan.js';
import { createRng } from './rng.js';

export interface ArtifactFile {
  name: string;
  path: string;
  size: number;
  sha256: string;
  contentType: string;
}

export interface RunFigures {
  points: ProviderMetricPoint[];
  /** Simulated seconds spent training and evaluating. */
  trainSeconds: number;
  wallSeconds: number;
}

/** LoRA on the attention query and value projections, as PEFT's defaults for Llama-style models. */
const TARGET_MODULES = ['q_proj', 'v_proj'] as const;

export async function writeArtifacts(dir: string, req: SubmitRequest, plan: RunPlan, figures: RunFigures): Promise<ArtifactFile[]> {
  const adapter = join(dir, 'adapter_model.safetensors');
  const weights = await writeSafetensors(adapter, adapterTensors(req, plan), { format: 'pt' });
  return [
    await writeJson(dir, 'adapter_config.json', adapterConfig(req)),
    { name: 'adapter_model.safetensors', path: adapter, contentType: 'application/octet-stream', ...weights },
    await writeJson(dir, 'training_args.json', trainingArgs(req, plan)),
    await writeJson(dir, 'metrics.json', metricsSummary(figures)),
  ];
}

/** A LoraConfig as PEFT saves it, so `PeftModel.from_pretrained` accepts it. */
function adapterConfig(req: SubmitRequest) {
  const hp = req.hyperparameters;
  return {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: req.baseModel.id,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: hp.loraAlpha,
    lora_dropout: hp.loraDropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: null,
    peft_type: 'LORA',
    r: hp.loraRank,
    rank_pattern: {},
    revision: null,
    target_modules: [...TARGET_MODULES],
    task_type: 'CAUSAL_LM',
    use_dora: false,
    use_rslora: false,
  };
}

/**
 * lora_A starts uniform (Kaiming) and moves little; lora_B starts at zero and learns small values.
 * Shapes follow the brief: A is [r, hidden], B is [hidden, r] for both projections.
 */
function adapterTensors(req: SubmitRequest, plan: RunPlan): TensorSource[] {
  const rng = createRng(`${req.jobId}:weights`);
  const { hiddenSize, numLayers } = req.baseModel;
  const r = req.hyperparameters.loraRank;
  const bound = 1 / Math.sqrt(hiddenSize);
  const tensors: TensorSource[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    for (const module of TARGET_MODULES) {
      const prefix = `base_model.model.model.layers.${layer}.self_attn.${module}`;
      tensors.push(
        { name: `${prefix}.lora_A.weight`, dtype: plan.adapterDtype, shape: [r, hiddenSize], sample: () => rng.uniform(-bound, bound) },
        { name: `${prefix}.lora_B.weight`, dtype: plan.adapterDtype, shape: [hiddenSize, r], sample: () => rng.gaussian(0, 0.002) },
      );
    }
  }
  return tensors;
}

/** The run's settings under Hugging Face TrainingArguments names where one exists. */
function trainingArgs(req: SubmitRequest, plan: RunPlan) {
  const hp = req.hyperparameters;
  return {
    base_model: req.baseModel.id,
    num_train_epochs: hp.epochs,
    learning_rate: hp.learningRate,
    lr_scheduler_type: 'cosine',
    warmup_ratio: hp.warmupRatio,
    warmup_steps: plan.warmupSteps,
    per_device_train_batch_size: hp.batchSize,
    gradient_accumulation_steps: hp.gradientAccumulation,
    max_seq_length: hp.maxSeqLength,
    quantization: hp.quantization,
    lora_r: hp.loraRank,
    lora_alpha: hp.loraAlpha,
    lora_dropout: hp.loraDropout,
    gpu_type: req.gpu.type,
    gpu_count: req.gpu.count,
    dataset_examples: req.datasetExamples,
    dataset_tokens: req.datasetTokens,
    steps_per_epoch: plan.stepsPerEpoch,
    total_steps: plan.totalSteps,
    eval_steps: plan.evalEvery,
    adapter_dtype: plan.adapterDtype,
    seed: req.jobId,
  };
}

function metricsSummary({ points, trainSeconds, wallSeconds }: RunFigures) {
  const last = points.at(-1);
  const evaluated = points.filter((p) => p.validationLoss !== null);
  const best = evaluated.reduce<ProviderMetricPoint | undefined>((min, p) => (min === undefined || p.validationLoss! < min.validationLoss! ? p : min), undefined);
  return {
    steps: last?.step ?? 0,
    epochs: last?.epoch ?? 0,
    tokens_trained: last?.tokensTrained ?? 0,
    final_training_loss: last?.trainingLoss ?? null,
    final_validation_loss: evaluated.at(-1)?.validationLoss ?? null,
    best_validation_loss: best?.validationLoss ?? null,
    best_validation_step: best?.step ?? null,
    train_runtime_seconds: Math.round(trainSeconds * 10) / 10,
    wall_seconds: Math.round(wallSeconds * 10) / 10,
  };
}

async function writeJson(dir: string, name: string, value: unknown): Promise<ArtifactFile> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const path = join(dir, name);
  await writeFile(path, text);
  return {
    name,
    path,
    size: Buffer.byteLength(text),
    sha256: createHash('sha256').update(text).digest('hex'),
    contentType: 'application/json',
  };
}
