// The files BrightRun writes beside the provider's: the README.md model card
// (Hugging Face front matter + the training summary) and, when the provider
// sent none, a metrics.json summary. Both are built only from stored data, so
// writing them twice gives the same bytes.
import { findBaseModel } from '../catalog/base-models.js';
import type { Dataset, TrainingJob } from '../db/generated/prisma/client.js';
import type { Hyperparameters } from '../gpu/provider.js';
import { billedSeconds } from '../costs/compute-cost.js';
import { RATING_RULE, type QualityMetrics } from './quality.js';
import { readStatistics } from '../datasets/stored-statistics.js';
import { readHyperparameters } from '../training/hyperparameters.js';

export const MODEL_CARD_NAME = 'README.md';
export const METRICS_SUMMARY_NAME = 'metrics.json';

export interface CardFile {
  name: string;
  size: number;
  sha256: string;
}

export interface CardInput {
  artifactName: string;
  job: TrainingJob;
  dataset: Pick<Dataset, 'id' | 'name' | 'statistics'>;
  quality: QualityMetrics;
  /** Every other file of the artifact. */
  files: CardFile[];
}

const fixed = (value: number | null, digits = 4) => (value === null ? 'n/a' : value.toFixed(digits));
const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', `${s} s`].filter(Boolean).join(' ');
}

function stars(rating: number | null): string {
  return rating === null ? 'n/a' : `${'★'.repeat(rating)}${'☆'.repeat(5 - rating)} (${rating}/5)`;
}

/** The order a person reads them in (jsonb keeps its own); any field added later follows. */
const HYPERPARAMETER_ORDER = ['epochs', 'learningRate', 'batchSize', 'gradientAccumulation', 'loraRank', 'loraAlpha', 'loraDropout', 'maxSeqLength', 'warmupRatio', 'quantization'];

function hyperparameterRows(hp: Hyperparameters): string[] {
  const values = hp as unknown as Record<string, unknown>;
  const keys = [
    ...HYPERPARAMETER_ORDER.filter((k) => k in values),
    ...Object.keys(values)
      .filter((k) => !HYPERPARAMETER_ORDER.includes(k))
      .sort(),
  ];
  return keys.map((key) => `| ${key} | ${String(values[key])} |`);
}

/** Pipes and newlines would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export function modelCard({ artifactName, job, dataset, quality, files }: CardInput): string {
  const baseModel = findBaseModel(job.baseModelId);
  const hp = readHyperparameters(job.hyperparameters);
  const stats = dataset.statistics === null ? null : readStatistics(dataset.statistics);
  const seconds = job.startedAt && job.completedAt ? billedSeconds(job.startedAt, job.completedAt) : null;
  const lines = [
    '---',
    `base_model: ${job.baseModelId}`,
    'library_name: peft',
    'pipeline_tag: text-generation',
    'tags:',
    '  - lora',
    '  - peft',
    '  - brightrun',
    '---',
    '',
    `# ${artifactName}`,
    '',
    `A LoRA adapter for [${baseModel?.name ?? job.baseModelId}](https://huggingface.co/${job.baseModelId}), trained with BrightRun on the dataset "${cell(dataset.name)}".`,
    '',
    '## Training summary',
    '',
    '| | |',
    '|---|---|',
    `| Base model | \`${job.baseModelId}\` |`,
    `| Dataset | ${cell(dataset.name)} (\`${dataset.id}\`)${stats ? `: ${stats.examples} examples, ${stats.totalTokens} tokens` : ''} |`,
    `| Training job | ${cell(job.name)} (\`${job.id}\`) |`,
    `| Preset | ${job.presetId} |`,
    `| Steps | ${job.currentStep} of ${job.totalSteps} |`,
    `| Epochs | ${job.currentEpoch.toFixed(2)} of ${job.totalEpochs} |`,
    `| GPU | ${job.gpuCount} × ${job.gpuType} |`,
    `| Duration | ${seconds === null ? 'n/a' : formatDuration(seconds)} |`,
    `| Cost | ${job.finalCost ? `${job.finalCost.toFixed(6)} USD` : 'n/a'} |`,
    `| Started | ${job.startedAt?.toISOString() ?? 'n/a'} |`,
    `| Completed | ${job.completedAt?.toISOString() ?? 'n/a'} |`,
    '',
    '## Hyperparameters',
    '',
    '| | |',
    '|---|---|',
    ...hyperparameterRows(hp),
    '',
    '## Results',
    '',
    '| | |',
    '|---|---|',
    `| Final training loss | ${fixed(quality.finalTrainingLoss)} |`,
    `| Final validation loss | ${fixed(quality.finalValidationLoss)} |`,
    `| Best validation loss | ${fixed(quality.bestValidationLoss)} |`,
    `| Perplexity (exp of final validation loss) | ${fixed(quality.perplexity, 3)} |`,
    `| Training loss reduction | ${percent(quality.lossReduction)} |`,
    `| Rating | ${stars(quality.rating)} |`,
    '',
    ...quality.warnings.map((w) => `> **Warning:** ${w.message}`),
    ...(quality.warnings.length ? [''] : []),
    `Rating rule: ${RATING_RULE}`,
    '',
    '## Files',
    '',
    '| file | bytes | sha256 |',
    '|---|---|---|',
    ...files.map((f) => `| ${cell(f.name)} | ${f.size} | \`${f.sha256}\` |`),
    '',
    '## Usage',
    '',
    '```python',
    'from peft import PeftModel',
    'from transformers import AutoModelForCausalLM, AutoTokenizer',
    '',
    `base = AutoModelForCausalLM.from_pretrained("${job.baseModelId}")`,
    `tokenizer = AutoTokenizer.from_pretrained("${job.baseModelId}")`,
    'model = PeftModel.from_pretrained(base, "path/to/this/folder")',
    '```',
    '',
  ];
  return lines.join('\n');
}

/** What the provider's metrics.json carries, from the stored points, for providers that send none. */
export function metricsSummary(job: TrainingJob, quality: QualityMetrics): string {
  const seconds = job.startedAt && job.completedAt ? billedSeconds(job.startedAt, job.completedAt) : null;
  const summary = {
    steps: job.currentStep,
    epochs: job.currentEpoch,
    final_training_loss: quality.finalTrainingLoss,
    final_validation_loss: quality.finalValidationLoss,
    best_validation_loss: quality.bestValidationLoss,
    best_validation_step: quality.bestValidationStep,
    perplexity: quality.perplexity,
    loss_reduction: quality.lossReduction,
    rating: quality.rating,
    warnings: quality.warnings.map((w) => w.code),
    wall_seconds: seconds,
    source: 'brightrun (the provider sent no metrics summary)',
  };
  return `${JSON.stringify(summary, null, 2)}\n`;
}
