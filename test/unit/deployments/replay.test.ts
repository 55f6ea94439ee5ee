// Replay Snapshot Traffic against the local server: bounded by count and by duration, cancellable, shifts parsed
// and applied, failures counted with the reason instead of thrown.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OipClient, type OipModelMetadata } from '../../../src/core/deployments/oip';
import { orderReplayChoices, parseShift, replayMisfit, replayMisfitSummary, replayMissingInputs, replaySnapshot, replayUnavailable, shiftRow, type ReplayCandidate } from '../../../src/core/deployments/replay';
import { startModelServer, type RunningServer } from '../../../src/serve/server';
import { refusedUrl } from './faultServers';

const ROOT = resolve(__dirname, '..', '..', '..');
const FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'];
const rows = Array.from({ length: 10 }, (_, i) => ({ age: 30 + i, income: 40000 + i, debt_ratio: 0.3, credit_lines: 2, late_payments: 0, months_employed: 12, defaulted: i % 2 }));

describe('replaySnapshot', () => {
  let server: RunningServer;
  let client: OipClient;
  let metadata: OipModelMetadata;

  before(async () => {
    server = await startModelServer({ modelPath: join(ROOT, 'test', 'fixtures', 'models', 'credit-risk-v2.onnx'), modelName: 'credit-risk', modelVersion: '2' });
    client = new OipClient({ url: server.endpoint.url, model: 'credit-risk' });
    metadata = await client.modelMetadata();
  });
  after(async () => server?.close());

  it('parses and applies column shifts', () => {
    assert.deepEqual(parseShift('income*1.3'), { column: 'income', op: '*', by: 1.3 });
    assert.deepEqual(parseShift(' age - 5 '), { column: 'age', op: '+', by: -5 });
    assert.deepEqual(parseShift('region=north'), { column: 'region', op: '=', value: 'north' });
    assert.throws(() => parseShift('income'), /not a column shift/);
    assert.throws(() => parseShift('income*lots'), /not a number/);
    assert.deepEqual(shiftRow({ income: 100, age: 30, region: 'x' }, [parseShift('income*2'), parseShift('age+1'), parseShift('region=y')]), { income: 200, age: 31, region: 'y' });
  });

  it('stops at the request count, and at the duration when that comes first', async () => {
    const byCount = await replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 1000, maxRequests: 25, maxDurationMs: 60_000 });
    assert.equal(byCount.stoppedBy, 'count');
    assert.equal(byCount.ok, 25);
    assert.equal(new Set(byCount.ids).size, 25);
    const byDuration = await replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 10, maxRequests: 1000, maxDurationMs: 350 });
    assert.equal(byDuration.stoppedBy, 'duration');
    assert.equal(byDuration.sent, 4, 'requests due at 0, 100, 200 and 300 ms');
  });

  it('can be cancelled, and waits for nothing more once it is', async () => {
    const abort = new AbortController();
    const pending = replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 20, maxRequests: 1000, maxDurationMs: 60_000, labelColumn: 'defaulted', feedbackShare: 1, feedbackDelayMs: 60_000, signal: abort.signal, onProgress: (p) => p.ok >= 3 && abort.abort() });
    const r = await pending;
    assert.equal(r.stoppedBy, 'cancelled');
    assert.ok(r.sent < 10);
    assert.equal(r.feedback, 0, 'feedback still waiting for its delay is dropped');
  });

  it('says up front why a snapshot cannot be replayed to the model, before any question about the replay', () => {
    assert.equal(replayMisfit(metadata, rows, FEATURES), undefined);
    // Another model's data (the delivery-eta snapshot): none of the credit-risk features.
    const deliveries = [{ order_id: 'D-100000', distance_km: 4.7, items: 3, prep_time_min: 16, hour_of_day: 11, is_raining: 0, eta_minutes: 34.5 }];
    assert.match(replayMisfit(metadata, deliveries, FEATURES) ?? '', /The snapshot's columns do not fit the model's inputs \(float_input: FP32 \[-1, 6\]\)/);
    assert.equal(replayMisfit(metadata, [], FEATURES), 'The snapshot has no rows to replay.');
  });

  it('counts a request whose scores came back NaN (a missing value sent) as failed, with the server\'s reason', async () => {
    // Row 3 lacks its income: it is sent as NaN, which this model cannot score.
    const gappy = rows.map((r, i) => (i === 3 ? { ...r, income: null } : r));
    const r = await replaySnapshot({ client, metadata, rows: gappy, featureNames: FEATURES, rate: 1000, maxRequests: 10, maxDurationMs: 10_000 });
    assert.deepEqual([r.sent, r.ok, r.failed], [10, 9, 1]);
    assert.ok(!r.ids.some((id) => id.endsWith('-3')), 'the failed request is not among the answered ones');
    assert.match(r.lastError ?? '', /answered HTTP 422: Output "probabilities" holds NaN in 1 of 1 row \(row 0\): the model cannot score the NaN or infinite values it was sent/);
  });

  it('counts failures with the reason instead of throwing, and refuses invalid options up front', async () => {
    const dead = new OipClient({ url: await refusedUrl(), model: 'credit-risk' });
    const r = await replaySnapshot({ client: dead, metadata, rows, featureNames: FEATURES, rate: 1000, maxRequests: 3, maxDurationMs: 10_000 });
    assert.equal(r.failed, 3);
    assert.match(r.lastError ?? '', /Connection refused/);
    await assert.rejects(replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 0, maxRequests: 1, maxDurationMs: 1 }), /rate must be more than 0/);
    await assert.rejects(replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 1, maxRequests: 1, maxDurationMs: 1000, feedbackShare: 0.5 }), /needs the label column/);
    await assert.rejects(replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 1, maxRequests: 1, maxDurationMs: 1000, shifts: [parseShift('salary*2')] }), /no column "salary"/);
    await assert.rejects(replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 1, maxRequests: 1, maxDurationMs: 1000, labelColumn: 'outcome', feedbackShare: 0.5 }), /no values in the label column "outcome"/);
    const noFeedback = await replaySnapshot({ client, metadata, rows, featureNames: FEATURES, rate: 1000, maxRequests: 1, maxDurationMs: 10_000, labelColumn: 'outcome', feedbackShare: 0 });
    assert.deepEqual([noFeedback.ok, noFeedback.feedback], [1, 0], 'no feedback asked: a label column without values does not matter');
  });
});

