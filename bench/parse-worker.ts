/**
 * Reads one .bib file with one reader, N times, in its own process so that its peak memory
 * is its own. Prints one JSON line: { reader, timesMs, entries, maxRssMB, error }.
 * Usage: node --expose-gc --import tsx bench/parse-worker.ts citelens|bibtex-parse|latex-utensils FILE RUNS
 */
import { readFileSync } from 'node:fs';
import { parseBibtex } from '../src/core/bibtex';

const [reader, file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const text = readFileSync(file, 'utf8');

function readOnce(): number {
  switch (reader) {
    case 'citelens':
      return parseBibtex(text, file).entries.length;
    case 'bibtex-parse': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bp = require('bibtex-parse') as { entries(t: string): unknown[] };
      return bp.entries(text).length;
    }
    case 'latex-utensils': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      // LaTeX Workshop's reader. Its nodes have no `kind`; entries are what is neither
      // @string nor @preamble (latex-utensils' own isEntry).
      const lu = require('latex-utensils') as { bibtexParser: { parse(t: string): { content: Array<{ entryType: string }> } } };
      return lu.bibtexParser.parse(text).content.filter((n) => n.entryType !== 'string' && n.entryType !== 'preamble').length;
    }
    default:
      throw new Error(`unknown reader ${reader}`);
  }
}

// Each run starts from a collected heap, so no run pays for the previous run's garbage
// (done outside the timed region, the same for every reader).
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const timesMs: number[] = [];
let entries = 0;
let error: string | undefined;
for (let i = 0; i < runs; i++) {
  gc();
  const t = performance.now();
  try {
    entries = readOnce();
  } catch (e) {
    error = String((e as Error).message ?? e).slice(0, 200);
    entries = 0;
  }
  timesMs.push(performance.now() - t);
  if (error) break;
}
const maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ reader, timesMs, entries, maxRssMB, error }) + '\n');
