/**
 * In a fresh process (so its heap is its own): the search index benchmark on one collection.
 * Usage: node --expose-gc --import tsx bench/index-worker.ts FILE "DATASET NAME"
 * Prints one JSON line (SearchBenchResult).
 */
import { readFileSync } from 'node:fs';
import { parseBibtex } from '../src/core/bibtex';
import { Library } from '../src/core/library';
import { makeQueries, runSearchBench } from './search-bench';

const [file, dataset] = process.argv.slice(2);
const lib = new Library();
lib.setFile(parseBibtex(readFileSync(file, 'utf8'), file));
const papers = lib.papersOf(file);
runSearchBench(papers, makeQueries(papers, 1000), { dataset }).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