describe('the snapshots Replay Snapshot Traffic offers', () => {
  const metadata: Pick<OipModelMetadata, 'inputs'> = { inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 6] }] };
  const candidate = (snapshotId: string, dataset: string, misfit?: string): ReplayCandidate<string> => ({ item: snapshotId, snapshotId, dataset, ...(misfit !== undefined ? { misfit } : {}) });

  it('puts the training snapshot first, then its dataset, then the rest, and the ones that do not fit apart', () => {
    // Catalog order: datasets as discovered, newest snapshot first.
    const candidates = [
      candidate('deliveries-v2', 'deliveries', 'None of the columns.'),
      candidate('deliveries-v1', 'deliveries', 'None of the columns.'),
      candidate('other-2025-12', 'other'),
      candidate('applications-2025-11', 'applications'),
      candidate('applications-2025-10', 'applications'),
      candidate('applications-2025-09', 'applications', 'The snapshot has no rows to replay.'),
    ];
    const { fitting, misfits } = orderReplayChoices(candidates, new Set(['applications-2025-10']));
    assert.deepEqual(fitting.map((c) => [c.item, c.relation]), [
      ['applications-2025-10', 'training'],
      ['applications-2025-11', 'sibling'],
      ['other-2025-12', 'other'],
    ]);
    assert.deepEqual(misfits.map((c) => [c.item, c.relation, c.misfit]), [
      ['applications-2025-09', 'sibling', 'The snapshot has no rows to replay.'],
      ['deliveries-v2', 'other', 'None of the columns.'],
      ['deliveries-v1', 'other', 'None of the columns.'],
    ]);
  });

  it('tags the drift baseline found by the drift rule and puts it first; the training snapshot is no baseline when another is set', () => {
    const at = (id: string, dataset: string): ReplayCandidate<string> => ({ ...candidate(id, dataset), path: `/ws/data/${id}.csv` });
    const candidates = [at('applications-2025-11', 'applications'), at('applications-2025-10', 'applications'), at('reference-2025-06', 'reference')];
    // drift.baselines (or the deployment's own baseline:) names a snapshot other than the training one.
    const set = orderReplayChoices(candidates, new Set(['applications-2025-10']), '/ws/data/../data/reference-2025-06.csv');
    assert.deepEqual(set.fitting.map((c) => [c.item, c.relation, c.baseline]), [
      ['reference-2025-06', 'other', true],
      ['applications-2025-10', 'training', false],
      ['applications-2025-11', 'sibling', false],
    ]);
    // With the lineage as the rule's answer, the training snapshot is the baseline.
    const lineage = orderReplayChoices(candidates, new Set(['applications-2025-10']), '/ws/data/applications-2025-10.csv');
    assert.deepEqual(lineage.fitting.map((c) => [c.item, c.baseline]), [
      ['applications-2025-10', true],
      ['applications-2025-11', false],
      ['reference-2025-06', false],
    ]);
    // No baseline: none is tagged.
    assert.deepEqual(orderReplayChoices(candidates, new Set(['applications-2025-10'])).fitting.map((c) => c.baseline), [false, false, false]);
  });

  it('lists the snapshots with no rows here last, apart from those that do not fit, each saying what to do', () => {
    const candidates: ReplayCandidate<string>[] = [
      { ...candidate('features-train', 'features'), unavailable: 'not pulled — run dvc pull data/features/train.parquet' },
      candidate('deliveries-v1', 'deliveries', 'None of the columns.'),
      { ...candidate('applications-2025-12', 'applications'), unavailable: 'not pulled — run dvc pull data/applications-2025-12.csv' },
      candidate('applications-2025-11', 'applications'),
      candidate('applications-2025-10', 'applications'),
      { ...candidate('images', 'images'), unavailable: 'a folder of 3 files — replay one of its files' },
    ];
    const { fitting, misfits, unavailable } = orderReplayChoices(candidates, new Set(['applications-2025-10']));
    assert.deepEqual(fitting.map((c) => c.item), ['applications-2025-10', 'applications-2025-11']);
    assert.deepEqual(misfits.map((c) => c.item), ['deliveries-v1']);
    // The served model's dataset first here too; then the catalog's order.
    assert.deepEqual(unavailable.map((c) => [c.item, c.relation, c.unavailable]), [
      ['applications-2025-12', 'sibling', 'not pulled — run dvc pull data/applications-2025-12.csv'],
      ['features-train', 'other', 'not pulled — run dvc pull data/features/train.parquet'],
      ['images', 'other', 'a folder of 3 files — replay one of its files'],
    ]);
    // No rows here outranks a misfit judged on rows (there are none to judge).
    const both = orderReplayChoices([{ ...candidate('x', 'x', 'Could not read it.'), unavailable: 'not pulled — run dvc pull x.csv' }], new Set());
    assert.deepEqual([both.fitting.length, both.misfits.length, both.unavailable[0]?.unavailable], [0, 0, 'not pulled — run dvc pull x.csv']);
  });

  it('says why a snapshot has no rows here and what to do: pull it, replay a file of the folder, or fix the file', () => {
    const dvc = { isDir: false };
    assert.equal(replayUnavailable({ relPath: 'data/transactions.csv', format: 'csv', present: false, dvc }), 'not pulled — run dvc pull data/transactions.csv');
    assert.equal(replayUnavailable({ relPath: 'data/raw files/x.csv', format: 'csv', present: false, dvc }), "not pulled — run dvc pull 'data/raw files/x.csv'");
    assert.equal(replayUnavailable({ relPath: 'data/images', format: 'directory', present: false, dvc: { isDir: true, nfiles: 1200 } }), 'a folder of 1,200 files, not pulled — run dvc pull data/images, then replay one of its files');
    assert.equal(replayUnavailable({ relPath: 'data/shards', format: 'directory', present: true, dvc: { isDir: true, nfiles: 1 } }), 'a folder of 1 file — replay one of its files');
    assert.equal(replayUnavailable({ relPath: 'data/shards', format: 'directory', present: true, dvc: { isDir: true } }), 'a folder — replay one of its files');
    assert.equal(replayUnavailable({ relPath: 'data/bad.parquet', format: 'parquet', present: true, error: { message: 'data/bad.parquet is not a Parquet file (no PAR1 footer).' } }), 'cannot be read — data/bad.parquet is not a Parquet file (no PAR1 footer).');
    assert.equal(replayUnavailable({ relPath: 'data/transactions.csv', format: 'csv', present: true, dvc }), undefined);
    assert.equal(replayUnavailable({ relPath: 'data/holdout.tsv', format: 'tsv', present: true }), undefined);
  });

  it('keeps the catalog order when the served version (and so its training data) is not known', () => {
    const { fitting, misfits } = orderReplayChoices([candidate('b', 'y'), candidate('a', 'x'), candidate('c', 'x')], new Set());
    assert.deepEqual(fitting.map((c) => c.item), ['b', 'a', 'c']);
    assert.ok(fitting.every((c) => c.relation === 'other'));
    assert.deepEqual(misfits, []);
  });

  it('says in a line why rows do not fit: none of the model\'s input columns', () => {
    const deliveries = [{ order_id: 'D-100000', distance_km: 4.7, items: 3, prep_time_min: 16, hour_of_day: 11, is_raining: 0, eta_minutes: 34.5 }];
    assert.equal(replayMisfitSummary(metadata, deliveries, FEATURES), "None of the model's 6 input columns is in the snapshot (age, income, debt_ratio, credit_lines and 2 more).");
    // Rows with some of the input columns fit (the others are sent as missing values).
    const noAgeNorIncome = Object.fromEntries(Object.entries(rows[0] as Record<string, unknown>).filter(([k]) => k !== 'age' && k !== 'income'));
    assert.equal(replayMisfitSummary(metadata, [noAgeNorIncome], FEATURES), undefined);
    assert.equal(replayMisfitSummary(metadata, rows, FEATURES), undefined);
    // Without feature names there is no column to name: replayMisfit()'s reason.
    assert.equal(replayMisfitSummary(metadata, deliveries), replayMisfit(metadata, deliveries));
    assert.equal(replayMisfitSummary(metadata, [], FEATURES), 'The snapshot has no rows to replay.');
    // What fits with inputs missing says which, on its own line (the picker's and the CLI's warning).
    assert.equal(
      replayMissingInputs([noAgeNorIncome], FEATURES),
      "2 of the model's 6 inputs are not in the snapshot (age, income): every request sends them as missing values (NaN)",
    );
    const onlyTwo = { age: 30, income: 1 };
    assert.match(replayMissingInputs([onlyTwo], FEATURES) ?? '', /^4 of the model's 6 inputs are not in the snapshot \(debt_ratio, credit_lines, late_payments, months_employed\)/);
    assert.equal(replayMissingInputs(rows, FEATURES), undefined);
    assert.equal(replayMissingInputs(deliveries, FEATURES), undefined, 'none there: a misfit, not a partial fit');
    assert.equal(replayMissingInputs([noAgeNorIncome]), undefined, 'input names unknown');
    assert.equal(replayMissingInputs([], FEATURES), undefined);
  });
});
