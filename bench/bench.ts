/**
 * `npm run bench`: the core's numbers in one run (a benchmark, not a test).
 *  1. Reading the ACL Anthology (50 MB, 88k entries) with our reader and bibtex-parse:
 *     median of 5, peak RSS, entries; the same on a variant with one entry in 1,000 broken.
 *  2. Time from starting to read to a searchable index (key, authors, title, venue, year).
 *  3. The search index on the ACL Anthology and on a generated 90,000-entry collection
 *     with abstracts: build phases, memory, query p50/p95 over 1,000 queries, recall.
 *  4. The CLI's output as whole processes into a read pipe (cli-bench.ts): `parse --json`
 *     against bibtex-parse + JSON.stringify, and `parse` (text) against reading alone.
 * Writes bench/results/core.json and bench/results/core.md.
 * Options: --quick (fewer runs, no bibtex-parse on the broken variant).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseBibtex } from '../src/core/bibtex';
import { breakEveryNth } from './break';
import { generateBibtex } from './generate';
import type { SearchBenchResult } from './search-bench';
import { benchCli, cliMarkdown } from './cli-bench';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 2 : 5;
const root = join(__dirname, '..');
const aclGz = join(root, '..', 'shared', 'bench-data', 'acl-anthology.bib.gz');
const work = join(tmpdir(), 'citelens-bench');
mkdirSync(work, { recursive: true });

interface ReaderResult {
  reader: string;
  timesMs: number[];
  entries: number;
  maxRssMB: number;
  error?: string;
}

interface FormattingResult {
  papers: number;
  styles: Array<{ style: string; buildMs: number; p50Ms: number; p95Ms: number; maxMs: number; failed: number }>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runReader(reader: string, file: string, runs: number): ReaderResult {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'parse-worker.ts'), reader, file, String(runs)], { cwd: root, maxBuffer: 1 << 20, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ReaderResult;
}

interface SearchableResult {
  readMs: number;
  parseAndModelMs: number;
  papersMs: number;
  indexPhase1Ms: number;
  searchableMs: number;
  abstractsMs: number;
  heapMB: number;
  peakRssMB: number;
}

function runWorker<T>(script: string, args: string[]): T {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, script), ...args], { cwd: root, maxBuffer: 1 << 22, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

function log(s: string): void {
  process.stderr.write(s + '\n');
}

async function main(): Promise<void> {
  const loadAtStart = require('node:os').loadavg()[0];
  const acl = gunzipSync(readFileSync(aclGz)).toString('utf8');
  const aclFile = join(work, 'acl-anthology.bib');
  writeFileSync(aclFile, acl);
  const broken = breakEveryNth(acl, 1000);
  const brokenFile = join(work, 'acl-anthology-broken.bib');
  writeFileSync(brokenFile, broken.text);
  log(`ACL Anthology: ${(Buffer.byteLength(acl) / 1e6).toFixed(1)} MB; broken variant: ${broken.brokenKeys.length} entries broken`);

  // 1. Readers, side by side.
  const readers: Array<{ dataset: string; result: ReaderResult }> = [];
  for (const [dataset, file] of [['ACL Anthology', aclFile], ['ACL, 1 in 1,000 broken', brokenFile]] as const) {
    for (const reader of ['citelens', 'bibtex-parse']) {
      if (quick && reader === 'bibtex-parse' && dataset !== 'ACL Anthology') continue;
      log(`reading ${dataset} with ${reader} ×${RUNS}…`);
      readers.push({ dataset, result: runReader(reader, file, RUNS) });
    }
  }

  // Every intact entry of the broken variant is recovered identical to the unbroken read.
  const clean = parseBibtex(acl, 'acl');
  const damaged = parseBibtex(broken.text, 'acl');
  const byKey = new Map(damaged.entries.map((e) => [e.key, e]));
  const cleanByKey = new Map(clean.entries.map((e) => [e.key, e]));
  let intactRecovered = 0;
  for (const key of broken.intactKeys) {
    const a = cleanByKey.get(key);
    const b = byKey.get(key);
    if (!a || !b || b.broken) continue;
    const same = Object.keys(a.fields).length === Object.keys(b.fields).length && Object.keys(a.fields).every((n) => b.fields[n]?.raw === a.fields[n].raw);
    if (same) intactRecovered++;
  }

  // 2. From starting to read to a searchable index (phase 1), abstracts after: fresh processes.
  log('time to searchable (ACL Anthology) ×3…');
  const searchableRuns = [0, 1, 2].map(() => runWorker<SearchableResult>('searchable-worker.ts', [aclFile]));
  const searchable = searchableRuns.slice().sort((a, b) => a.searchableMs - b.searchableMs)[1];

  // 3. The search index on both collections, each in a fresh process.
  log('search index: ACL Anthology…');
  const search: SearchBenchResult[] = [];
  search.push(runWorker<SearchBenchResult>('index-worker.ts', [aclFile, 'ACL Anthology']));
  log('search index: generated 90,000 with abstracts…');
  const generated = generateBibtex(90000, { seed: 1, abstractRatio: 0.5 });
  const genFile = join(work, 'generated-90k.bib');
  writeFileSync(genFile, generated);
  search.push(runWorker<SearchBenchResult>('index-worker.ts', [genFile, 'generated 90k (½ with abstracts)']));
  log('reading the generated collection…');
  const genRead = runReader('citelens', genFile, RUNS);

  log('the CLI as whole processes…');
  const cli = await benchCli(aclFile, RUNS);
  // 4. The design card's search library as the baseline to beat: MiniSearch (tuned) and our
  // index side by side on the first 10,000 ACL papers (MiniSearch takes minutes on all 88,000).
  log('search index vs MiniSearch: first 10,000 ACL papers…');
  const baseline: SearchBenchResult[] = [];
  for (const engine of ['PaperIndex', 'MiniSearch tuned']) baseline.push(runWorker<SearchBenchResult>('index-worker.ts', [aclFile, 'ACL, first 10,000', engine, '10000']));

  // 5. Formatted references (citeproc-js): engine build and one reference, as a first hover.
  log('formatted references (citeproc-js) on 1,000 ACL papers…');
  const formatting = runWorker<FormattingResult>('format-worker.ts', [aclFile]);

  const ours = readers.find((r) => r.dataset === 'ACL Anthology' && r.result.reader === 'citelens')!.result;
  const theirs = readers.find((r) => r.dataset === 'ACL Anthology' && r.result.reader === 'bibtex-parse')!.result;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: require('node:os').cpus().length, node: process.version, loadAverage: { start: Math.round(loadAtStart * 100) / 100, end: Math.round(require('node:os').loadavg()[0] * 100) / 100 } },
    readers: readers.map(({ dataset, result }) => ({ dataset, reader: result.reader, medianMs: Math.round(median(result.timesMs)), runsMs: result.timesMs.map(Math.round), peakRssMB: Math.round(result.maxRssMB), entries: result.entries, error: result.error })),
    speedupVsBibtexParse: Math.round((median(theirs.timesMs) / median(ours.timesMs)) * 10) / 10,
    brokenVariant: { broken: broken.brokenKeys.length, intact: broken.intactKeys.length, intactRecoveredIdentical: intactRecovered },
    generatedRead: { sizeMB: Math.round(Buffer.byteLength(generated) / 1e5) / 10, medianMs: Math.round(median(genRead.timesMs)), entries: genRead.entries, peakRssMB: Math.round(genRead.maxRssMB) },
    searchable,
    searchableRunsMs: searchableRuns.map((r) => r.searchableMs),
    search,
    cli,
    searchBaseline: baseline,
    formatting,
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'core.json'), JSON.stringify(results, null, 2) + '\n');

  const md: string[] = [];
  md.push(`# CiteLens core benchmark (${results.date.slice(0, 10)}, ${results.machine.cpus} cores, Node ${results.machine.node}, 1-minute load average ${results.machine.loadAverage.start} at start, ${results.machine.loadAverage.end} at end)`, '');
  md.push('| dataset | reader | median of runs | runs (ms) | peak RSS | entries |', '|---|---|---|---|---|---|');
  for (const r of results.readers) md.push(`| ${r.dataset} | ${r.reader} | ${r.medianMs} ms | ${r.runsMs.join(', ')} | ${r.peakRssMB} MB | ${r.error ? `0 (threw: ${r.error.slice(0, 60)})` : r.entries.toLocaleString('en-US')} |`);
  md.push('', `Our reader is **${results.speedupVsBibtexParse}×** faster than bibtex-parse on the ACL Anthology.`);
  md.push(`Broken variant: ${results.brokenVariant.broken} entries broken; ${results.brokenVariant.intactRecoveredIdentical.toLocaleString('en-US')} of ${results.brokenVariant.intact.toLocaleString('en-US')} intact entries recovered identical to the unbroken read.`);
  md.push(`Generated 90,000-entry collection (${results.generatedRead.sizeMB} MB): read in ${results.generatedRead.medianMs} ms (median), peak RSS ${results.generatedRead.peakRssMB} MB.`);
  md.push(`ACL Anthology searchable (key, authors, title, venue, year) **${searchable.searchableMs} ms** after reading starts (median of 3 fresh processes: ${results.searchableRunsMs.join(', ')} ms; read ${searchable.readMs}, parse and model ${searchable.parseAndModelMs}, papers ${searchable.papersMs}, index phase 1 ${searchable.indexPhase1Ms} ms); abstracts indexed ${searchable.abstractsMs} ms later; heap ${searchable.heapMB} MB, peak RSS ${searchable.peakRssMB} MB.`, '');
  md.push('| index | dataset | entries | with abstract | phase 1 | phase 2 (abstracts) | memory (heap + typed arrays) | p50 | p95 | p99 | max | found in top 20 |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of [...search, ...baseline]) md.push(`| ${s.engine} | ${s.dataset} | ${s.entries.toLocaleString('en-US')} | ${s.withAbstract.toLocaleString('en-US')} | ${Math.round(s.phase1Ms)} ms | ${Math.round(s.phase2Ms)} ms | ${Math.round(s.heapMB)} MB | ${s.p50Ms} ms | ${s.p95Ms} ms | ${s.p99Ms} ms | ${s.maxMs} ms | ${s.recallAt20} |`);
  md.push('', `Formatted references (citeproc-js, ${formatting.papers.toLocaleString('en-US')} ACL papers, each formatted once as a first hover does):`, '', '| style | engine built | p50 | p95 | max | failed |', '|---|---|---|---|---|---|');
  for (const f of formatting.styles) md.push(`| ${f.style} | ${f.buildMs} ms | ${f.p50Ms} ms | ${f.p95Ms} ms | ${f.maxMs} ms | ${f.failed} |`);
  md.push('', ...cliMarkdown(cli));
  writeFileSync(join(__dirname, 'results', 'core.md'), md.join('\n') + '\n');
  process.stdout.write(md.join('\n') + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
