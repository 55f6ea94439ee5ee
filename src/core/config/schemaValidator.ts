// A small JSON Schema (draft-07 subset) validator: the manifest's schema file is the single source of truth for both
// editor completion (yamlValidation) and MLShip's own diagnostics.
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  /** false: no other keys; a schema: every other key's value must match it (a map). */
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
}

export interface SchemaViolation {
  /** Path to the offending value, e.g. ['deployments', 0, 'budgets', 'latency_p95_ms']. */
  path: (string | number)[];
  /** Set when the problem is an unknown or missing key rather than a value. */
  key?: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: NonNullable<JsonSchema['type']>, value: unknown): boolean {
  const actual = typeOf(value);
  return expected === actual || (expected === 'number' && actual === 'integer');
}

export function validateAgainstSchema(schema: JsonSchema, value: unknown, path: (string | number)[] = []): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const where = path.length ? `'${path.join('.')}'` : 'The manifest';
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    out.push({ path, message: `${where} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')} (found ${JSON.stringify(value)}).` });
    return out;
  }
  if (schema.type && !typeMatches(schema.type, value)) {
    out.push({ path, message: `${where} must be ${schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type} (found ${typeOf(value)}).` });
    return out;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push({ path, message: `${where} must not be empty.` });
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push({ path, message: `${where} must match ${schema.pattern} (found "${value}").` });
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) out.push({ path, message: `${where} must be ≥ ${schema.minimum} (found ${value}).` });
    if (schema.maximum !== undefined && value > schema.maximum) out.push({ path, message: `${where} must be ≤ ${schema.maximum} (found ${value}).` });
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) out.push({ path, message: `${where} must be > ${schema.exclusiveMinimum} (found ${value}).` });
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => out.push(...validateAgainstSchema(schema.items as JsonSchema, item, [...path, i])));
  }
  if (typeOf(value) === 'object' && (schema.properties || schema.required || typeof schema.additionalProperties === 'object')) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in obj)) out.push({ path, message: `${where} is missing the required key '${key}'.` });
    }
    for (const [key, child] of Object.entries(obj)) {
      const sub = schema.properties?.[key];
      if (sub) out.push(...validateAgainstSchema(sub, child, [...path, key]));
      else if (typeof schema.additionalProperties === 'object') out.push(...validateAgainstSchema(schema.additionalProperties, child, [...path, key]));
      else if (schema.additionalProperties === false) {
        const known = Object.keys(schema.properties ?? {}).join(', ');
        out.push({ path: [...path, key], key, message: `Unknown key '${key}'${path.length ? ` in '${path.join('.')}'` : ''}; expected one of: ${known}.` });
      }
    }
  }
  return out;
}
