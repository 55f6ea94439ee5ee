// Snapshot rows mapped by buildInputs must reach the model in the right column order: run the fixture models on feeds
// built from the rows in expected-outputs.json (given as column-name records, keys deliberately in reverse order) and
// compare with scikit-learn's outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildInputs } from '../../../src/core/inference/inputs';

const MODELS = join(resolve(__dirname, '..', '..', '..'), 'test', 'fixtures', 'models');

interface ExpectedModel {
  file: string;
  kind: string;
  atol: number;
  input: { name: string; dtype: string; shape: number[]; featureNames: string[]; rows: number[][] };
  expected: Record<string, number[] | number[][]>;
}

const expectedFile = JSON.parse(readFileSync(join(MODELS, 'expected-outputs.json'), 'utf8')) as { models: ExpectedModel[] };

describe('snapshot rows fed to fixture models', () => {
  for (const model of expectedFile.models) {
    it(`${model.file} (${model.kind}) reproduces the expected outputs`, async () => {
      const { name, dtype, featureNames, rows } = model.input;
      const records = rows.map((row) => {
        const record: Record<string, unknown> = { unrelated_column: 'x' };
        for (let j = featureNames.length - 1; j >= 0; j--) record[featureNames[j] as string] = row[j];
        return record;
      });
      const built = buildInputs([{ name, dtype, shape: ['N', featureNames.length] }], { batchSize: rows.length, rows: records, featureNames });
      assert.ok(built.notes.some((n) => n.includes('data snapshot')), built.notes.join(' | '));
      const input = built.feeds[name];
      assert.ok(input);
      assert.deepEqual(input.dims, [rows.length, featureNames.length]);

      const session = await ort.InferenceSession.create(join(MODELS, model.file));
      try {
        const outputs = await session.run({ [name]: new ort.Tensor(input.dtype, input.data, input.dims) });
        for (const [outputName, expected] of Object.entries(model.expected)) {
          const actual = outputs[outputName];
          assert.ok(actual, `output ${outputName}`);
          const flat = (expected as (number | number[])[]).flat();
          const got = Array.from(actual.data as ArrayLike<number | bigint>, Number);
          assert.equal(got.length, flat.length, outputName);
          got.forEach((v, i) => assert.ok(Math.abs(v - (flat[i] as number)) <= model.atol, `${outputName}[${i}]: ${v} vs ${flat[i]}`));
        }
      } finally {
        await session.release();
      }
    });
  }
});
