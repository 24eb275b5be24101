// Fuzzing every operation of /openapi.json (read from the running server, so a new route
// is covered without touching this file): path, query and body values are generated from
// each operation's own schemas, mostly valid enough to get past validation and into the
// use case and the database, with strings drawn to include NUL, unpaired surrogates, RTL
// and zero-width characters, huge and odd numbers (1e400 as raw JSON too), extreme dates,
// unknown keys and deep nesting. The one property: never a 5xx, and every error is the
// envelope. A few hidden public routes (webhooks, the Flows endpoint, the pay page) get
// the same hostile path segments.
//
// Bounded: FUZZ_RUNS runs per operation (default 8) keep the file well under a minute on
// two cores. FUZZ_SEED replays a failure (fast-check prints the seed and the counterexample).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { ERROR_CODES } from '../../src/domain/errors.ts';
import { allows } from '../../src/domain/roles.ts';
import { ruleFor } from '../../src/modules/users/index.ts';
import { expectNo5xx } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** FUZZ_STATS=1 prints how many requests of each operation got each status (the coverage). */
const STATS = process.env.FUZZ_STATS === '1';
const stats = new Map<string, Map<number, number>>();

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  params: { name: string; in: 'path' | 'query'; required?: boolean; schema: Schema }[];
  body?: Schema;
}

const clock = new ManualClock(new Date());
let s: TestServer;
const operations: Operation[] = [];
/** Real ids by prefix (an order, a product, ...), so some requests reach the use case. */
const realIds: Record<string, string[]> = {};

beforeAll(async () => {
  // A generous rate limit: this file is about hostile values, not about 429s.
  s = await startTestServer({ clock, env: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '1000000' } });
  const doc = (await s.api('/openapi.json', { key: null })).body;
  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).filter((p: any) => p.in === 'path' || p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  // Path ids are generated (never the demo key's own id): rotating or revoking keys cannot lock the fuzzer out.
  const order = (await s.api('/v1/orders', { body: sampleOrder() })).body;
  const product = (await s.api('/v1/products')).body.data[0];
  realIds['ord'] = [order.id];
  realIds['prd'] = product ? [product.id] : [];
});
afterAll(async () => {
  if (STATS) for (const [label, m] of [...stats].sort()) console.log(label, JSON.stringify(Object.fromEntries(m)));
  await s?.close();
});

// ---- values

const NASTY_CHARS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '\u202e',
  '\u200f',
  '\u200e',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u2028',
  '\uffff',
  '\ufffd',
  'e\u0301',
  '😀',
  '👩‍👩‍👧',
  'ש',
  'م',
  '%',
  '%00',
  '/',
  '\\',
  '"',
  "'",
  '\n',
  '\t',
  ' ',
  'a',
  '0',
  '_',
];
const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...NASTY_CHARS), maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'null', 'true', '1e400', '-0', 'NaN', '9'.repeat(40), '__proto__', 'constructor', 'ord_', 'x'.repeat(5000)),
  },
);
const RAW = '\u0001raw:';
/** Numbers JSON cannot hold as JavaScript numbers are sent as raw JSON text (see toJson). */
const oddNumber = fc.constantFrom<unknown>(
  1e308,
  -1e308,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 63),
  2 ** 64,
  0.5,
  -1,
  -0,
  5e-324,
  2147483648,
  `${RAW}1e400`,
  `${RAW}-1e400`,
  `${RAW}123456789012345678901234567890`,
  `${RAW}1.0000000000000000000001`,
);
const oddDate = fc.constantFrom(
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2026-01-01T00:00:00+14:00',
  '2026-01-01',
);
const deep = (depth: number) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/**
 * Values come in two modes. 'valid': what the schema allows, with its edges (bounds,
 * lengths, extreme dates, huge in-range numbers, RTL and zero-width text), so requests
 * reach the use case and the database. 'hostile': any leaf may also be nasty (NUL,
 * surrogates, odd numbers, wrong types, deep nesting, unknown keys).
 */
type Mode = 'valid' | 'hostile';

function stringFor(schema: Schema, mode: Mode): fc.Arbitrary<unknown> {
  const valid = validString(schema);
  return mode === 'valid' ? valid : fc.oneof({ weight: 2, arbitrary: valid }, nastyString);
}

