/**
 * In a fresh process: from starting to read a collection to an index searchable by key,
 * authors, title, venue and year (phase 1), then abstracts (phase 2). Prints one JSON line.
 * Usage: node --expose-gc --import tsx bench/searchable-worker.ts FILE
 */
import { readFileSync } from 'node:fs';
import { parseBibtex } from '../src/core/bibtex';
import { Library } from '../src/core/library';
import { PaperIndex } from '../src/core/search';

/** JS heap plus typed-array buffers (the index keeps its postings in typed arrays). */
function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}


const file = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
gc();
const heapBefore = usedMemory();
const t0 = performance.now();
const text = readFileSync(file, 'utf8');
const tRead = performance.now();
const lib = new Library();
lib.setFile(parseBibtex(text, file));
const tParse = performance.now();
const papers = lib.papersOf(file);
const tPapers = performance.now();
const index = new PaperIndex();
index.addPapers(papers);
const tIndex = performance.now();
const hit = index.search('the', 1).length;
index.indexAbstracts({ sliceMs: 30 }).then(() => {
  const tAbstracts = performance.now();
  gc();
  const heapMB = (usedMemory() - heapBefore) / 1e6;
  const r = (x: number) => Math.round(x);
  process.stdout.write(
    JSON.stringify({
      readMs: r(tRead - t0),
      parseAndModelMs: r(tParse - tRead),
      papersMs: r(tPapers - tParse),
      indexPhase1Ms: r(tIndex - tPapers),
      searchableMs: r(tIndex - t0),
      abstractsMs: r(tAbstracts - tIndex),
      heapMB: r(heapMB),
      peakRssMB: r(process.resourceUsage().maxRSS / 1024),
      entries: index.size,
      searchable: hit >= 0,
    }) + '\n',
  );
});
