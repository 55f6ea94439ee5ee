import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bodyEnd, bracketPairs, declarationScope, pairAt } from '../../../src/core/analysis/js/brackets';
import { info } from '../../../src/core/analysis/js/prescan';

/** The text between a pair's brackets, for the pair holding the first `at` marker (`@`) of `text`. */
const held = (text: string): string => {
  const b = bracketPairs(text);
  assert.ok(b, text);
  const k = pairAt(b, text.indexOf('@'));
  return k < 0 ? text : text.slice((b.open[k] as number) + 1, b.close[k]);
};

/** The pre-scan facts of `text` read as one statement that parses. */
const facts = (text: string) => info(text, { type: 'lexical_declaration', start: 0, end: text.length });

describe('bracket scan of a statement', () => {
  test('pairs nest as written; brackets in strings, templates, comments and regular expressions are skipped', () => {
    assert.equal(held('f(a, [b, { c: @ }])'), ' c: @ ');
    assert.equal(held("f(')', \"]\", { x: @ })"), ' x: @ ');
    assert.equal(held('f(`}) ${ g(@) } (`)'), '@');
    assert.equal(held('f(/* ) */ a, // }\n [@])'), '@');
    assert.equal(held('f(x.replace(/[)}\\]]+/g, ""), { y: @ })'), ' y: @ ');
    assert.equal(held('f(a / b, [@])'), '@');
    assert.equal(held('@ outside'), '@ outside');
  });

  test('unmatched brackets, an unclosed string or comment: no pairs (nothing is assumed about scopes)', () => {
    for (const text of ['f(a]', 'f(a', 'a)', "f('a)", 'f(/* a)', 'f(`a)']) assert.equal(bracketPairs(text), undefined, text);
  });

  test('a declaration is local to its block, a `for` or `catch` head with its block, or the whole text; a namespace\'s or static block\'s are the program\'s', () => {
    const scope = (text: string): string | undefined => {
      const b = bracketPairs(text);
      assert.ok(b);
      const s = declarationScope(text, b, text.indexOf('u'));
      return s && text.slice(s[0], s[1] + 1);
    };
    assert.equal(scope('[() => { let u; }, v]'), '{ let u; }');
    assert.equal(scope('f(() => { for (let u = 0; u < 1; u++) { g(u); } h(); })'), '(let u = 0; u < 1; u++) { g(u); }');
    assert.equal(scope('let u = 1, v = 2'), 'let u = 1, v = 2');
    assert.equal(scope('namespace NS { let u = 1; }'), undefined);
    assert.equal(scope('class K { static { let u = 1; } }'), undefined);
  });

  test("a function's body ends with its block, or its arrow's expression at the next `,`, `;` or line break", () => {
    const body = (text: string, after: string): string => {
      const b = bracketPairs(text);
      assert.ok(b);
      const from = text.indexOf(after) + after.length;
      return text.slice(from, bodyEnd(text, b, from)).trim();
    };
    assert.equal(body('[(u) => u + 1, u = 2]', '=>'), 'u + 1');
    assert.equal(body('f((u) => g(u, 1))', '=>'), 'g(u, 1)');
    assert.equal(body('const log = (u) => console.log(u)\nu = 2', '=>'), 'console.log(u)');
    assert.equal(body('x = [function (u) { return u; }, 2]', ') '), '{ return u;');
  });

  test('JSX: no pairs (its text may hold quotes and brackets)', () => {
    assert.equal(bracketPairs("const C = () => { let u = 1; return <p>Don't {u}</p> };"), undefined);
  });
});

describe('what a statement that parses assigns', () => {
  test('an assignment in scope of a declaration or parameter of the same name is local', () => {
    const f = facts('const pick = (xs) => { let best = null; for (const x of xs) { if (!best) best = x; } xs = []; return best; };');
    assert.deepEqual([...f.assigns], ['pick']);
    assert.ok(!f.provides.has('best') && !f.provides.has('xs'));
    const g = facts('const load = function (model, threshold = 0.5) { model.ready = true; try { run(); } catch (err) { err = null; } };');
    assert.deepEqual([...g.assigns], ['load']);
  });

  test('an assignment outside the scope of every declaration or parameter of its name gives a value to the program\'s binding', () => {
    for (const text of [
      "const B = [() => { let u; }, u = 'x'];",
      "const B = [(u) => 0, u = 'x'];",
      "const B = [{ m() { { let u = 1; } } }, u = 'x'];",
      "const B = [(() => { if (u) { return 0; } })(), u = 'x'];",
      // No declaration or parameter of the name at all: anonymous functions, conditionals, default values, comments,
      // strings, properties, named function expressions; namespaces and static blocks, whose declarations are the
      // program's; a `for await` head; JSX, where nothing is assumed.
      '$(document).ready(async function () { u = await load(); });',
      'export const pick = (ready) => ready ? use(u) : async path => { u = await load(path); };',
      'function f(p) { switch (p) { case (u): { u = 1; } } }',
      'function f() {\n  const log = u => console.log(u)\n  u = load()\n}',
      'async function load(path, m = u) { if (!m) u = await read(path); }',
      'function f() { if (!u) { // let u be made once\n u = 1; } }',
      "function f() { const s = 'let u'; u = 1; }",
      'function f(msg) { if (msg.type) u = 1; }',
      'function f(req) {\n  const k = req.type\n  u = 1\n}',
      'const B = [function u() {}, u = 1];',
      'namespace NS { let u = 1; u = 2; }',
      'class K { static { let u = 1; u = 2; } }',
      'async function f(xs) { for await (const u of xs) {} u = 1; }',
      'const C = () => { let u = 1; u = 2; return <p>x</p>; };',
    ]) {
      const f = facts(text);
      assert.ok(f.assigns.has('u') && f.provides.has('u'), text);
    }
    // A member added outside the function whose parameter has the name: the program's `u` gets it.
    const m = facts("const B = [(u) => 0, u.url = 'x'];");
    assert.ok(m.assigns.has('u') && !m.provides.has('u'));
  });

  test('with brackets the scan cannot match, every assignment is the program\'s', () => {
    // A regular expression after `if (…)` reads as a division: the `)` in its class is then unmatched.
    const f = facts("const B = () => { let u; if (ok) /[)]/.test(u); u = 'x'; };");
    assert.ok(f.assigns.has('u'));
  });
});
