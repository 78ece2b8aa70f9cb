/**
 * Search benchmark: PaperIndex against MiniSearch (defaults, and a tuned configuration).
 *
 *   node --import tsx bench/search-bench.ts [--count 90000] [--subset 10000] [--no-acl]
 *        [--minisearch-full]   (also run tuned MiniSearch on the full set: slow)
 *
 * Papers: bench/generate.ts (`generateBibtex`) when present, else a built-in synthetic
 * generator; plus the ACL Anthology (/work/shared/bench-data/acl-anthology.bib.gz) when
 * present. Queries (1,000, seeded): key prefix, title words with the last partially typed,
 * author surname with a typo, "surname year", abstract words. Recall = the paper the
 * query was built from is in the top 20. Prints a Markdown table and writes
 * bench/results/search.json.
 */
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as os from 'node:os';
import MiniSearch from 'minisearch';
import type { Entry, Paper, Person } from '../src/core/model';
import { PaperIndex } from '../src/core/search';
import { parseBibtex } from '../src/core/bibtex';
import { toPaper } from '../src/core/paper';

/** JS heap plus typed-array buffers (the index keeps its postings in typed arrays). */
function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}


v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

// ---------------------------------------------------------------------------------------
// Deterministic random numbers

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------
// Built-in synthetic papers (used until bench/generate.ts exists)

const SYLLABLES = 'ka,ri,to,ne,mu,sa,lo,vi,de,ra,no,chi,ten,mar,gol,bes,fin,lek,dor,pra,shu,wen,zel,tra,pho,gen,ion,ver,sto,kel'.split(',');

function word(r: () => number, min: number, max: number): string {
  const n = min + Math.floor(r() * (max - min + 1));
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
  return w;
}

/** Zipf-distributed index into [0, n). */
function zipf(r: () => number, n: number): number {
  // Inverse of the continuous approximation of a Zipf(1) CDF.
  return Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1)) - 1));
}

function capital(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

export function syntheticPapers(count: number, seed = 1, abstractRatio = 0.5): Paper[] {
  const r = rng(seed);
  const vocab = Array.from({ length: 40000 }, () => word(r, 1, 4));
  const common = ['the', 'of', 'and', 'a', 'for', 'in', 'with', 'on', 'learning', 'neural', 'deep', 'models', 'networks', 'via', 'towards', 'language', 'uncertainty', 'data', 'graph', 'robust'];
  const surnames = Array.from({ length: 30000 }, () => capital(word(r, 2, 4)));
  const given = Array.from({ length: 3000 }, () => capital(word(r, 1, 3)));
  const venues = Array.from({ length: 400 }, () => `Proceedings of the ${capital(word(r, 2, 3))} Conference on ${capital(vocab[zipf(r, 2000)])} ${capital(vocab[zipf(r, 2000)])}`);
  const keywords = Array.from({ length: 300 }, () => capital(vocab[zipf(r, 5000)]));
  const pickWord = () => (r() < 0.35 ? common[Math.floor(r() * common.length)] : vocab[zipf(r, vocab.length)]);
  const papers: Paper[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const nAuthors = 1 + Math.floor(r() * 6);
    const authors: Person[] = [];
    for (let a = 0; a < nAuthors; a++) {
      authors.push({ family: surnames[zipf(r, surnames.length)], given: given[Math.floor(r() * given.length)], von: '', suffix: '' });
    }
    const titleWords = Array.from({ length: 5 + Math.floor(r() * 8) }, pickWord);
    const title = capital(titleWords.join(' '));
    const year = String(1990 + Math.floor(Math.pow(r(), 0.5) * 36));
    let key = `${authors[0].family.toLowerCase()}${year}${titleWords.find((w) => w.length > 4) ?? titleWords[0]}`;
    while (seen.has(key)) key += 'x';
    seen.add(key);
    const abstract = r() < abstractRatio ? Array.from({ length: 80 + Math.floor(r() * 150) }, pickWord).join(' ') + '.' : '';
    const kw = r() < 0.3 ? [keywords[Math.floor(r() * keywords.length)], keywords[Math.floor(r() * keywords.length)]] : [];
    const file = `lib${i % 3}.bib`;
    papers.push({
      key, type: 'inproceedings', file, entry: { key, file } as unknown as Entry, authors, editors: [], etAl: false,
      title, year, venue: venues[zipf(r, venues.length)], abstract, keywords: kw, doi: '', url: '', arxivClass: '', aliases: [],
    });
  }
  return papers;
}

function papersFromBibtex(text: string, file: string): Paper[] {
  return parseBibtex(text, file).entries.map((e) => toPaper(e));
}

async function benchPapers(count: number): Promise<{ papers: Paper[]; source: string }> {
  const gen = join(__dirname, 'generate.ts');
  if (existsSync(gen)) {
    const mod = await import(gen);
    if (typeof mod.generateBibtex === 'function') {
      const text: string = mod.generateBibtex(count, { seed: 1, abstractRatio: 0.5 });
      return { papers: papersFromBibtex(text, 'generated.bib'), source: 'bench/generate.ts' };
    }
  }
  return { papers: syntheticPapers(count, 1, 0.5), source: 'built-in synthetic' };
}

// ---------------------------------------------------------------------------------------
// Queries

export interface BenchQuery {
  query: string;
  /** Key of the paper the query was built from. */
  target: string;
  kind: 'key-prefix' | 'title-partial' | 'author-typo' | 'surname-year' | 'abstract-words';
}

const WORD = /[\p{L}\p{N}]+/gu;

function typo(r: () => number, w: string): string {
  const i = 1 + Math.floor(r() * (w.length - 2));
  const k = Math.floor(r() * 3);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  if (k === 0) return w.slice(0, i) + w.slice(i + 1); // deletion
  if (k === 1) return w.slice(0, i) + letters[Math.floor(r() * 26)] + w.slice(i + 1); // substitution
  return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2); // transposition
}

