import fc from 'fast-check';

/** Values no field of any write schema accepts: wrong types, numbers out of every box, strings longer than any limit. */
export const NEVER_VALID = fc.oneof(
  fc.constant(null),
  fc.constant(false),
  fc.constantFrom(-1, 1000, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.constant([]),
  fc.array(fc.oneof(fc.integer(), fc.string()), { minLength: 1, maxLength: 5 }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}') as object),
  fc.integer({ min: 2100, max: 2500 }).map((n) => 'y'.repeat(n)),
  fc.integer({ min: 1, max: 300 }).map((depth) => nest(depth)),
);

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** Keys no schema knows, including the ones that poison prototypes when merged carelessly. */
export const UNKNOWN_KEY = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
  fc.string({ minLength: 1, maxLength: 40 }).map((k) => `x_${k}`),
);

/** A request body as raw bytes plus its content type; every one of them is invalid for `valid`'s route. */
export interface RawBody {
  contentType: string;
  bytes: Buffer;
  label: string;
}

const json = (v: unknown, label: string, contentType = 'application/json'): RawBody => ({
  contentType,
  bytes: Buffer.from(JSON.stringify(v)),
  label,
});

export function hostileBodies(valid: Record<string, unknown>): fc.Arbitrary<RawBody> {
  const fields = Object.keys(valid);
  return fc.oneof(
    // One known field with a value it never accepts.
    fc.tuple(fc.constantFrom(...fields), NEVER_VALID).map(([f, v]) => json({ ...valid, [f]: v }, `field ${f}`)),
    // One unknown key (written into the JSON text, so __proto__ arrives as an own key, as from a real client).
    fc.tuple(UNKNOWN_KEY, fc.jsonValue({ maxDepth: 3 })).map(([k, v]) => ({
      contentType: 'application/json',
      bytes: Buffer.from(JSON.stringify(valid).replace(/^\{/, `{${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'},`)),
      label: `unknown key ${k}`,
    })),
    // Not an object at all.
    fc
      .oneof(
        fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
        fc.constant([valid]),
      )
      .map((v) => json(v, 'not an object')),
    // Invalid UTF-8 inside an unknown key; JSON broken; nesting past any parser's comfort.
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => ({
      contentType: 'application/json',
      bytes: Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe, ...b]), Buffer.from(`":1,${JSON.stringify(valid).slice(1)}`)]),
      label: 'invalid UTF-8',
    })),
    fc.string({ maxLength: 30 }).map((s) => ({ contentType: 'application/json', bytes: Buffer.from(`{"a":${s}`), label: 'broken JSON' })),
    fc
      .integer({ min: 2000, max: 20_000 })
      .map((d) => ({ contentType: 'application/json', bytes: Buffer.from('['.repeat(d) + ']'.repeat(d)), label: `depth ${d}` })),
    // A valid body under a content type the API does not read.
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=latin-9',
      )
      .map((ct) => json(valid, `content type ${ct}`, ct)),
  );
}
