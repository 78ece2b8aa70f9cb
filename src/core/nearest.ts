/** "Did you mean" for undefined citation keys: the nearest existing keys. */

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), stopping past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

/**
 * Up to `limit` keys nearest to `key`: same key in another case first, then by edit distance
 * (at most a third of the key's length, at least 1), then alphabetically.
 */
export function nearestKeys(key: string, keys: Iterable<string>, limit = 3): string[] {
  const max = Math.max(1, Math.floor(key.length / 3));
  const lower = key.toLowerCase();
  const scored: Array<[number, string]> = [];
  for (const k of keys) {
    if (k === key) continue;
    const d = k.toLowerCase() === lower ? 0 : editDistance(lower, k.toLowerCase(), max);
    if (d <= max) scored.push([d, k]);
  }
  scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
  return scored.slice(0, limit).map(([, k]) => k);
}
