// What every presenter shares: times as ISO 8601 UTC, and the list envelope.

/** A timestamp as the API writes it: ISO 8601 in UTC, or null. */
export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function page<R, O>(rows: R[], limit: number, present: (r: R) => O) {
  return { object: 'list', data: rows.slice(0, limit).map(present), has_more: rows.length > limit };
}