function validString(schema: Schema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (schema.format === 'date-time')
    return fc.oneof(
      oddDate.filter((d) => d.includes('T') && !d.startsWith('+')),
      fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
    );
  if (schema.format === 'uri') return fc.constantFrom('https://example.com/a', 'http://127.0.0.1/x', 'https://example.com/\u202e?q=1');
  if (typeof schema.pattern === 'string') {
    try {
      const re = new RegExp(schema.pattern);
      const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
      const min = schema.minLength ?? 0;
      return fc.stringMatching(re).filter((t) => t.length >= min && t.length <= max);
    } catch {
      /* a pattern fast-check cannot generate from: plain strings below */
    }
  }
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 40, 60));
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.string({
        unit: fc.constantFrom('a', 'Z', '7', ' ', '\u202e', '\u200f', '\u200b', '\ufeff', '😀', 'ש', 'é', '-', '_'),
        minLength: min,
        maxLength: max,
      }),
    },
    fc.constant('x'.repeat(schema.maxLength ?? 5000)).filter((t) => t.length >= min),
  );
}

function numberFor(schema: Schema, mode: Mode): fc.Arbitrary<unknown> {
  const min = Math.max(schema.minimum ?? Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
  const max = Math.min(schema.maximum ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const integer = schema.type === 'integer';
  const inRange = integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const edges = fc.constantFrom(...[min, max, integer ? Math.ceil(min) : min, 0, 1, 2 ** 31, 2 ** 31 - 1].filter((n) => n >= min && n <= max));
  const valid = fc.oneof(inRange, edges);
  return mode === 'valid' ? valid : fc.oneof({ weight: 3, arbitrary: valid }, oddNumber, nastyString);
}

/**
 * Values that the schemas cannot say are valid (a real currency, a URL, a date in a query, a
 * catalog item), keyed by field name: taken five times in six, so requests get further.
 */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  currency: fc.constantFrom('INR', 'USD', 'JPY', 'KWD', 'EUR'),
  url: fc.constantFrom('https://example.com/hook', 'https://example.com/\u202e', 'http://127.0.0.1:9/x'),
  image_url: fc.constantFrom('https://example.com/a.png', 'https://ex.com/😀.jpg'),
  retailer_id: fc.constantFrom('masala-chai', 'ginger-tea'),
  weekly_hours: fc.constantFrom({ mon: [['09:00', '12:00']] }, { sun: [['00:00', '23:59']], sat: [] }),
  time_zone: fc.constantFrom('Asia/Kolkata', 'Pacific/Kiritimati', 'Etc/GMT+12', 'UTC'),
  provider: fc.constantFrom('sandbox', 'razorpay', 'stripe'),
  method: fc.constantFrom('payment_link'),
  csv: fc.constantFrom('payment_id,amount\npay_1,100\n', 'a,b\n"x\u202e",1e400\n'),
};
for (const name of ['from', 'to', 'created_gte', 'created_lt', 'period_from', 'period_to']) {
  const near = name.endsWith('from') || name.endsWith('gte') ? '2026-01-01' : '2026-03-01T00:00:00Z';
  HINTS[name] = fc.oneof(
    { weight: 3, arbitrary: fc.constant(near) },
    oddDate,
    fc.date({ noInvalidDate: true, min: new Date(-62e12), max: new Date(253e12) }).map((d) => d.toISOString()),
  );
}
const hinted = (name: string, arb: fc.Arbitrary<unknown>) => (HINTS[name] ? fc.oneof({ weight: 5, arbitrary: HINTS[name] }, arb) : arb);

/** A value for `schema` in `mode`. */
function valueFor(schema: Schema | undefined, mode: Mode, depth = 0): fc.Arbitrary<unknown> {
  const nasty = (valid: fc.Arbitrary<unknown>, weight = 5) =>
    mode === 'valid' ? valid : fc.oneof({ weight, arbitrary: valid }, nastyString, oddNumber, fc.constant(deep(70)));
  if (!schema || depth > 6) return fc.oneof(nastyString, oddNumber, fc.constant(null));
  if ('const' in schema) return nasty(fc.constant(schema.const));
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return fc.oneof(...variants.map((v: Schema) => valueFor(v, mode, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, mode);
    case 'integer':
    case 'number':
      return numberFor(schema, mode);
    case 'boolean':
      return nasty(fc.boolean());
    case 'null':
      return fc.constant(null);
    case 'array':
      return nasty(
        fc.array(valueFor(schema.items, mode, depth + 1), {
          minLength: Math.min(schema.minItems ?? 0, 4),
          maxLength: Math.max(Math.min(schema.maxItems ?? 4, 4), Math.min(schema.minItems ?? 0, 4)),
        }),
      );
    case 'object': {
      const props: Record<string, Schema> = schema.properties ?? {};
      const required = new Set<string>(schema.required ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) shape[k] = hinted(k, valueFor(v, mode, depth + 1));
      const known = fc.record(shape, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
      const open = schema.additionalProperties && typeof schema.additionalProperties === 'object';
      const extra = open
        ? fc.dictionary(
            validString(schema.propertyNames ?? { type: 'string', minLength: 1, maxLength: 20 }) as fc.Arbitrary<string>,
            valueFor(schema.additionalProperties, mode, depth + 1),
            {
              maxKeys: 3,
            },
          )
        : fc.dictionary(nastyString as fc.Arbitrary<string>, nastyString, { minKeys: 1, maxKeys: 2 });
      // Unknown keys only where the schema allows them, or now and then in hostile mode.
      const extras = open ? fc.option(extra, { freq: 2 }) : mode === 'valid' ? fc.constant(null) : fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, extra);
      return nasty(fc.tuple(known, extras).map(([a, b]) => ({ ...(b ?? {}), ...(a as object) })));
    }
    default:
      return fc.oneof(nastyString, oddNumber, fc.constant(null), fc.constant({ nested: deep(10) }));
  }
}

/** JSON text where the RAW markers become bare number tokens (1e400 cannot be a JS number). */
function toJson(v: unknown): string {
  return JSON.stringify(v).replace(/"\\u0001raw:([^"]*)"/g, '$1');
}

/** A path segment as a client would send it; a lone surrogate goes out as its (invalid) CESU-8 bytes. */
function segment(v: unknown): string {
  const t = typeof v === 'string' ? v.replaceAll(RAW, '') : (JSON.stringify(v) ?? '');
  if (t === '') return '%20';
  let out = '';
  for (const ch of t) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`;
    else out += encodeURIComponent(ch);
  }
  return out;
}

const queryValue = (v: unknown) => (typeof v === 'string' ? v.replaceAll(RAW, '') : (JSON.stringify(v) ?? ''));

/**
 * Bodies an operation accepted (2xx), seeded with known-good ones where random values rarely
 * pass (an order): in 'mutate' mode one leaf of one of them is replaced by a hostile value.
 */
const corpus = new Map<string, unknown[]>([
  [
    'POST /v1/orders',
    [
      sampleOrder(),
      sampleOrder({ items: [{ name: 'Gift', amount: 100, quantity: 1 }], payment: { method: 'payment_link', provider: 'sandbox' }, metadata: { k: 'v' } }),
    ],
  ],
]);
interface Mutation {
  pick: number;
  leaf: number;
  value: unknown;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  leaf: fc.nat(),
  value: fc.oneof(
    validString({ type: 'string', maxLength: 60 }),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    fc.constantFrom(0, 1, 2 ** 31, Number.MAX_SAFE_INTEGER),
    nastyString,
    oddNumber,
    fc.constantFrom(null, deep(70), { '\u202e': '\u200b' }, []),
  ),
});

/** `example` with its `leaf`-th leaf (modulo their number) replaced by `value`. */
function mutate(example: unknown, m: Mutation): unknown {
  const root = structuredClone(example);
  const leaves: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (x !== null && typeof x === 'object') walk(x);
      leaves.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
    }
  };
  walk(root);
  if (leaves.length === 0) return m.value;
  const [parent, key] = leaves[m.leaf % leaves.length]!;
  (parent as Record<string | number, unknown>)[key] = m.value;
  return root;
}

interface Request {
  path: string;
  body: string | undefined;
  /** Set in 'mutate' mode: the body is built from the corpus when the request is made. */
  mutation?: Mutation;
}

function requestFor(op: Operation): fc.Arbitrary<Request> {
  const modes: Mode[] = ['valid', 'hostile'];
  return fc.oneof(
    ...modes.map((mode) => requestIn(op, mode)),
    ...(op.body ? [fc.tuple(requestIn(op, 'valid'), mutation).map(([r, m]): Request => ({ ...r, mutation: m }))] : []),
  );
}

function requestIn(op: Operation, mode: Mode): fc.Arbitrary<Request> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const pathArb = fc.record(
    Object.fromEntries(
      pathParams.map((p) => {
        const prefix = p.name === 'id' ? op.path.match(/^\/v1\/([a-z-]+)/)?.[1] : undefined;
        const real = prefix === 'orders' ? realIds['ord'] : prefix === 'products' ? realIds['prd'] : [];
        return [p.name, real?.length ? fc.oneof(fc.constantFrom(...real), valueFor(p.schema, mode)) : valueFor(p.schema, mode)];
      }),
    ),
  );
  const queryArb = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, hinted(p.name, valueFor(p.schema, mode))])), {
    requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name),
  });
  const bodyArb: fc.Arbitrary<string | undefined> = op.body
    ? mode === 'valid'
      ? valueFor(op.body, mode).map(toJson)
      : fc.oneof({ weight: 8, arbitrary: valueFor(op.body, mode).map(toJson) }, fc.constant(undefined), fc.constant(toJson({ a: deep(80) })))
    : mode === 'valid'
      ? fc.constant(undefined)
      : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, valueFor(undefined, mode).map(toJson));
  return fc.tuple(pathArb, queryArb, bodyArb).map(([pv, qv, body]) => {
    let path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => segment(pv[name]));
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(qv)) if (v !== undefined) q.append(k, queryValue(v));
    if ([...q.keys()].length) path += `?${q.toString()}`;
    return { path, body };
  });
}

let keys = 0;
async function call(label: string, method: string, path: string, body: string | undefined, key: string | null = s.demoKey) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Some mutations require one; a fresh key never replays an earlier answer.
  if (method !== 'GET') headers['idempotency-key'] = `fuzz-${++keys}`;
  const res = await fetch(s.base + path, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
  // GET /v1/stream answers a stream that stays open: its status and type are the answer.
  const streamed = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  if (streamed) await res.body?.cancel();
  const text = streamed ? '' : await res.text();
  if (STATS) {
    const m = stats.get(label) ?? new Map<number, number>();
    m.set(res.status, (m.get(res.status) ?? 0) + 1);
    stats.set(label, m);
    if (res.status === 400 && process.env.FUZZ_DEBUG === label) console.log(path, body?.slice(0, 400), text.slice(0, 300));
  }
  return { status: res.status, text, type: res.headers.get('content-type') ?? '' };
}

function expectNoServerError(r: { status: number; text: string; type: string }, what: string): void {
  expect(r.status, `${what} → ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400 && r.type.startsWith('application/json')) {
    const code = JSON.parse(r.text)?.error?.code;
    expect(ERROR_CODES, `${what} → ${r.text.slice(0, 300)}`).toContain(code);
  }
}

