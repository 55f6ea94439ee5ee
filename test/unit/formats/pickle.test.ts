import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { PICKLE_UNSAFE, readPickleInfo, scanPickle } from '../../../src/core/formats/pickle';
import { bufferSource } from '../../../src/core/formats/randomAccess';
import { FormatError } from '../../../src/core/formats/types';
import type { ModelMetadata } from '../../../src/core/formats/types';
import { fixture, storedZip, withTempDir, writeTemp } from './helpers';

function prop(m: ModelMetadata, label: string): string | undefined {
  return m.properties.find((p) => p.label === label)?.value;
}

describe('readPickleInfo', () => {
  test('a scikit-learn pickle: protocol and imported classes, marked unsafe', async () => {
    const m = await readPickleInfo(fixture('pickle', 'model.pkl'));
    assert.equal(m.format, 'pickle');
    assert.equal(m.pickle.kind, 'pickle');
    assert.equal(m.pickle.protocol, 4);
    assert.equal(prop(m, 'Kind'), 'pickle protocol 4');
    assert.deepEqual(m.pickle.imports, ['sklearn.linear_model._logistic.LogisticRegression', 'numpy.core.multiarray._reconstruct', 'numpy.ndarray', 'numpy.dtype']);
    assert.deepEqual(m.pickle.suspiciousImports, []);
    assert.equal(m.unsafe, PICKLE_UNSAFE);
    assert.equal(
      m.unsafe,
      'Pickle-based file: loading it runs arbitrary code. Load only from trusted sources; prefer ONNX or safetensors (torch.load(..., weights_only=True) for PyTorch).',
    );
  });

  test('a pickle that calls os.system is flagged without being executed', async () => {
    const m = await readPickleInfo(fixture('pickle', 'reduce-os-system.pkl'));
    assert.equal(m.pickle.protocol, 2);
    assert.deepEqual(m.pickle.imports, ['os.system']);
    assert.deepEqual(m.pickle.suspiciousImports, ['os.system']);
    assert.equal(prop(m, 'Suspicious imports'), 'os.system');
    assert.match(m.unsafe ?? '', /This file references os\.system, which can run commands when loaded\.$/);
  });

  test('a joblib file: the scan stops where raw numpy data starts', async () => {
    const m = await readPickleInfo(fixture('pickle', 'scaler.joblib'));
    assert.equal(m.formatLabel, 'joblib');
    assert.equal(m.pickle.kind, 'joblib');
    assert.equal(prop(m, 'Kind'), 'joblib (pickle protocol 4)');
    assert.equal(m.pickle.imports[0], 'sklearn.preprocessing._data.StandardScaler');
    assert.ok(m.pickle.imports.includes('joblib.numpy_pickle.NumpyArrayWrapper'));
    assert.match(m.pickle.scanNote ?? '', /raw numpy array data follows \(joblib\)/);
    assert.equal(m.unsafe, PICKLE_UNSAFE);
  });

  test('a PyTorch zip archive lists entries and scans archive/data.pkl', async () => {
    const pkl = await readFile(fixture('pickle', 'model.pkl'));
    const zip = storedZip([
      { name: 'archive/data.pkl', data: pkl },
      { name: 'archive/byteorder', data: Buffer.from('little') },
      { name: 'archive/data/0', data: Buffer.alloc(64) },
      { name: 'archive/version', data: Buffer.from('3\n') },
    ]);
    await withTempDir(async (dir) => {
      const m = await readPickleInfo(await writeTemp(dir, 'model.pt', zip));
      assert.equal(m.pickle.kind, 'pytorch-zip');
      assert.equal(m.formatLabel, 'PyTorch (zip)');
      assert.equal(m.pickle.zipEntryCount, 4);
      assert.deepEqual(m.pickle.zipEntries, ['archive/data.pkl', 'archive/byteorder', 'archive/data/0', 'archive/version']);
      assert.equal(m.pickle.protocol, 4);
      assert.equal(m.pickle.imports[0], 'sklearn.linear_model._logistic.LogisticRegression');
      assert.equal(m.unsafe, PICKLE_UNSAFE);

      const plain = await readPickleInfo(await writeTemp(dir, 'other.zip', storedZip([{ name: 'a.txt', data: Buffer.from('x') }])));
      assert.equal(plain.pickle.kind, 'zip');
      await assert.rejects(readPickleInfo(await writeTemp(dir, 'cut.pt', zip.subarray(0, zip.length - 30))), /^FormatError: Truncated zip archive: no central directory/);
    });
  });

  test('compressed joblib streams are identified', async () => {
    await withTempDir(async (dir) => {
      const m = await readPickleInfo(await writeTemp(dir, 'model.joblib', Buffer.from([0x78, 0x9c, 1, 2, 3, 4])));
      assert.equal(m.pickle.kind, 'joblib-compressed');
      assert.equal(m.pickle.compression, 'zlib');
      const gz = await readPickleInfo(await writeTemp(dir, 'model.pkl.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])));
      assert.equal(gz.pickle.kind, 'compressed');
      assert.equal(gz.pickle.compression, 'gzip');
    });
  });

  test('empty files and non-pickles are errors', async () => {
    await withTempDir(async (dir) => {
      await assert.rejects(readPickleInfo(await writeTemp(dir, 'empty.pkl', Buffer.alloc(0))), (err: unknown) => {
        assert.ok(err instanceof FormatError);
        assert.equal(err.message, 'Empty file: 0 bytes — not a pickle or PyTorch file');
        return true;
      });
      await assert.rejects(readPickleInfo(await writeTemp(dir, 'x.pkl', Buffer.from([0x80, 0x09, 0x00]))), /expected 2–5/);
    });
    await assert.rejects(readPickleInfo(fixture('gguf', 'ok.gguf')), /^FormatError: Not a pickle, joblib or PyTorch file: unrecognised first bytes 47 47 55 46/);
  });

  test('the opcode scan handles memoized STACK_GLOBAL names and a truncated stream', async () => {
    const pkl = await readFile(fixture('pickle', 'model.pkl'));
    const cut = await scanPickle(bufferSource(pkl.subarray(0, 60)), 0, 60);
    assert.ok(cut.note, 'a cut stream is noted');
    const whole = await scanPickle(bufferSource(pkl), 0, pkl.length);
    assert.equal(whole.note, undefined);
    assert.equal(whole.protocol, 4);
  });
});

describe('protocol 0 pickles', () => {
  test('a text-protocol pickle is recognised by walking it to STOP', async () => {
    // pickle.dumps(collections.OrderedDict(), protocol=0)
    const proto0 = Buffer.from('ccollections\nOrderedDict\np0\n((tRp1\n.', 'latin1');
    await withTempDir(async (dir) => {
      const m = await readPickleInfo(await writeTemp(dir, 'p0.pkl', proto0));
      assert.equal(m.pickle.protocol, 0);
      assert.deepEqual(m.pickle.imports, ['collections.OrderedDict']);
      assert.equal(m.unsafe, PICKLE_UNSAFE);
    });
  });
});
