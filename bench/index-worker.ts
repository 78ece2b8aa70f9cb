/**
 * In a fresh process (so its heap is its own): the search index benchmark on one collection.
 * Usage: node --expose-gc --import tsx bench/index-worker.ts FILE "DATASET NAME" [ENGINE] [FIRST_N]
 * (ENGINE: PaperIndex, the default, or a MiniSearch baseline; FIRST_N: only the first N papers).
 * Prints one JSON line (SearchBenchResult).
 */
import { readFileSync } from 'node:fs';
import { parseBibtex } from '../src/core/bibtex';
import { Library } from '../src/core/library';
import { makeQueries, runSearchBench } from './search-bench';

const [file, dataset, engine, firstN] = process.argv.slice(2);
const lib = new Library();
lib.setFile(parseBibtex(readFileSync(file, 'utf8'), file));
const all = lib.papersOf(file);
const papers = firstN ? all.slice(0, Number(firstN)) : all;
runSearchBench(papers, makeQueries(papers, 1000), { dataset, ...(engine ? { engine } : {}) }).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
