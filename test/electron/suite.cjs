// Runs inside VS Code desktop (see runTest.mjs): activates MLShip on the sample workspace and checks its catalog.
const assert = require('node:assert/strict');
const vscode = require('vscode');

exports.run = async function run() {
  const ext = vscode.extensions.getExtension('mlship.mlship');
  assert.ok(ext, 'MLShip is installed');
  const api = await ext.activate();
  assert.equal(api.onnxRuntimeLoadedAtActivation, false);
  await new Promise((r) => setTimeout(r, 500));
  await api.whenIdle();
  const names = api.catalogs().flatMap((c) => c.models.map((m) => m.name));
  for (const name of ['credit-risk', 'delivery-eta', 'churn-gbt']) assert.ok(names.includes(name), `${name} listed`);
  const credit = api.catalogs()[0].models.find((m) => m.name === 'credit-risk');
  assert.deepEqual(credit.versions.map((v) => v.version), ['2', '1']);
  assert.ok(credit.versions[0].aliases.includes('champion'));
};
