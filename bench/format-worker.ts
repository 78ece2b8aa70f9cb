/**
 * In a fresh process: formatted references with citeproc-js on a real collection, as the hover
 * does it (first use of a paper: no cached reference). Times building each style's engine and
 * formatting 1,000 papers spread over the collection.
 * Usage: node --import tsx bench/format-worker.ts FILE
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBibtex } from '../src/core/bibtex';
import { Library } from '../src/core/library';
import { loadCitationStyle } from '../src/core/formatReference';

const [file] = process.argv.slice(2);
const lib = new Library();
lib.setFile(parseBibtex(readFileSync(file, 'utf8'), file));
const all = lib.papersOf(file);
const sample = Array.from({ length: 1000 }, (_, i) => all[Math.floor((i * all.length) / 1000)]);
const csl = join(__dirname, '..', 'media', 'csl');
const locales = (lang: string) => {
  try {
    return readFileSync(join(csl, `locales-${lang}.xml`), 'utf8');
  } catch {
    return undefined;
  }
};
const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (x: number) => Math.round(x * 100) / 100;
async function main(): Promise<void> {
  const styles = [];
  for (const id of ['apa', 'ieee', 'chicago-author-date']) {
    const t0 = performance.now();
    const style = await loadCitationStyle(readFileSync(join(csl, `${id}.csl`), 'utf8'), locales);
    const buildMs = performance.now() - t0;
    const times: number[] = [];
    let failed = 0;
    for (const p of sample) {
      const t = performance.now();
      try {
        style.reference(p);
      } catch {
        failed++;
      }
      times.push(performance.now() - t);
    }
    styles.push({ style: id, buildMs: Math.round(buildMs), p50Ms: round(pct(times, 0.5)), p95Ms: round(pct(times, 0.95)), maxMs: round(Math.max(...times)), failed });
  }
  process.stdout.write(JSON.stringify({ papers: sample.length, styles }) + '\n');
}
void main();
