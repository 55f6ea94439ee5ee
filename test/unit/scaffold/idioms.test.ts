// Placeholder values of generated fallbacks: of the type the caller expects, from a declared type or from the shape of
// what the function returns.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findFallbackStubs, jsDefaultForExpression, jsDefaultForType, pyDefaultForAnnotation, pyDefaultForExpression, pySeconds, splitTopLevel } from '../../../src/core/scaffold/idioms';

const none = () => undefined;

describe('Python placeholders', () => {
  test('from annotations', () => {
    const cases: [string, string | undefined][] = [
      ['float', '0.0'], ['int', '0'], ['bool', 'False'], ['str', '""'], ['bytes', 'b""'], ['None', 'None'],
      ['Optional[float]', 'None'], ['float | None', 'None'], ['Union[str, None]', 'None'], ['list[int]', '[]'], ['List[str]', '[]'],
      ['dict[str, float]', '{}'], ['typing.Dict[str, Any]', '{}'], ['tuple[str, float]', '("", 0.0)'], ['Tuple[int]', '(0,)'],
      ['tuple[int, ...]', '()'], ['np.ndarray', 'np.array([])'], ['pd.DataFrame', 'pd.DataFrame()'], ['"float"', '0.0'], ['Any', undefined],
    ];
    for (const [t, want] of cases) assert.equal(pyDefaultForAnnotation(t, none), want, t);
    assert.equal(pyDefaultForAnnotation('Verdict', (n) => (n === 'Verdict' ? 'Verdict(label="")' : undefined)), 'Verdict(label="")');
  });

  test('from returned expressions', () => {
    const cases: [string, string | undefined][] = [
      ['bool(churn)', 'False'], ['float(p)', '0.0'], ['int(label[0]) == 0', 'False'], ['p > 0.5', 'False'], ['"standard-queue"', '"standard-queue"'],
      ['200', '200'], ['f"{label} ({score:.0%})"', '""'], ['label, float(p)', '(None, 0.0)'], ['(label, 0.9)', '(None, 0.9)'],
      ['{"churn": bool(churn), "status": 200}', '{"churn": False, "status": 200}'], ['{k: v for k, v in x}', '{}'], ['{label: 1}', '{}'],
      ['jsonify({"label": label})', 'jsonify({"label": None})'], ['JSONResponse(content={"p": float(p)})', 'JSONResponse({"p": 0.0})'],
      ['json.dumps(result)', '"{}"'], ['preds.tolist()', '[]'], ['[x for x in y]', '[]'], ['model.predict(x)', undefined],
    ];
    for (const [e, want] of cases) assert.equal(pyDefaultForExpression(e), want, e);
  });
});

describe('JavaScript/TypeScript placeholders', () => {
  test('from types', () => {
    const cases: [string, string | undefined][] = [
      ['number', '0'], ['Promise<number>', '0'], ['string', "''"], ['boolean', 'false'], ['void', 'undefined'], ['string | null', 'null'],
      ['number[]', '[]'], ['Array<string>', '[]'], ['Record<string, number>', '{}'], ['Map<string, number>', 'new Map()'], ['Float32Array', 'new Float32Array(0)'],
      ['{ label: string; score: number; note?: string }', "{ label: '', score: 0 }"], ['[string, number]', "['', 0]"], ["'ok' | 'review'", "'ok'"],
    ];
    for (const [t, want] of cases) assert.equal(jsDefaultForType(t, none), want, t);
    assert.equal(jsDefaultForType('Promise<Decision>', (n) => (n === 'Decision' ? '{ approve: false }' : undefined)), '{ approve: false }');
  });

  test('from returned expressions', () => {
    const cases: [string, string | undefined][] = [
      ['Number(label)', '0'], ['predictions[0] === 1', 'false'], ["'toxic'", "'toxic'"], ['{ label, score: Number(s), ok: a > b }', '{ label: null, score: 0, ok: false }'],
      ['NextResponse.json({ label })', 'NextResponse.json({ label: null })'], ['res.status(200).json({ score: out.score })', 'res.status(200).json({ score: null })'],
      ['response.json({ items: data.items.map((x) => x.id) })', 'response.json({ items: [] })'], ['{ [key]: 1 }', '{}'], ['JSON.stringify(x)', "'{}'"], ['session.run(x)', undefined],
    ];
    for (const [e, want] of cases) assert.equal(jsDefaultForExpression(e), want, e);
  });
});

test('stub markers are found in either comment syntax, and nowhere else', () => {
  const src = 'x = 1\n    # TODO(mlship: fallback-stub): placeholder\n  // TODO(mlship: fallback-stub): y\ns = "TODO(mlship: fallback-stub)"\n';
  assert.deepEqual(findFallbackStubs(src).map((o) => src.slice(o, o + 2)), ['# ', '//']);
});

test('seconds for Python timeouts, and top-level splitting', () => {
  assert.equal(pySeconds(50), '0.05');
  assert.equal(pySeconds(2000), '2.0');
  assert.equal(pySeconds(1250), '1.25');
  assert.deepEqual(splitTopLevel('a, f(b, c), "x,y", [1, 2]', ','), ['a', ' f(b, c)', ' "x,y"', ' [1, 2]']);
  assert.deepEqual(splitTopLevel('Map<string, number>, x', ',', true), ['Map<string, number>', ' x']);
});
