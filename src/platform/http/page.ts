// What every presenter shares: times as ISO 8601 UTC, and the list envelope (each with its schema).
import { z } from 'zod';

/** A timestamp as the API writes it: ISO 8601 in UTC, or null. */
export const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function page<R, O>(rows: R[], limit: number, present: (r: R) => O) {
  return { object: 'list' as const, data: rows.slice(0, limit).map(present), has_more: rows.length > limit };
}

/** The schema of `iso`: a time as the API writes it. */
export const isoTime = z.iso.datetime();

/** A list answer's schema: `{object: "list", data, has_more}`. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });
