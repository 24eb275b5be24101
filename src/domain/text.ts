// Text that PostgreSQL can hold, and JSON whose shape cannot hurt us. A text or jsonb
// value cannot contain U+0000, and jsonb cannot hold an unpaired UTF-16 surrogate
// ("\ud800" parses in JavaScript, never in PostgreSQL): such input is refused at the
// HTTP edge, and what we must keep anyway (a signed WhatsApp body) is stored with those
// characters replaced by U+FFFD. Nesting is bounded before JSON.parse and everything
// recursive after it (zod, JSON.stringify, jsonb) sees the value.

/** The deepest JSON we take: Meta's webhooks and our own bodies stay well under 10 levels. */
export const MAX_JSON_DEPTH = 64;

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ES2024 (Node 20): native and fast, where the regular expression takes seconds on a 50 MB report.
type WellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };
const clean = (s: string) => !s.includes('\u0000') && (s as WellFormed).isWellFormed();

/** Why `s` cannot be stored as text, or undefined when it can. */
export function unsafeTextReason(s: string): string | undefined {
  if (clean(s)) return undefined;
  const m = UNSAFE.exec(s);
  if (!m) return undefined;
  const what = m[0] === '\u0000' ? 'U+0000 (NUL)' : 'an unpaired UTF-16 surrogate (not valid Unicode)';
  const line = s.slice(0, m.index).split('\n').length;
  return `must not contain ${what}${line > 1 ? ` (line ${line})` : m.index > 0 ? ` (character ${m.index + 1})` : ''}`;
}

/** `s` with every NUL and unpaired surrogate replaced by U+FFFD (the same string when there is none). */
export function storableText(s: string): string {
  return clean(s) ? s : (s as WellFormed).toWellFormed().replaceAll('\u0000', '\uFFFD');
}

/**
 * A JSON value whose strings and keys PostgreSQL can hold (see storableText); the same
 * value, unchanged, when it had nothing to replace. Recursive: bound the depth first.
 */
export function storableJson<T>(v: T): T {
  if (typeof v === 'string') return storableText(v) as T;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const y = storableJson(x);
      if (y !== x) (out ??= v.slice())[i] = y;
    });
    return (out ?? v) as T;
  }
  if (v !== null && typeof v === 'object') {
    let changed = false;
    const entries = Object.entries(v).map(([k, x]) => {
      const k2 = storableText(k);
      const x2 = storableJson(x);
      if (k2 !== k || x2 !== x) changed = true;
      return [k2, x2] as const;
    });
    return (changed ? Object.fromEntries(entries) : v) as T;
  }
  return v;
}

export interface UnsafeString {
  /** Where: the prefix given, then keys and indexes joined by dots (body.items.0.name). */
  path: string;
  message: string;
}

/**
 * The strings (values and keys) in `value` that cannot be stored, at most `limit` of them,
 * each with its path. Buffers and other binary values are not looked into. Iterative, so
 * any depth is safe.
 */
export function findUnsafeStrings(value: unknown, prefix: string, limit = 10): UnsafeString[] {
  const found: UnsafeString[] = [];
  const stack: [unknown, string][] = [[value, prefix]];
  const at = (base: string, key: string | number) => (base ? `${base}.${key}` : String(key));
  while (stack.length > 0 && found.length < limit) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unsafeTextReason(v);
      if (reason) found.push({ path, message: reason });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], at(path, i)]);
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i]!;
        const keyReason = unsafeTextReason(k);
        // The key is shown with its bad characters replaced: the path must be printable.
        if (keyReason) found.push({ path: at(path, storableText(k)), message: `the key ${keyReason}` });
        else stack.push([x, at(path, k)]);
      }
    }
  }
  return found.slice(0, limit);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * How deeply the JSON text nests arrays and objects, read from the bytes without parsing
 * (brackets inside strings do not count). Stops counting once past `stopAbove`. Malformed
 * text gets some number: JSON.parse refuses it afterwards anyway.
 */
export function jsonNestingDepth(bytes: Uint8Array, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      // Skip the string: its closing quote is the next one not escaped by an odd run of backslashes.
      let j = i;
      for (;;) {
        j = bytes.indexOf(QUOTE, j + 1);
        if (j < 0) return max;
        let k = j - 1;
        while (bytes[k] === BACKSLASH) k--;
        if ((j - 1 - k) % 2 === 0) break;
      }
      i = j;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

/** True when the JSON text nests deeper than `limit` (default MAX_JSON_DEPTH). */
export function jsonTooDeep(bytes: Uint8Array, limit = MAX_JSON_DEPTH): boolean {
  return jsonNestingDepth(bytes, limit) > limit;
}

export const tooDeepMessage = (limit = MAX_JSON_DEPTH) => `The JSON body is nested deeper than ${limit} levels`;
