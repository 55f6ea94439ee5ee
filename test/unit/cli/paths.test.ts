// How every subcommand prints a path: relative to the working directory under it, absolute outside it; and a broken
// mlship.yaml named with --config is the file each command tells the user to fix.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { shownPath } from '../../../src/cli/io';
import { run } from './helpers';

describe('paths in CLI messages', () => {
  test('shownPath: relative under the working directory, absolute outside it', () => {
    assert.equal(shownPath('/w/repo', '/w/repo/data/a.csv'), 'data/a.csv');
    assert.equal(shownPath('/w/repo', '/w/repo'), '.');
    assert.equal(shownPath('/w/repo', '/tmp/flags.json'), '/tmp/flags.json');
    assert.equal(shownPath('/w/repo', '/w/other/mlship.yaml'), '/w/other/mlship.yaml');
    // A name that starts with two dots is under the directory.
    assert.equal(shownPath('/w/repo', '/w/repo/..hidden/x'), '..hidden/x');
  });

  let root: string;
  let cwd: string;
  let outside: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-cli-paths-'));
    cwd = join(root, 'deep', 'work');
    await mkdir(cwd, { recursive: true });
    outside = join(root, 'elsewhere', 'mlship.yaml');
    await mkdir(join(root, 'elsewhere'));
    await writeFile(outside, 'version: 1\ndeployments:\n  - name: x\n    url: [oops\n');
  });
  after(() => rm(root, { recursive: true, force: true }));

  for (const args of [['status'], ['rollout', 'churn'], ['drift', 'a.csv', 'b.csv'], ['profile', 'a.csv'], ['check', '.'], ['replay', 'a.csv', '--deployment', 'x']]) {
    test(`mlship ${args[0]}: a broken --config outside the working directory is named by its absolute path`, async () => {
      const r = await run(cwd, ...args, '--config', outside);
      assert.equal(r.code, 2, r.err);
      assert.ok(r.err.includes(`${outside}:5:1: error: YAML syntax error`), r.err);
      assert.ok(r.err.includes(`mlship ${args[0]}: fix ${outside} (see the errors above) and run again.`), r.err);
      assert.doesNotMatch(r.err, /\.\.\//);
    });
  }
});
