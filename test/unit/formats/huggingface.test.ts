import assert from 'node:assert/strict';
import { copyFile, cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isHuggingFaceDir, readHuggingFaceDir } from '../../../src/core/formats/huggingface';
import { PICKLE_UNSAFE } from '../../../src/core/formats/pickle';
import { FormatError } from '../../../src/core/formats/types';
import type { ModelMetadata } from '../../../src/core/formats/types';
import { fixture, withTempDir } from './helpers';

const DIR = fixture('huggingface', 'sentiment-distilbert');

function prop(m: ModelMetadata, label: string): string | undefined {
  return m.properties.find((p) => p.label === label)?.value;
}

async function withCopy<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  return withTempDir(async (tmp) => {
    const dir = join(tmp, 'model');
    await cp(DIR, dir, { recursive: true });
    return fn(dir);
  });
}

describe('readHuggingFaceDir', () => {
  test('reads config facts, labels, safetensors parameters and tokenizer files', async () => {
    const m = await readHuggingFaceDir(DIR);
    assert.equal(m.format, 'huggingface');
    assert.equal(m.formatLabel, 'Hugging Face (distilbert)');
    assert.equal(m.huggingface.modelType, 'distilbert');
    assert.deepEqual(m.huggingface.architectures, ['DistilBertForSequenceClassification']);
    assert.equal(m.huggingface.torchDtype, 'float32');
    assert.equal(m.huggingface.transformersVersion, '4.44.2');
    assert.equal(m.huggingface.vocabSize, 64);
    assert.equal(m.huggingface.hiddenSize, 16); // "dim" in DistilBERT configs
    assert.equal(m.huggingface.numLayers, 1); // "n_layers"
    assert.deepEqual(m.huggingface.labels, ['NEGATIVE', 'POSITIVE']);
    assert.deepEqual(m.outputs, [{ name: 'logits', dtype: 'float32', shape: ['batch_size', 2] }]);
    assert.equal(m.parameterCount, 4098);
    assert.deepEqual(
      m.huggingface.weights.map((w) => [w.name, w.kind, w.parameters]),
      [['model.safetensors', 'safetensors', 4098]],
    );
    assert.deepEqual(m.huggingface.tokenizerFiles, ['tokenizer_config.json', 'vocab.txt']);
    assert.equal(prop(m, 'Labels'), 'NEGATIVE, POSITIVE');
    assert.equal(prop(m, 'Parameters'), '4,098');
    assert.equal(m.unsafe, undefined);
    assert.equal(m.metadata['model_type'], 'distilbert');
  });

  test('pickle-only weights are flagged unsafe', async () => {
    await withCopy(async (dir) => {
      await rm(join(dir, 'model.safetensors'));
      await copyFile(fixture('pickle', 'model.pkl'), join(dir, 'pytorch_model.bin'));
      const m = await readHuggingFaceDir(dir);
      assert.deepEqual(
        m.huggingface.weights.map((w) => [w.name, w.kind]),
        [['pytorch_model.bin', 'pickle']],
      );
      assert.equal(m.unsafe, `${PICKLE_UNSAFE} Weights: pytorch_model.bin.`);
      assert.equal(m.parameterCount, undefined);
      assert.match(prop(m, 'Weights') ?? '', /^pytorch_model\.bin \(740 bytes, pickle\)$/);
    });
  });

  test('a broken safetensors shard is reported, not fatal', async () => {
    await withCopy(async (dir) => {
      await copyFile(fixture('safetensors', 'bad-json.safetensors'), join(dir, 'model-00002-of-00002.safetensors'));
      const m = await readHuggingFaceDir(dir);
      const bad = m.huggingface.weights.find((w) => w.name === 'model-00002-of-00002.safetensors');
      assert.match(bad?.error ?? '', /^Invalid safetensors header: the JSON header does not parse/);
      assert.equal(m.parameterCount, undefined);
      assert.match(prop(m, 'Problem in model-00002-of-00002.safetensors') ?? '', /does not parse/);
    });
  });

  test('invalid or missing config.json', async () => {
    await withCopy(async (dir) => {
      await writeFile(join(dir, 'config.json'), '{"model_type": "bert",');
      await assert.rejects(readHuggingFaceDir(dir), (err: unknown) => {
        assert.ok(err instanceof FormatError);
        assert.match(err.message, /^Invalid config\.json: the JSON does not parse/);
        return true;
      });
      assert.equal(await isHuggingFaceDir(dir), false);
      await rm(join(dir, 'config.json'));
      await assert.rejects(readHuggingFaceDir(dir), /Not a Hugging Face model folder: no config\.json/);
    });
  });

  test('isHuggingFaceDir needs model_type or architectures', async () => {
    assert.equal(await isHuggingFaceDir(DIR), true);
    assert.equal(await isHuggingFaceDir(fixture('savedmodel')), false);
    await withCopy(async (dir) => {
      await writeFile(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'] }));
      assert.equal(await isHuggingFaceDir(dir), true);
      await writeFile(join(dir, 'config.json'), JSON.stringify({ name: 'not a model', layers: 3 }));
      assert.equal(await isHuggingFaceDir(dir), false);
    });
  });
});