describe('every operation of /openapi.json', () => {
  it('was found (the document is read at run time)', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it(
    'never answers 5xx to hostile path, query and body values',
    async () => {
      for (const op of operations) {
        await fc.assert(
          fc.asyncProperty(requestFor(op), async ({ path, body: generated, mutation: m }) => {
            const label = `${op.method} ${op.path}`;
            const examples = corpus.get(label) ?? [];
            const body = m && examples.length ? toJson(mutate(examples[m.pick % examples.length], m)) : generated;
            const r = await call(label, op.method, path, body);
            expectNoServerError(r, `${op.method} ${path} ${body?.slice(0, 300) ?? ''}`);
            if (r.status < 300 && body !== undefined && !m && examples.length < 20) corpus.set(label, [...examples, JSON.parse(body)]);
          }),
          { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
        );
      }
    },
    // Bounded by RUNS; a longer campaign (FUZZ_RUNS=200) gets the time it needs.
    Math.max(120_000, RUNS * 15_000),
  );

  it('a body nested 100,000 deep is a 400 on every operation that takes a body', async () => {
    const body = toJson({ a: '[' }).replace('"["', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    for (const op of operations.filter((o) => o.body)) {
      const path = op.path.replace(/\{[^}]+\}/g, 'x_1');
      const r = await call(`${op.method} ${op.path} (deep)`, op.method, path, body);
      // Refused before the body is read: what the role table keeps from an API key (managing users).
      const rule = ruleFor(op.method, op.path.replace(/\{([^}]+)\}/g, ':$1'));
      const refused = rule !== undefined && !allows({ kind: 'api_key', role: 'owner' }, rule.permission);
      expect(refused ? [403] : [400, 404], `${op.method} ${path} → ${r.status} ${r.text.slice(0, 200)}`).toContain(r.status);
      if (r.status === 400) expect(r.text).toMatch(/nested deeper than 64/);
    }
  });
});

describe('hidden public routes', () => {
  const routes: [string, string][] = [
    ['POST', '/webhooks/providers/{provider}/{merchant_id}'],
    ['POST', '/webhooks/whatsapp'],
    ['GET', '/webhooks/whatsapp'],
    ['POST', '/flows/endpoint/{merchant_id}'],
    ['GET', '/pay/{token}'],
    ['POST', '/pay/{token}/address'],
  ];

  it('never answer 5xx to hostile path segments, queries and bodies, without a key', async () => {
    for (const [method, template] of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(nastyString, fc.constantFrom('stripe', 'razorpay', 'sandbox')), { minLength: 2, maxLength: 2 }),
          fc.dictionary(fc.constantFrom('hub.mode', 'hub.verify_token', 'hub.challenge', 'x'), nastyString, { maxKeys: 3 }),
          fc.oneof(valueFor(undefined, 'hostile').map(toJson), fc.constant(toJson({ a: deep(100) }))),
          async (segs, query, body) => {
            let i = 0;
            let path = template.replace(/\{[^}]+\}/g, () => segment(segs[i++]));
            const q = new URLSearchParams(query).toString();
            if (q) path += `?${q}`;
            expectNoServerError(await call(`${method} ${template}`, method, path, body, null), `${method} ${path} ${body.slice(0, 200)}`);
          },
        ),
        { numRuns: RUNS * 2, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
      );
    }
  });

  it('and the server logged no 5xx at all', async () => {
    await expectNo5xx(s);
  });
});
