// A stream position as it travels in the SSE `id:` field and comes back in Last-Event-ID:
// "<transaction id>-<row id>" (the row id empty for a start position).
export interface StreamPosition {
  tx: string;
  id: string;
}

const PATTERN = /^(0|[1-9][0-9]{0,19})-([a-z]{3}_[0-9A-Za-z]{26})?$/;

export const formatPosition = (p: StreamPosition): string => `${p.tx}-${p.id}`;

/** The position a Last-Event-ID names, or undefined when it is not one of ours. */
export function parsePosition(raw: string): StreamPosition | undefined {
  const m = PATTERN.exec(raw);
  if (!m) return undefined;
  if (BigInt(m[1]!) > 18446744073709551615n) return undefined;
  return { tx: m[1]!, id: m[2] ?? '' };
}
