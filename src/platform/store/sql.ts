// Building the SET list of a partial UPDATE: only keys present in the patch are
// written, JSON columns are serialized, and values travel as parameters (column
// names come from our typed patch objects, never from requests).
export function setList(patch: Record<string, unknown>, params: unknown[], jsonCols: ReadonlySet<string> = new Set()): string[] {
  const sets: string[] = [];
  for (const [col, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    params.push(jsonCols.has(col) && v !== null ? JSON.stringify(v) : v);
    sets.push(`${col} = $${params.length}`);
  }
  return sets;
}

/**
 * A LIKE/ILIKE pattern matching `text` anywhere, with LIKE's wildcards (% _) and the escape
 * character itself escaped: a search for "50%_off\" finds that text, never a pattern. Use
 * it with `ilike $n escape '\'` (the escape spelled out, so no setting can change it).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