export function makeQueries(papers: Paper[], count = 1000, seed = 7): BenchQuery[] {
  const r = rng(seed);
  const out: BenchQuery[] = [];
  const kinds: BenchQuery['kind'][] = ['key-prefix', 'title-partial', 'author-typo', 'surname-year', 'abstract-words'];
  let guard = 0;
  while (out.length < count && guard++ < count * 20) {
    const p = papers[Math.floor(r() * papers.length)];
    // Rotate over the kinds by attempt, so a kind the data cannot give (abstract words
    // without abstracts) does not stall the others.
    const kind = kinds[guard % kinds.length];
    const titleWords = (p.title.match(WORD) ?? []).filter((w) => w.length > 1);
    const family = p.authors[0]?.family ?? '';
    const surname = (family.match(WORD) ?? []).sort((a, b) => b.length - a.length)[0] ?? '';
    let query = '';
    if (kind === 'key-prefix') {
      if (p.key.length < 5) continue;
      query = p.key.slice(0, Math.max(4, Math.ceil(p.key.length * (0.5 + r() * 0.5))));
    } else if (kind === 'title-partial') {
      if (titleWords.length < 2) continue;
      const n = Math.min(titleWords.length, 1 + Math.floor(r() * 3));
      const start = Math.floor(r() * (titleWords.length - n + 1));
      const ws = titleWords.slice(start, start + n);
      const last = ws[ws.length - 1];
      ws[ws.length - 1] = last.slice(0, Math.max(2, Math.ceil(last.length * (0.4 + r() * 0.6))));
      query = ws.join(' ');
    } else if (kind === 'author-typo') {
      if (surname.length < 6) continue;
      const t = typo(r, surname);
      const tw = titleWords.filter((w) => w.length > 3);
      query = tw.length && r() < 0.7 ? `${t} ${tw[Math.floor(r() * tw.length)]}` : t;
    } else if (kind === 'surname-year') {
      if (!surname || !p.year) continue;
      query = `${surname} ${p.year}`;
    } else {
      const aw = (p.abstract.match(WORD) ?? []).filter((w) => w.length > 5);
      if (aw.length < 3) continue;
      const n = 2 + Math.floor(r() * 2);
      const ws: string[] = [];
      for (let i = 0; i < n; i++) ws.push(aw[Math.floor(r() * aw.length)]);
      query = ws.join(' ');
    }
    out.push({ query, target: p.key, kind });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Engines

interface Engine {
  phase1(papers: Paper[]): void;
  phase2(): Promise<void | { maxEventLoopBlockMs: number }>;
  search(q: string): string[];
  /** Incremental updates, timed after the queries (PaperIndex only). */
  updates?(papers: Paper[]): Record<string, number>;
}

/** A copy of a paper with another title (as after editing one entry). */
function edited(p: Paper): Paper {
  return Object.assign(Object.create(Object.getPrototypeOf(p)), p, { title: p.title + ' revised' });
}

function paperIndexEngine(): Engine {
  const index = new PaperIndex();
  return {
    phase1: (papers) => index.addPapers(papers),
    phase2: async () => {
      // The longest the event loop waited for a timer during phase 2 (slices yield).
      let last = performance.now();
      let maxGap = 0;
      const timer = setInterval(() => {
        const n = performance.now();
        maxGap = Math.max(maxGap, n - last);
        last = n;
      }, 0);
      await index.indexAbstracts({ sliceMs: 30 });
      clearInterval(timer);
      return { maxEventLoopBlockMs: maxGap };
    },
    search: (q) => index.search(q, 20).map((h) => h.key),
    updates: (papers) => {
      const out: Record<string, number> = {};
      // Edit one entry of the biggest file and replace the whole file (re-read after save).
      const byFile = new Map<string, Paper[]>();
      for (const p of papers) {
        const list = byFile.get(p.file);
        if (list) list.push(p);
        else byFile.set(p.file, [p]);
      }
      const [file, list] = [...byFile].sort((a, b) => b[1].length - a[1].length)[0];
      const changed = list.slice();
      const i = Math.floor(changed.length / 2);
      changed[i] = edited(changed[i]);
      let t = performance.now();
      index.replaceFile(file, changed);
      out[`replaceFile, 1 of ${list.length} entries changed`] = performance.now() - t;
      if (!index.search(changed[i].title, 5).some((h) => h.paper === changed[i])) throw new Error('edit not found');
      // A 1,000-entry file removed, then added back.
      const small = changed.slice(0, 1000).map((p) => Object.assign(Object.create(Object.getPrototypeOf(p)), p, { file: 'small.bib' }));
      index.addPapers(small);
      t = performance.now();
      index.removeFile('small.bib');
      out['removeFile, 1,000 entries'] = performance.now() - t;
      t = performance.now();
      index.replaceFile('small.bib', small);
      out['replaceFile, new 1,000-entry file'] = performance.now() - t;
      t = performance.now();
      index.vacuum();
      out['vacuum'] = performance.now() - t;
      return out;
    },
  };
}

function miniSearchDoc(p: Paper, i: number, withAbstract: boolean) {
  return {
    id: i,
    key: p.key,
    title: p.title,
    authors: p.authors.map((a) => [a.given, a.von, a.family, a.literal ?? ''].join(' ')).join(' ; '),
    year: p.year,
    venue: p.venue,
    keywords: p.keywords.join(' ; '),
    abstract: withAbstract ? p.abstract : '',
  };
}

const MS_FIELDS = ['key', 'title', 'authors', 'year', 'venue', 'keywords', 'abstract'];

/** MiniSearch with its defaults plus prefix and fuzzy 0.2 on every term (the anchor setup). */
function miniSearchDefaults(): Engine {
  const ms = new MiniSearch({ fields: MS_FIELDS, storeFields: ['key'] });
  return {
    phase1: (papers) => ms.addAll(papers.map((p, i) => miniSearchDoc(p, i, true))),
    phase2: async () => {},
    search: (q) => ms.search(q, { prefix: true, fuzzy: 0.2 }).slice(0, 20).map((r) => r.key as string),
  };
}

/** MiniSearch tuned: prefix only ≥ 3 characters (or last), fuzzy only ≥ 5, AND, boosts. */
function miniSearchTuned(): Engine {
  const ms = new MiniSearch({
    fields: MS_FIELDS,
    storeFields: ['key'],
    processTerm: (t) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(),
    searchOptions: {
      combineWith: 'AND',
      boost: { key: 3, title: 2.5, authors: 3, keywords: 1.5, year: 1.2, venue: 1, abstract: 0.5 },
      prefix: (t, i, terms) => i === terms.length - 1 || t.length >= 3,
      fuzzy: (t) => (t.length >= 5 ? 1 : false),
      maxFuzzy: 1,
    },
  });
  return {
    phase1: (papers) => ms.addAll(papers.map((p, i) => miniSearchDoc(p, i, true))),
    phase2: async () => {},
    search: (q) => ms.search(q).slice(0, 20).map((r) => r.key as string),
  };
}

const ENGINES: Record<string, () => Engine> = {
  PaperIndex: paperIndexEngine,
  'MiniSearch defaults': miniSearchDefaults,
  'MiniSearch tuned': miniSearchTuned,
};

// ---------------------------------------------------------------------------------------

export interface SearchBenchResult {
  engine: string;
  dataset: string;
  entries: number;
  withAbstract: number;
  phase1Ms: number;
  /** Process CPU time of phase 1 (includes the garbage collector's helper threads). */
  phase1CpuMs: number;
  phase2Ms: number;
  /** Longest event-loop block during phase 2 (PaperIndex: slices of 30 ms). */
  phase2MaxBlockMs?: number;
  heapMB: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Process CPU time per query (less sensitive to other load on the machine). */
  cpuP50Ms: number;
  cpuP95Ms: number;
  cpuP99Ms: number;
  /** 1-minute load average when the run ended (2 cores: above 2 means contention). */
  loadAverage: number;
  recallAt20: number;
  recallByKind: Record<string, number>;
  queries: number;
  updatesMs?: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export async function runSearchBench(
  papers: Paper[],
  queries: BenchQuery[],
  options: { engine?: string; dataset?: string } = {},
): Promise<SearchBenchResult> {
  const name = options.engine ?? 'PaperIndex';
  gc();
  const heapBefore = usedMemory();
  const engine = ENGINES[name]();
  const cpu0 = process.cpuUsage();
  let t = performance.now();
  engine.phase1(papers);
  const phase1Ms = performance.now() - t;
  const cpu1 = process.cpuUsage(cpu0);
  const phase1CpuMs = (cpu1.user + cpu1.system) / 1000;
  t = performance.now();
  const p2 = await engine.phase2();
  const phase2Ms = performance.now() - t;
  gc();
  const heapMB = (usedMemory() - heapBefore) / 1e6;

  // Warm up (JIT) on a few queries not counted, then time each query once.
  for (const q of queries.slice(0, 50)) engine.search(q.query);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const found: Record<string, [number, number]> = {};
  for (const q of queries) {
    const c = process.cpuUsage();
    const s = performance.now();
    const keys = engine.search(q.query);
    times.push(performance.now() - s);
    const cd = process.cpuUsage(c);
    cpuTimes.push((cd.user + cd.system) / 1000);
    const f = (found[q.kind] ??= [0, 0]);
    f[1]++;
    if (keys.includes(q.target)) f[0]++;
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const updatesMs = engine.updates
    ? Object.fromEntries(Object.entries(engine.updates(papers)).map(([k, v]) => [k, round(v, 1)]))
    : undefined;
  const hit = Object.values(found).reduce((s, [a]) => s + a, 0);
  return {
    engine: name,
    dataset: options.dataset ?? '',
    entries: papers.length,
    withAbstract: papers.filter((p) => p.abstract).length,
    phase1Ms: round(phase1Ms, 0),
    phase1CpuMs: round(phase1CpuMs, 0),
    phase2Ms: round(phase2Ms, 0),
    phase2MaxBlockMs: p2 ? round(p2.maxEventLoopBlockMs, 1) : undefined,
    heapMB: round(heapMB, 0),
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    p99Ms: round(percentile(times, 99)),
    maxMs: round(times[times.length - 1]),
    cpuP50Ms: round(percentile(cpuTimes, 50)),
    cpuP95Ms: round(percentile(cpuTimes, 95)),
    cpuP99Ms: round(percentile(cpuTimes, 99)),
    loadAverage: round(os.loadavg()[0]),
    recallAt20: round(hit / queries.length, 3),
    recallByKind: Object.fromEntries(Object.entries(found).map(([k, [a, n]]) => [k, round(a / n, 3)])),
    queries: queries.length,
    updatesMs,
  };
}

function table(results: SearchBenchResult[]): string {
  const kinds = ['key-prefix', 'title-partial', 'author-typo', 'surname-year', 'abstract-words'];
  const lines = [
    `| engine | data | entries (abstracts) | phase 1 | phase 2 | heap | p50 / p95 / p99 / max ms | CPU p50 / p95 / p99 ms | load | recall@20 | ${kinds.join(' / ')} |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.engine} | ${r.dataset} | ${r.entries} (${r.withAbstract}) | ${r.phase1Ms} ms (CPU ${r.phase1CpuMs}) | ${r.phase2Ms} ms${r.phase2MaxBlockMs !== undefined ? ` (longest block ${r.phase2MaxBlockMs} ms)` : ''} | ${r.heapMB} MB | ${r.p50Ms} / ${r.p95Ms} / ${r.p99Ms} / ${r.maxMs} | ${r.cpuP50Ms} / ${r.cpuP95Ms} / ${r.cpuP99Ms} | ${r.loadAverage} | ${r.recallAt20} | ${kinds.map((k) => r.recallByKind[k] ?? '–').join(' / ')} |`,
    );
  }
  for (const r of results) {
    if (r.updatesMs) {
      lines.push('', `Updates, ${r.engine} on ${r.dataset}: ` + Object.entries(r.updatesMs).map(([k, v]) => `${k}: ${v} ms`).join('; '));
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, def: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const count = arg('--count', 90000);
  const subsetSize = arg('--subset', 10000);
  const results: SearchBenchResult[] = [];
  const run = async (papers: Paper[], dataset: string, engine: string, queries: BenchQuery[]) => {
    const r = await runSearchBench(papers, queries, { engine, dataset });
    results.push(r);
    console.error(`${engine} on ${dataset}: p95 ${r.p95Ms} ms, recall ${r.recallAt20}, phase 1 ${r.phase1Ms} ms`);
  };

  const { papers, source } = await benchPapers(count);
  const queries = makeQueries(papers, 1000);
  const subset = papers.slice(0, subsetSize);
  const subsetQueries = makeQueries(subset, 1000);
  await run(papers, source, 'PaperIndex', queries);
  await run(subset, `${source} subset`, 'PaperIndex', subsetQueries);
  await run(subset, `${source} subset`, 'MiniSearch defaults', subsetQueries);
  await run(subset, `${source} subset`, 'MiniSearch tuned', subsetQueries);
  if (args.includes('--minisearch-full')) await run(papers, source, 'MiniSearch tuned', queries);

  const acl = '/work/shared/bench-data/acl-anthology.bib.gz';
  if (!args.includes('--no-acl') && existsSync(acl)) {
    const t = performance.now();
    const aclPapers = papersFromBibtex(gunzipSync(readFileSync(acl)).toString('utf8'), 'acl-anthology.bib');
    console.error(`ACL: ${aclPapers.length} papers parsed in ${Math.round(performance.now() - t)} ms`);
    await run(aclPapers, 'ACL Anthology', 'PaperIndex', makeQueries(aclPapers, 1000));
    const aclSubset = aclPapers.slice(0, subsetSize);
    await run(aclSubset, 'ACL subset', 'MiniSearch defaults', makeQueries(aclSubset, 1000));
  }

  const md = table(results);
  console.log(md);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'search.json'),
    JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + '\n',
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
