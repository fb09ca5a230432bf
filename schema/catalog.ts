// Catalog queries: the base models a dataset can target and a job can train.
import { baseModels, findBaseModel, type BaseModel } from '../server/catalog/base-models.js';
import { builder } from './builder.js';

export const BaseModelRef = builder.objectRef<BaseModel>('BaseModel').implement({
  description: 'A base model LoRA adapters can be trained on.',
  fields: (t) => ({
    id: t.exposeString('id', {
      description: 'The Hugging Face repository id, e.g. mistralai/Mistral-7B-v0.1, or local/<folder> for a model folder on the server (LOCAL_BASE_MODELS).',
    }),
    name: t.exposeString('name'),
    parameters: t.exposeFloat('parameters', { description: 'Parameter count, in billions.' }),
    contextLength: t.exposeInt('contextLength', { description: 'Longest sequence the model accepts, in tokens.' }),
    hiddenSize: t.exposeInt('hiddenSize'),
    numLayers: t.exposeInt('numLayers'),
    tokenizer: t.exposeString('tokenizer', { description: 'How tokens are counted; "estimate" when no exact tokenizer ships for it.' }),
    exactTokenCounts: t.boolean({ resolve: (m) => m.tokenizer !== 'estimate' }),
    isDefault: t.exposeBoolean('isDefault'),
  }),
});

builder.queryField('baseModels', (t) =>
  t.field({
    type: [BaseModelRef],
    description: 'Every base model, the default first.',
    authScopes: { public: true },
    resolve: () => baseModels().sort((a, b) => Number(b.isDefault) - Number(a.isDefault)),
  }),
);

/** The catalog entry for an id stored on a row (a retired model still resolves to something readable). */
export function baseModelOf(id: string): BaseModel {
  return findBaseModel(id) ?? { id, name: id, parameters: 0, contextLength: 0, hiddenSize: 0, numLayers: 0, tokenizer: 'estimate', isDefault: false };
}
