// Flag files: validation with positions (flagd-core strict + MLShip's checks), rollout edits that change only what
// they must, the kill switch, creating and adding flags, and the CodeLens data.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import {
  addRolloutFlag,
  createFlagFile,
  FlagFileError,
  flagLenses,
  rolloutFlagsOf,
  parseFlagFile,
  readRollout,
  setKillSwitch,
  setRolloutPercent,
} from '../../../src/core/scaffold/flagFile';

const FILE = 'flags/flags.flagd.json';

// Hand-formatted on purpose: odd spacing and a second flag that edits must leave alone.
const HAND = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "credit-risk-model": {
      "state": "ENABLED",
      "variants": {"on": true, "off": false},
      "defaultVariant": "off",
      "targeting": {
        "fractional": [ ["on",   5], ["off",95] ]
      }
    },
    "banner-color": {
      "state": "ENABLED",
      "variants": { "red": "red", "blue": "blue" },
      "defaultVariant": "red",
      "targeting": { "if": [ { "in": [ { "var": "country" }, [ "de", "fr" ] ] }, "blue", null ] }
    }
  }
}
`;

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** flagd-core (strict) on a text: the resolved value for a targeting key. */
function flagdCoreValue(text: string, flag: string, targetingKey: string): { value: boolean; reason?: string } {
  const storage = new MemoryStorage(silent);
  storage.setConfigurations(text, true);
  return new FlagdCore(storage, silent).resolveBooleanEvaluation(flag, false, { targetingKey }, silent);
}

function issuesOf(text: string): string[] {
  return parseFlagFile(text).issues.map((i) => `${i.range.start.line}:${i.range.start.column} ${i.severity} ${i.message}`);
}

function onShare(text: string, flag: string): number {
  let on = 0;
  for (let i = 0; i < 2000; i++) if (flagdCoreValue(text, flag, `u${i}`).value) on++;
  return on / 20;
}

describe('parseFlagFile', () => {
  test('a valid file: flags with the positions of their keys, no issues', () => {
    const parsed = parseFlagFile(HAND);
    assert.deepEqual(parsed.issues, []);
    assert.ok(parsed.definition);
    assert.deepEqual(
      parsed.flags.map((f) => [f.key, f.keyRange.start.line, f.keyRange.start.column]),
      [
        ['credit-risk-model', 4, 5],
        ['banner-color', 12, 5],
      ],
    );
  });

  test('hand-broken JSON: trailing comma, comment, missing brace, empty file — each with line, column and what to do', () => {
    assert.deepEqual(issuesOf('{\n  "flags": {\n    "a": {"state": "ENABLED", "variants": {"on": true},},\n  }\n}\n').slice(0, 1), [
      '3:56 error Trailing comma before "}": remove the comma (flag files are plain JSON).',
    ]);
    assert.match(issuesOf('{\n  // rollout\n  "flags": {}\n}')[0] ?? '', /^2:3 error Comments are not allowed/);
    assert.match(issuesOf('{ "flags": { "a": { "state": "ENABLED" }\n')[0] ?? '', /error JSON syntax error: A "}" is missing/);
    assert.deepEqual(issuesOf('  \n'), ['1:1 error The flag file is empty: it needs { "flags": { … } }.']);
    assert.match(issuesOf('[1, 2]')[0] ?? '', /A flag file is a JSON object/);
    assert.equal(parseFlagFile('{ "flags": { "a": 1, }').definition, undefined);
  });

  test('a byte order mark (as some Windows editors save UTF-8) is named, with what to do', () => {
    assert.deepEqual(issuesOf('\uFEFF{\n  "flags": {}\n}\n'), [
      "1:1 error The file starts with a byte order mark (BOM), which flagd, flagd-core and Python's json reject: save it as UTF-8 without BOM.",
    ]);
  });

  test("what flagd-core lets through: unknown properties, non-integer and negative weights, unknown fractional variants, missing $ref", () => {
    const text = `{
  "flags": {
    "f": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVarient": "off",
      "targeting": { "fractional": [["on", 5.5], ["onn", 10], ["off", -5]] }
    },
    "g": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "if": [{ "$ref": "is_admin" }, "on", "off"] }
    }
  },
  "flagz": {}
}`;
    const issues = issuesOf(text);
    assert.deepEqual(issues, [
      '16:3 error Unknown property "flagz" at the top level: flagd ignores it. Did you mean "flags"? Allowed: $schema, flags, $evaluators, metadata.',
      '6:7 error Unknown property "defaultVarient" in flag "f": flagd ignores it. Did you mean "defaultVariant"? Allowed: state, variants, defaultVariant, targeting, metadata.',
      '7:44 error The weight 5.5 of "on" in flag "f" is not a whole number: flagd then ignores the whole rule and serves the default variant. Use whole numbers (scale all weights, e.g. 55 and 945 for 5.5 %).',
      '7:51 error Fractional variant "onn" is not a variant of flag "f" (on, off): users bucketed there get an error and the caller\'s default. Add the variant or fix the name.',
      '7:71 error The weight -5 of "off" in flag "f" is negative: flagd counts it as 0. Use 0 or a positive whole number.',
      '13:39 error $ref "is_admin" names no evaluator in "$evaluators": flagd cannot use this flag\'s targeting. Add it under "$evaluators" or fix the name.',
    ]);
    const storage = new MemoryStorage(silent);
    assert.doesNotThrow(() => storage.setConfigurations(text.replace('["onn", 10], ["off", -5]', '["onn", 10], ["off", 5]').replace('5.5', '5'), true), 'flagd-core strict lets these through');
  });

  test('default variant not among the variants, mixed variant types, bad state, duplicate keys', () => {
    const text = `{
  "flags": {
    "f": { "state": "ON", "variants": { "on": true, "off": "no" }, "defaultVariant": "maybe" },
    "f": { "state": "ENABLED", "variants": { "on": true, "on": false }, "defaultVariant": "on" }
  }
}`;
    assert.deepEqual(issuesOf(text), [
      '4:5 error Duplicate key "f" (first on line 3): JSON keeps only the last one. Remove or rename one of them.',
      '4:58 error Duplicate key "on" (first on line 4): JSON keeps only the last one. Remove or rename one of them.',
      '3:21 error "state" of flag "f" must be "ENABLED" or "DISABLED", not "ON".',
      '3:39 error Variants of flag "f" mix boolean and string values: flagd requires one type per flag.',
      '3:86 error "defaultVariant" "maybe" of flag "f" is not one of its variants (on, off): flagd rejects the whole file. Use one of them.',
    ]);
  });

  test("flagd-core's strict schema is applied after MLShip's checks, at the place it names", () => {
    const issues = issuesOf('{ "flags": { "f": { "state": "ENABLED", "variants": { "on": true }, "defaultVariant": "on", "targeting": { "foo": [1] } } } }');
    assert.equal(issues.length, 2);
    assert.match(issues[0] ?? '', /warning operator "foo" is not supported by MLShip's flagd evaluators/);
    assert.match(issues[1] ?? '', /^1:106 error flagd's schema rejects \/flags\/f\/targeting: must NOT have additional properties \{"additionalProperty":"foo"\}/);
  });

  test('an operator flagd supports but MLShip does not is a warning; the file stays usable', () => {
    const parsed = parseFlagFile('{ "flags": { "f": { "state": "ENABLED", "variants": { "a": "a" }, "defaultVariant": "a", "targeting": { "map": [[1], { "var": "" }] } } } }');
    assert.ok(parsed.definition);
    assert.deepEqual(parsed.issues.map((i) => i.severity), ['warning']);
    assert.match(parsed.issues[0]?.message ?? '', /operator "map" is not supported .* resolve flag "f" to the caller's default/);
  });
});

describe('rollout edits', () => {
  test('5 → 25 → 50 → 100 changes only the two weights; the other flag and the formatting stay byte for byte', () => {
    let text = HAND;
    const steps: [number, string][] = [];
    for (const p of [25, 50, 100]) {
      const result = setRolloutPercent(text, FILE, 'credit-risk-model', p);
      assert.equal(result.edits.length, 2);
      assert.ok(result.edits.every((e) => /^\d+$/.test(e.content)));
      text = result.text;
      steps.push([p, text.split('\n')[8] ?? '']);
      assert.equal(readRollout(text, FILE, 'credit-risk-model').percent, p);
    }
    assert.deepEqual(steps, [
      [25, '        "fractional": [ ["on",   25], ["off",75] ]'],
      [50, '        "fractional": [ ["on",   50], ["off",50] ]'],
      [100, '        "fractional": [ ["on",   100], ["off",0] ]'],
    ]);
    const others = (t: string) => t.split('\n').filter((_, i) => i !== 8);
    assert.deepEqual(others(text), others(HAND));
    assert.equal(onShare(text, 'credit-risk-model'), 100);
  });

  test('a custom percentage, and the same percentage twice changes nothing', () => {
    const at12 = setRolloutPercent(HAND, FILE, 'credit-risk-model', 12);
    assert.match(at12.text, /\["on", {3}12\], \["off",88\]/);
    assert.ok(Math.abs(onShare(at12.text, 'credit-risk-model') - 12) < 2.5);
    assert.deepEqual(setRolloutPercent(at12.text, FILE, 'credit-risk-model', 12).edits, []);
  });

  test('invalid percentages are refused', () => {
    for (const p of [12.5, 101, -1, Number.NaN]) assert.throws(() => setRolloutPercent(HAND, FILE, 'credit-risk-model', p), /whole number from 0 to 100/);
  });

  test('kill switch: DISABLED keeps the weights, serves the default, and releasing it restores the percentage', () => {
    const killed = setKillSwitch(HAND, FILE, 'credit-risk-model', true);
    assert.deepEqual(killed.edits, [{ offset: HAND.indexOf('"ENABLED"'), length: 9, content: '"DISABLED"' }]);
    assert.deepEqual(readRollout(killed.text, FILE, 'credit-risk-model'), { flagKey: 'credit-risk-model', state: 'DISABLED', percent: 5, effectivePercent: 0, killSwitch: true });
    assert.deepEqual(flagdCoreValue(killed.text, 'credit-risk-model', 'u1'), { value: false, reason: 'DISABLED', flagMetadata: {} });
    assert.equal(onShare(killed.text, 'credit-risk-model'), 0);
    assert.deepEqual(setKillSwitch(killed.text, FILE, 'credit-risk-model', true).edits, []);
    const released = setKillSwitch(killed.text, FILE, 'credit-risk-model', false);
    assert.equal(released.text, HAND);
    const raised = setRolloutPercent(killed.text, FILE, 'credit-risk-model', 25);
    assert.equal(raised.edits.length, 3, 'state back to ENABLED and both weights');
    assert.deepEqual(readRollout(raised.text, FILE, 'credit-risk-model').effectivePercent, 25);
  });

  test('refusals: a flag that is not a rollout flag, a missing flag, a broken file — nothing changes', () => {
    assert.throws(() => setRolloutPercent(HAND, FILE, 'banner-color', 50), (e: unknown) => e instanceof FlagFileError && /"banner-color" is not a rollout flag: it needs variants "on": true and "off": false/.test(e.message));
    assert.throws(() => setRolloutPercent(HAND, FILE, 'credit-risk-modle', 50), /Flag "credit-risk-modle" is not in flags\/flags.flagd.json. Did you mean "credit-risk-model"\?/);
    const broken = HAND.replace('"defaultVariant": "off",', '"defaultVariant": "off",,');
    assert.throws(
      () => setRolloutPercent(broken, FILE, 'credit-risk-model', 50),
      (e: unknown) => e instanceof FlagFileError && /^flags\/flags.flagd.json is not a valid flag file; nothing was changed:\n {2}flags\/flags.flagd.json:7:31: error: JSON syntax error: A property name in double quotes is expected here\. Fix the JSON; nothing is read from this file until it parses\.$/.test(e.message),
    );
    const weights = HAND.replace('["off",95]', '["off",90], ["on", 5]');
    assert.throws(() => setKillSwitch(weights, FILE, 'credit-risk-model', true), /exactly the buckets \["on", weight\] and \["off", weight\]/);
  });
});

describe('creating files and adding flags', () => {
  test('a new file: one rollout flag at the chosen %, valid for flagd-core', () => {
    const text = createFlagFile('credit-risk-model', 5);
    assert.equal(
      text,
      `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "credit-risk-model": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "off",
      "targeting": {
        "fractional": [
          ["on", 5],
          ["off", 95]
        ]
      }
    }
  }
}
`,
    );
    assert.deepEqual(parseFlagFile(text).issues, []);
    assert.ok(Math.abs(onShare(text, 'credit-risk-model') - 5) < 1.5);
    assert.deepEqual(flagdCoreValue(text, 'credit-risk-model', ''), { value: false, reason: 'DEFAULT', variant: 'off', flagMetadata: {} }, 'no targeting key: off');
  });

  test('adding appends after the last flag in the file’s indentation and leaves the rest untouched', () => {
    const added = addRolloutFlag(HAND, FILE, 'churn-model', 25);
    assert.equal(added.edits.length, 1);
    const at = added.edits[0]?.offset ?? 0;
    assert.equal(added.text.slice(0, at), HAND.slice(0, at));
    assert.equal(added.text.slice(at + (added.edits[0]?.content.length ?? 0)), HAND.slice(at));
    assert.match(added.text, /\n {4}\},\n {4}"churn-model": \{\n {6}"state": "ENABLED",\n/);
    assert.deepEqual(parseFlagFile(added.text).issues, []);
    assert.equal(readRollout(added.text, FILE, 'churn-model').percent, 25);
  });

  test('tabs, CRLF and an empty "flags" object', () => {
    const tabs = '{\r\n\t"flags": {}\r\n}\r\n';
    const added = addRolloutFlag(tabs, FILE, 'x', 5);
    assert.equal(added.text, '{\r\n\t"flags": {\r\n\t\t"x": {\r\n\t\t\t"state": "ENABLED",\r\n\t\t\t"variants": {\r\n\t\t\t\t"on": true,\r\n\t\t\t\t"off": false\r\n\t\t\t},\r\n\t\t\t"defaultVariant": "off",\r\n\t\t\t"targeting": {\r\n\t\t\t\t"fractional": [\r\n\t\t\t\t\t["on", 5],\r\n\t\t\t\t\t["off", 95]\r\n\t\t\t\t]\r\n\t\t\t}\r\n\t\t}\r\n\t}\r\n}\r\n');
    const again = addRolloutFlag(added.text, FILE, 'y', 50);
    assert.deepEqual(parseFlagFile(again.text).flags.map((f) => f.key), ['x', 'y']);
    assert.ok(!again.text.replace(/\r\n/g, '').includes('\n'), 'line endings stay CRLF');
  });

  test('a key that exists, an empty key and a broken file are refused', () => {
    assert.throws(() => addRolloutFlag(HAND, FILE, 'banner-color', 5), /Flag "banner-color" already exists in flags\/flags.flagd.json \(line 12\); nothing was changed/);
    assert.throws(() => addRolloutFlag(HAND, FILE, '', 5), /cannot be a flag key/);
    assert.throws(() => addRolloutFlag('{ "flags": { ', FILE, 'x', 5), FlagFileError);
  });
});

describe('flagLenses', () => {
  test('each flag with the range of its key and its rollout', () => {
    const killed = setKillSwitch(setRolloutPercent(HAND, FILE, 'credit-risk-model', 25).text, FILE, 'credit-risk-model', true).text;
    const lenses = flagLenses(killed);
    assert.deepEqual(
      lenses.map((l) => [l.flagKey, l.range.start.line, l.range.start.column, l.title]),
      [
        ['credit-risk-model', 4, 5, 'kill switch on (25 % when released)'],
        ['banner-color', 12, 5, 'not a rollout flag'],
      ],
    );
    assert.equal(flagLenses(HAND)[0]?.title, '5 % on');
    assert.equal(flagLenses(HAND.replace('["on",   5], ["off",95]', '["on", 1], ["off", 7]'))[0]?.title, '12.5 % on');
    assert.deepEqual(flagLenses('{ "flags": '), []);
  });

  test('choosing a flag to change: a broken file names its errors and lines, not "no rollout flag"', () => {
    assert.deepEqual(rolloutFlagsOf(HAND, FILE).map((f) => f.flagKey), ['credit-risk-model']);
    assert.throws(
      () => rolloutFlagsOf(HAND.replace('"defaultVariant": "off",', '"defaultVariant": "off",,'), FILE),
      (e: unknown) => e instanceof FlagFileError && /^flags\/flags\.flagd\.json is not a valid flag file; nothing was changed:\n {2}flags\/flags\.flagd\.json:\d+:\d+: error: JSON syntax error/.test(e.message),
    );
    const onlyBanner = '{\n  "flags": {\n    "banner": { "state": "ENABLED", "variants": { "a": "x" }, "defaultVariant": "a" }\n  }\n}\n';
    assert.throws(() => rolloutFlagsOf(onlyBanner, FILE), /^FlagFileError: flags\/flags\.flagd\.json has no rollout flag .* Add one with `mlship rollout <flag> <percent> --create`\.$/);
  });

  test('a negative weight counts as 0, as flagd counts it: never a share below 0 % or above 100 %', () => {
    assert.equal(flagLenses(HAND.replace('["on",   5], ["off",95]', '["on", -5], ["off", 95]'))[0]?.title, '0 % on');
    assert.equal(flagLenses(HAND.replace('["on",   5], ["off",95]', '["on", 105], ["off", -5]'))[0]?.title, '100 % on');
  });
});
