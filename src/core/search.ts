/**
 * Full-text search over `Paper`s for completion and the library search box.
 *
 * Pure TypeScript (runs in a web worker too). A purpose-built inverted index rather than
 * MiniSearch's engine: at 90,000 entries MiniSearch, even tuned (prefix only on longer
 * terms, fuzzy only on long ones, AND), spends a query allocating per-document match
 * objects for every expanded term and sorting every match: p95 283 ms and an 11 s build on
 * the generated 90k library, against 2 ms and 1.5–1.7 s here (bench/search-bench.ts runs
 * both). What is here:
 *
 * - Vocabulary: `Map<term, id>`, plus buckets of term ids by their first 1–4 characters,
 *   each sorted by document frequency, for bounded prefix expansion (most frequent
 *   completions first). Fuzzy (Damerau distance 1, terms ≥ 5 characters) generates the
 *   ~700 variants of the query term and looks each up: the same cost at any library size.
 * - Postings per term: one list for the phase-1 fields (key, title, authors, year, venue,
 *   keywords: their boosted BM25 weights summed and quantised to 6 bits, packed with the
 *   document id into one small integer), one for abstracts (phase 2, indexed later in time
 *   slices). Forward lists per document (term id + weight, in one typed array per phase)
 *   let a query check a few candidates directly instead of scanning long postings.
 * - Queries: whitespace-separated terms, all must match (AND). Each term expands to the
 *   exact term, singular/plural variants, prefix completions (the last term; earlier terms
 *   of ≥ 3 characters with a lower weight) and, when it matches nothing as typed, fuzzy
 *   variants; capped in number and in postings (bounded work per keystroke). Terms are
 *   intersected cheapest first over reusable typed arrays; once few candidates are left the
 *   rest are checked on the candidates' forward lists (exact prefix semantics there). A
 *   query that is a prefix of at most 200 keys ranks those keys first. Top-k by a heap.
 * - Removal marks documents dead; dead postings are dropped lazily from lists a query scans
 *   and all at once by `vacuum()` (automatic once a third of the postings are dead).
 *   `replaceFile` keeps documents whose indexed text is unchanged, so re-reading a
 *   90,000-entry file after editing one entry re-indexes that entry only.
 *
 * Scores are deterministic for the same index contents: per-field BM25 with fixed nominal
 * field lengths (so scores do not drift as files are added or replaced) and IDF from the
 * postings lengths. Order: score desc, year desc, key, then indexing order.
 */

import type { Entry, Paper, Person } from './model';
import { foldForSearch } from './names';

export interface SearchHit {
  key: string;
  score: number;
  paper: Paper;
}

export interface IndexAbstractsOptions {
  /** Longest stretch of work between two yields to the event loop (ms). Default 30. */
  sliceMs?: number;
  /** Stop early (the promise still resolves) once `aborted` is true. */
  signal?: { aborted: boolean };
}

// ---------------------------------------------------------------------------------------
// Tuning (measured with bench/search-bench.ts)

/** Field boosts: key, title and authors above venue and abstract. */
const BOOST = { key: 3, authors: 3, title: 2.5, keywords: 1.5, year: 1.2, venue: 1, abstract: 0.5 };
/** Nominal field lengths in tokens for length normalisation (fixed so scores never drift). */
const NOMINAL_LENGTH = { key: 4, authors: 8, title: 10, keywords: 4, year: 1, venue: 8, abstract: 150 };
/** BM25 length-normalisation strength per field. */
const LENGTH_B = { key: 0.3, authors: 0.3, title: 0.6, keywords: 0.3, year: 0, venue: 0.5, abstract: 0.75 };
const K1 = 1.2;

/** Quantisation of posting weights into 6 bits (phase 1 up to ~18, abstracts up to ~1.1). */
const Q_BITS = 6;
const Q_MAX = (1 << Q_BITS) - 1;
const Q_SCALE_1 = 3.5;
const Q_SCALE_2 = 32;

/** Expansion weights relative to an exact match. */
const PREFIX_WEIGHT_LAST = 0.9;
const PREFIX_WEIGHT_EARLIER = 0.7;
const FUZZY_WEIGHT = 0.5;
/** Singular/plural variants (`uncertainty` ↔ `uncertainties`, `model` ↔ `models`). */
const VARIANT_WEIGHT = 0.9;
const MIN_VARIANT = 4;
/** Prefix expansion for earlier terms only from this length; fuzzy only from this length. */
const MIN_PREFIX_EARLIER = 3;
const MIN_FUZZY = 5;
/** Bounds on the work one query term may cause. */
const MAX_EXPANSIONS = 40;
const MAX_FUZZY_EXPANSIONS = 8;
const POSTINGS_BUDGET = 100_000;
/** At most this many query terms are used (the rest only narrow, which AND does anyway). */
const MAX_QUERY_TERMS = 12;
/** Query state per document: generation × stride + number of terms matched. */
const STATE_STRIDE = 16;
const MAX_GENERATION = Math.floor(0xffffffff / STATE_STRIDE) - 1;
/** The key fast path applies when the query is a prefix of at most this many keys. */
const KEY_FAST_PATH_MAX = 200;
const KEY_EXACT_BONUS = 2000;
const KEY_PREFIX_BONUS = 1000;
/** Vocabulary buckets by prefixes of up to this many characters; scan bound per prefix. */
const BUCKET_PREFIX_MAX = 4;
const BUCKET_SCAN_MAX = 20_000;
/** Synchronous abstract indexing in replaceFile (after indexAbstracts ran) up to this many. */
const SYNC_ABSTRACTS_MAX = 500;

const NO_TERMS: number[] = [];
const NO_STRINGS: string[] = [];
const FUZZY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// ---------------------------------------------------------------------------------------
// Text normalisation and tokenisation

const APOSTROPHE_TEST = /['’ʼ]/;
const APOSTROPHES = /['’ʼ]/g;
const WORDS = /[\p{L}\p{N}]+/gu;
const ASCII_WORDS = /[a-z0-9]+/g;
const NON_ASCII = /[^\x00-\x7f]/;
const ALPHA_DIGIT = /\p{L}+|\p{N}+/gu;
const SINGLE_WORD = /^[\p{L}\p{N}]*$/u;
const HAS_DIGIT = /\p{N}/u;
const ALL_DIGITS = /^\p{N}+$/u;

/** Folded tokens of a text (letters and digits; everything else separates). */
export function tokenize(s: string): string[] {
  if (!s) return [];
  let folded = foldForSearch(s);
  // `O'Brien` and `O’Brien` both give `obrien`.
  if (APOSTROPHE_TEST.test(folded)) folded = folded.replace(APOSTROPHES, '');
  return folded.match(NON_ASCII.test(folded) ? WORDS : ASCII_WORDS) ?? [];
}

/**
 * Tokens of a citation key: its punctuation-separated parts (`:`, `-`, `_`, `/`, `.`) and
 * their letter/digit runs, so `kirchhof2020:uncertainty` gives `kirchhof2020`,
 * `uncertainty`, `kirchhof`, `2020`. Whole-key prefixes go through the key fast path.
 */
export function keyTokens(key: string): string[] {
  const out: string[] = [];
  for (const part of tokenize(key)) {
    out.push(part);
    if (!HAS_DIGIT.test(part) || ALL_DIGITS.test(part)) continue;
    const runs = part.match(ALPHA_DIGIT);
    if (runs && runs.length > 1) for (const r of runs) out.push(r);
  }
  return out;
}

/** Joined forms of a name: `Garcia-Lopez` → `garcialopez`, `van der Berg` → `vanderberg`. */
function joinedNameTokens(p: Person): string[] {
  if (!p.von && SINGLE_WORD.test(p.family)) return NO_STRINGS;
  const out: string[] = [];
  const family = tokenize(p.family);
  if (family.length > 1) out.push(family.join(''));
  if (p.von) {
    const joined = tokenize(p.von).join('') + family.join('');
    if (joined) out.push(joined);
  }
  return out;
}

/** Indexed content of the phase-1 fields; two papers with equal signatures index the same. */
function sameIndexedContent(a: Paper, b: Paper): boolean {
  if (a.key !== b.key || a.title !== b.title || a.year !== b.year || a.venue !== b.venue) return false;
  if (a.arxivClass !== b.arxivClass || !sameAbstract(a, b)) return false;
  if (!sameStrings(a.keywords, b.keywords)) return false;
  if (!samePeople(a.authors, b.authors)) return false;
  if (a.authors.length === 0 && !samePeople(a.editors, b.editors)) return false;
  return true;
}

/**
 * Compares the source text when both entries have their own `abstract` field, so that
 * re-reading a file does not convert every abstract (papers convert it on first use).
 */
function sameAbstract(a: Paper, b: Paper): boolean {
  const ra = a.entry?.fields?.abstract?.raw;
  const rb = b.entry?.fields?.abstract?.raw;
  if (ra !== undefined && rb !== undefined && a.entry.format === b.entry.format) return ra === rb;
  return a.abstract === b.abstract;
}

function sameStrings(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function samePeople(a: Person[], b: Person[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.given !== y.given || x.von !== y.von || x.family !== y.family || x.suffix !== y.suffix) return false;
    if ((x.literal ?? '') !== (y.literal ?? '')) return false;
  }
  return true;
}

function bm25(tf: number, len: number, nominal: number, b: number): number {
  return (tf * (K1 + 1)) / (tf + K1 * (1 - b + (b * len) / nominal));
}

function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

interface Bucket {
  ids: number[];
  /** How many of `ids` were in df order at the last sort; later ones were added since. */
  sorted: number;
  epoch: number;
}

interface Expansion {
  term: number;
  weight: number;
}

interface QueryTerm {
  text: string;
  expansions: Expansion[];
  /** Postings the expansions bring. */
  cost: number;
  /** Expansion weights by term id. */
  weights: Map<number, number>;
  /** Weight base for any prefix completion (0: no prefix matching). */
  prefixBase: number;
}

/**
 * One file's indexed documents apart from an index: their forward lists with the file's own
 * term numbers. The cache stores it so that a start adds the documents without tokenizing
 * their text again (a document's weights depend only on its own fields).
 */
export interface IndexSegment {
  /** The segment's terms, by its own term number. */
  terms: string[];
  /** Per entry of the file (source order): how many phase-1 values it has, or -1 for none stored. */
  counts1: Int32Array;
  /** Per entry: how many abstract values it has, or -1 when its abstract was not indexed. */
  counts2: Int32Array;
  /** Term number × 64 + weight, entry after entry. */
  forward1: Int32Array;
  forward2: Int32Array;
}

/** A segment checked and numbered in one index (`PaperIndex.prepareSegment`). */
export interface PreparedSegment {
  segment: IndexSegment;
  termIds: Int32Array;
  starts1: Int32Array;
  starts2: Int32Array;
}

// ---------------------------------------------------------------------------------------

export class PaperIndex {
  // Documents (ids only grow; a removed document leaves `undefined`).
  private docs: (Paper | undefined)[] = [];
  private keyLower: (string | undefined)[] = [];
  private abstractDone: Uint8Array = new Uint8Array(1024);
  /** All ids below this are abstract-indexed, dead or without abstract. */
  private abstractScanFrom = 0;
  private abstractsStarted = false;
  private abstractsChangedDf = false;
  private alive = 0;
  private withAbstractIndexed = 0;
  /** Document id, or ids when a key is defined more than once, by key. */
  private byKey = new Map<string, number | number[]>();
  private byFile = new Map<string, number[]>();
  /** Key fast path: ids by the first two and the first four characters of the lower-cased key. */
  private keyBuckets = new Map<string, number[]>();
  /** Documents below this id are in `keyBuckets` (filled lazily, like the term buckets). */
  private keyBucketedDocs = 0;

  // Vocabulary and postings.
  private termIds = new Map<string, number>();
  /** The same ids, found from a stretch of a text without cutting the token out. */
  private termTable = new TermTable();
  private terms: string[] = [];
  /** Postings (document id × 64 + weight, ascending ids) of the phase-1 fields, per term. */
  private post1 = new PostingPool();
  /** Postings of abstracts, per term. */
  private post2 = new PostingPool();
  /** Term ids by their first 1, 2, 3 and 4 characters, kept roughly in df order. */
  private buckets = new Map<string, Bucket>();
  /** Terms below this id are in `buckets`. */
  private bucketedTerms = 0;
  /** Bumped when document frequencies changed a lot (buckets re-sort on next use). */
  private dfEpoch = 0;

  // Dead postings accounting (for vacuum).
  private postingsPerDoc: number[] = [];
  /** Term ids of recent venues (venues repeat across many papers). */
  private venueCache = new Map<string, number[]>();
  private counter = new TermCounter();
  /** Scratch counts per term for `postDocs` (zero between uses). */
  private perTerm = new Int32Array(1024);
  /** Tokens of the text being counted: start, end and hash each (see `scanTokens`). */
  private spans: Int32Array = new Int32Array(3 * 256);
  /** Forward lists (term id × 64 + weight) per document, for checking few candidates. */
  private fwd1 = new ForwardPool();
  private fwd2 = new ForwardPool();
  private totalPostings = 0;
  private deadPostings = 0;

  // Query scratch space, reused across queries (grown as documents are added).
  /**
   * Per document: `G * STATE_STRIDE + n` when it matched the first n terms of query G
   * (so nothing needs clearing between queries).
   */
  private state: Uint32Array = new Uint32Array(0);
  private acc = new Float64Array(0);
  private tmax1 = new Float64Array(0);
  private tmax2 = new Float64Array(0);
  private queryGen = 0;
  /** 1 for removed documents. */
  private dead: Uint8Array = new Uint8Array(1024);

  /** Number of (live) papers in the index. */
  get size(): number {
    return this.alive;
  }

  /** Papers with an abstract that `indexAbstracts` has not indexed yet. */
  get abstractsPending(): number {
    let n = 0;
    for (let d = this.abstractScanFrom; d < this.docs.length; d++) {
      const p = this.docs[d];
      if (p && p.abstract && !this.abstractDone[d]) n++;
    }
    return n;
  }

  /** The first paper with this key (exact, case-sensitive), if any. */
  get(key: string): Paper | undefined {
    const ids = this.byKey.get(key);
    if (ids === undefined) return undefined;
    return this.docs[typeof ids === 'number' ? ids : ids[0]];
  }

  /** All papers with this key (a key may be defined in several files). */
  getAll(key: string): Paper[] {
    const ids = this.byKey.get(key);
    if (ids === undefined) return [];
    return (typeof ids === 'number' ? [ids] : ids).map((d) => this.docs[d]!);
  }

  /** All live papers, in indexing order. */
  *papers(): IterableIterator<Paper> {
    for (const p of this.docs) if (p) yield p;
  }

  /** The files that have papers in the index. */
  files(): string[] {
    return [...this.byFile.keys()];
  }

  /**
   * Indexes key, title, authors, year, venue and keywords synchronously. Abstracts follow
   * with `indexAbstracts` (which also picks up papers added after it ran once, unless
   * `replaceFile` indexed them already). Papers are appended to their files' lists.
   */
  addPapers(papers: Iterable<Paper>): void {
    const first = this.docs.length;
    for (const p of papers) this.addDoc(p);
    this.postDocs(first);
    if (this.docs.length - first >= 1000) this.dfEpoch++;
  }

  /** Removes every paper of a file. */
  removeFile(file: string): void {
    const ids = this.byFile.get(file);
    if (!ids) return;
    for (const d of ids) this.killDoc(d, false);
    this.byFile.delete(file);
    this.afterMutation();
  }

  /**
   * Replaces a file's papers. Papers whose indexed content is unchanged keep their postings
   * (only the `Paper` object is swapped, e.g. for new source spans); the others are
   * re-indexed. Abstracts of new papers are indexed at once when `indexAbstracts` has run
   * before and there are few of them; otherwise they wait for the next `indexAbstracts`.
   */
  replaceFile(file: string, papers: Iterable<Paper>): void {
    const oldIds = this.byFile.get(file)?.slice() ?? [];
    const oldByKey = new Map<string, number[]>();
    for (const d of oldIds) {
      const p = this.docs[d]!;
      const list = oldByKey.get(p.key);
      if (list) list.push(d);
      else oldByKey.set(p.key, [d]);
    }
    const kept = new Set<number>();
    const newIds: number[] = [];
    const added: number[] = [];
    for (const p of papers) {
      const candidates = oldByKey.get(p.key);
      let reused = -1;
      if (candidates) {
        for (let i = 0; i < candidates.length; i++) {
          const d = candidates[i];
          if (!kept.has(d) && sameIndexedContent(this.docs[d]!, p)) {
            reused = d;
            break;
          }
        }
      }
      if (reused >= 0) {
        kept.add(reused);
        this.docs[reused] = p;
        newIds.push(reused);
      } else {
        const d = this.addDoc(p);
        newIds.push(d);
        added.push(d);
      }
    }
    if (added.length) this.postDocs(added[0]);
    for (const d of oldIds) if (!kept.has(d)) this.killDoc(d, false);
    if (newIds.length) this.byFile.set(file, newIds);
    else this.byFile.delete(file);
    if (this.abstractsStarted && added.length <= SYNC_ABSTRACTS_MAX) {
      for (const d of added) this.indexAbstract(d);
      this.advanceAbstractScan();
    }
    this.afterMutation();
  }

  /**
   * An edit to part of a file: drops the papers of `removed` (matched by their entry object)
   * and indexes `added`; the file's other papers keep their postings untouched.
   */
  patchFile(file: string, removed: Iterable<Entry>, added: Iterable<Paper>): void {
    const dead = new Set<number>();
    for (const entry of removed) {
      const d = this.docOf(entry);
      if (d >= 0) dead.add(d);
    }
    for (const d of dead) this.killDoc(d, false);
    if (dead.size) {
      const kept = (this.byFile.get(file) ?? []).filter((d) => !dead.has(d));
      if (kept.length) this.byFile.set(file, kept);
      else this.byFile.delete(file);
    }
    const first = this.docs.length;
    for (const p of added) this.addDoc(p);
    const count = this.docs.length - first;
    if (count) this.postDocs(first);
    if (count >= 1000) this.dfEpoch++;
    if (this.abstractsStarted && count <= SYNC_ABSTRACTS_MAX) {
      for (let d = first; d < this.docs.length; d++) this.indexAbstract(d);
      this.advanceAbstractScan();
    }
    this.afterMutation();
  }

  /**
   * The indexed lists of one file's `entries` (in source order) with the file's own term
   * numbers, for the cache. An entry without a document here (a duplicate key, not indexed
   * yet) gets none; adding from the segment then indexes it as usual.
   */
  exportSegment(entries: readonly Entry[]): IndexSegment {
    const ids = new Int32Array(entries.length);
    const used = new Uint8Array(this.terms.length);
    const lists = (fwd: ForwardPool, d: number) => (d < fwd.count.length ? fwd.count[d] : 0);
    for (let i = 0; i < entries.length; i++) {
      const d = this.docOf(entries[i]);
      ids[i] = d;
      if (d < 0) continue;
      for (const fwd of [this.fwd1, this.fwd2]) {
        for (let k = fwd.start[d], end = k + lists(fwd, d); k < end; k++) used[fwd.data[k] >>> Q_BITS] = 1;
      }
    }
    // Own numbers in this index's order, so that a segment added to an empty index numbers its terms as indexing did.
    const local = new Int32Array(this.terms.length);
    const terms: string[] = [];
    for (let t = 0; t < used.length; t++) {
      if (!used[t]) continue;
      local[t] = terms.length;
      terms.push(this.terms[t]);
    }
    const counts1 = new Int32Array(entries.length);
    const counts2 = new Int32Array(entries.length);
    const values1: number[] = [];
    const values2: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      const d = ids[i];
      if (d < 0) {
        counts1[i] = counts2[i] = -1;
        continue;
      }
      counts1[i] = lists(this.fwd1, d);
      renumber(this.fwd1.data, this.fwd1.start[d], counts1[i], local, (v) => values1.push(v));
      counts2[i] = (d < this.abstractDone.length && this.abstractDone[d]) || !this.docs[d]!.abstract ? lists(this.fwd2, d) : -1;
      renumber(this.fwd2.data, this.fwd2.start[d], Math.max(0, counts2[i]), local, (v) => values2.push(v));
    }
    return { terms, counts1, counts2, forward1: Int32Array.from(values1), forward2: Int32Array.from(values2) };
  }

  /**
   * Checks a segment (it comes from a file on disk) and numbers its terms in this index;
   * undefined when it does not hold together.
   */
  prepareSegment(segment: IndexSegment): PreparedSegment | undefined {
    const { terms, counts1, counts2, forward1, forward2 } = segment;
    if (counts1.length !== counts2.length) return undefined;
    const starts1 = new Int32Array(counts1.length);
    const starts2 = new Int32Array(counts1.length);
    let n1 = 0;
    let n2 = 0;
    for (let i = 0; i < counts1.length; i++) {
      starts1[i] = n1;
      starts2[i] = n2;
      n1 += Math.max(0, counts1[i]);
      n2 += Math.max(0, counts2[i]);
    }
    if (n1 !== forward1.length || n2 !== forward2.length) return undefined;
    for (const values of [forward1, forward2]) for (let k = 0; k < values.length; k++) if (values[k] < 0 || values[k] >>> Q_BITS >= terms.length) return undefined;
    const termIds = new Int32Array(terms.length);
    for (let t = 0; t < terms.length; t++) termIds[t] = this.termId(terms[t]);
    // Every list gets its final room at once (added in batches, lists would move as they grow).
    const perTerm = new Int32Array(terms.length);
    for (const [values, pool] of [[forward1, this.post1], [forward2, this.post2]] as const) {
      perTerm.fill(0);
      for (let k = 0; k < values.length; k++) perTerm[values[k] >>> Q_BITS]++;
      for (let t = 0; t < terms.length; t++) if (perTerm[t]) pool.reserve(termIds[t], perTerm[t]);
    }
    return { segment, termIds, starts1, starts2 };
  }

  /**
   * Adds `papers`, whose entries are at `slots` of a prepared segment, from their stored
   * lists: no tokenizing. A paper that inherits fields (its text depends on other entries)
   * or has no lists there is indexed as usual. Abstract lists are taken only while every
   * earlier document's abstract is done (abstract postings stay in id order).
   */
  addFromSegment(papers: readonly Paper[], slots: readonly number[], prepared: PreparedSegment): void {
    const { segment, termIds, starts1, starts2 } = prepared;
    const first = this.docs.length;
    this.advanceAbstractScan();
    let abstractsInOrder = this.abstractScanFrom >= first;
    let abstracts = false;
    for (let j = 0; j < papers.length; j++) {
      const p = papers[j];
      const slot = slots[j];
      const n1 = slot >= 0 && slot < segment.counts1.length ? segment.counts1[slot] : -1;
      if (n1 < 0 || p.entry.fields.crossref !== undefined || p.entry.fields.xdata !== undefined) {
        this.addDoc(p);
        if (p.abstract) abstractsInOrder = false;
        continue;
      }
      const d = this.registerDoc(p);
      this.fwd1.begin(d, n1);
      renumber(segment.forward1, starts1[slot], n1, termIds, (v) => this.fwd1.push(v));
      this.postingsPerDoc[d] = n1;
      this.totalPostings += n1;
      const n2 = segment.counts2[slot];
      if (n2 < 0 || !abstractsInOrder) {
        if (p.abstract) abstractsInOrder = false;
        continue;
      }
      if (d >= this.abstractDone.length) this.abstractDone = growU8(this.abstractDone, d + 1);
      this.abstractDone[d] = 1;
      if (!n2) continue;
      this.fwd2.begin(d, n2);
      renumber(segment.forward2, starts2[slot], n2, termIds, (v) => {
        this.post2.push(v >>> Q_BITS, d * (Q_MAX + 1) + (v & Q_MAX));
        this.fwd2.push(v);
      });
      this.postingsPerDoc[d] += n2;
      this.totalPostings += n2;
      this.withAbstractIndexed++;
      abstracts = true;
    }
    const count = this.docs.length - first;
    if (count) this.postDocs(first);
    if (count >= 1000 || abstracts) this.dfEpoch++;
    this.advanceAbstractScan();
    this.afterMutation();
  }

  /** The live document of this entry object, or -1. */
  private docOf(entry: Entry): number {
    const ids = this.byKey.get(entry.key);
    if (ids === undefined) return -1;
    for (const d of typeof ids === 'number' ? [ids] : ids) if (this.docs[d]?.entry === entry) return d;
    return -1;
  }

  /**
   * Indexes abstracts of the papers added so far, in slices of about `sliceMs`, yielding to
   * the event loop (`setTimeout(0)`) between slices. Searches in between see the abstracts
   * indexed so far.
   */
  async indexAbstracts(options: IndexAbstractsOptions = {}): Promise<void> {
    const sliceMs = options.sliceMs ?? 30;
    this.abstractsStarted = true;
    for (;;) {
      if (options.signal?.aborted) return;
      const start = now();
      if (!this.registerKeys(sliceMs) || !this.registerTerms(sliceMs - (now() - start))) {
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        continue;
      }
      let d = this.abstractScanFrom;
      let worked = false;
      for (let n = 0; d < this.docs.length; d++, n++) {
        if (this.indexAbstract(d)) worked = true;
        if ((n & 15) === 15 && now() - start >= sliceMs) {
          d++;
          break;
        }
      }
      this.advanceAbstractScan();
      if (worked) this.abstractsChangedDf = true;
      if (this.abstractScanFrom >= this.docs.length) {
        if (this.abstractsChangedDf) this.dfEpoch++;
        this.abstractsChangedDf = false;
        return;
      }
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Drops postings of removed papers from every list (also done automatically). */
  vacuum(): void {
    const docs = this.docs;
    this.post1.dropDeadEverywhere(this.dead);
    this.post2.dropDeadEverywhere(this.dead);
    let total = 0;
    for (let d = 0; d < docs.length; d++) if (docs[d]) total += this.postingsPerDoc[d] ?? 0;
    this.totalPostings = total;
    this.deadPostings = 0;
    this.fwd1.compact();
    this.fwd2.compact();
    this.dfEpoch++;
  }

  /**
   * Searches: whitespace-separated terms, all must match; the last term is a prefix (unless
   * the query ends with a space), earlier terms of ≥ 3 characters match as prefixes too with
   * a lower weight; terms of ≥ 5 letters also match at edit distance 1. A query that is a
   * prefix of at most 200 keys ranks those first. Order: score desc, year desc, key.
   */
  search(query: string, limit = 50): SearchHit[] {
    if (limit <= 0) return [];
    const trimmed = query.trim();
    if (!trimmed) return [];
    const endsWithSpace = trimmed.length !== query.replace(/^\s+/, '').length;
    this.ensureScratch();
    if (this.queryGen >= MAX_GENERATION) this.resetGenerations();
    let G = ++this.queryGen;

    // Key fast path.
    const keyHits = endsWithSpace || /\s/.test(trimmed) ? [] : this.keyPrefixMatches(trimmed.toLowerCase());

    // Query terms.
    const words = trimmed.split(/\s+/);
    const raw: { text: string; last: boolean }[] = [];
    for (let w = 0; w < words.length; w++) {
      const toks = tokenize(words[w]);
      for (let i = 0; i < toks.length; i++) {
        raw.push({ text: toks[i], last: w === words.length - 1 && i === toks.length - 1 && !endsWithSpace });
      }
    }
    // Deduplicate (keeping the prefix flag of the last) and bound the number of terms.
    const seen = new Map<string, { text: string; last: boolean }>();
    for (const r of raw) {
      const prev = seen.get(r.text);
      if (prev) prev.last = prev.last || r.last;
      else seen.set(r.text, r);
    }
    let unique = [...seen.values()];
    if (unique.length > MAX_QUERY_TERMS) unique = unique.slice(unique.length - MAX_QUERY_TERMS);

    let candidates: number[] = [];
    if (unique.length) {
      candidates = this.run(unique, G, false);
      // Nothing found: a long term may be a misspelling of another word; retry with typo
      // tolerance on every long term.
      if (!candidates.length && unique.some((r) => r.text.length >= MIN_FUZZY)) {
        if (this.queryGen >= MAX_GENERATION) this.resetGenerations();
        G = ++this.queryGen;
        candidates = this.run(unique, G, true);
      }
    }

    // Merge in key fast-path hits (ranked first).
    const acc = this.acc;
    const state = this.state;
    const complete = G * STATE_STRIDE + unique.length;
    const lowerQuery = trimmed.toLowerCase();
    for (const d of keyHits) {
      const matched = unique.length > 0 && state[d] === complete;
      if (!matched) {
        state[d] = complete;
        acc[d] = 0;
        candidates.push(d);
      }
      acc[d] += this.keyLower[d] === lowerQuery ? KEY_EXACT_BONUS : KEY_PREFIX_BONUS;
    }

    return this.topK(candidates, limit);
  }

  // -------------------------------------------------------------------------------------
  // Indexing

  /** Gives `p` the next document id (its lists follow). */
  private registerDoc(p: Paper): number {
    const d = this.docs.length;
    this.docs.push(p);
    if (d >= this.dead.length) this.dead = growU8(this.dead, d);
    this.keyLower.push(p.key.toLowerCase());
    this.alive++;
    const same = this.byKey.get(p.key);
    if (same === undefined) this.byKey.set(p.key, d);
    else if (typeof same === 'number') this.byKey.set(p.key, [same, d]);
    else same.push(d);
    pushTo(this.byFile, p.file, d);
    return d;
  }

  private addDoc(p: Paper): number {
    const d = this.registerDoc(p);

    // Per-field token counts → one weight per distinct term (postings follow in postDocs).
    const counter = this.counter;
    counter.beginDoc();
    counter.beginField();
    this.endField('key', this.countTokens(p.key, true));
    counter.beginField();
    this.endField('title', this.countTokens(p.title));
    counter.beginField();
    let people = 0;
    for (const a of p.authors) people += this.countPersonTokens(a);
    if (p.authors.length === 0) for (const e of p.editors) people += this.countPersonTokens(e);
    this.endField('authors', people);
    if (p.year) this.addField([p.year.toLowerCase()], 'year');
    counter.beginField();
    const venue = this.venueTermIds(p.venue);
    for (let i = 0; i < venue.length; i++) counter.count(venue[i]);
    this.endField('venue', venue.length);
    counter.beginField();
    let keywords = 0;
    for (const k of p.keywords) keywords += this.countTokens(k);
    if (p.arxivClass) keywords += this.countTokens(p.arxivClass);
    this.endField('keywords', keywords);

    const n = counter.docSize;
    const fwd = this.fwd1;
    fwd.begin(d, n);
    for (let i = 0; i < n; i++) {
      fwd.push(counter.docTerms[i] * (Q_MAX + 1) + quantise(counter.docWeights[i] * Q_SCALE_1));
    }
    this.postingsPerDoc[d] = n;
    this.totalPostings += n;
    return d;
  }

  /** Adds a field's BM25 weights (boosted) per distinct token to the current document. */
  private addField(tokens: string[], field: keyof typeof BOOST): void {
    if (!tokens.length) return;
    this.counter.beginField();
    for (let i = 0; i < tokens.length; i++) this.counter.count(this.termId(tokens[i]));
    this.endField(field, tokens.length);
  }

  /** Ends a field of `len` tokens counted since `counter.beginField()`. */
  private endField(field: keyof typeof BOOST, len: number): void {
    if (len) this.counter.endField(len, BOOST[field], NOMINAL_LENGTH[field], LENGTH_B[field]);
  }

  /**
   * Counts the tokens of `s` (exactly those of `tokenize(s)`, or of `keyTokens(s)` with
   * `keyRuns`) into the current field; returns how many. Plain ASCII text, most of a
   * library, is scanned in place: no lower-cased copy, no token strings, one hash lookup
   * per token.
   */
  private countTokens(s: string, keyRuns = false): number {
    if (!s) return 0;
    const n = this.scanTokens(s, keyRuns);
    if (n < 0) {
      const tokens = keyRuns ? keyTokens(s) : tokenize(s);
      for (let i = 0; i < tokens.length; i++) this.counter.count(this.termId(tokens[i]));
      return tokens.length;
    }
    const spans = this.spans;
    for (let k = 0; k < 3 * n; k += 3) {
      const from = spans[k];
      const to = spans[k + 1];
      let id = this.termTable.find(s, from, to, spans[k + 2], this.terms);
      if (id < 0) id = this.termId(s.slice(from, to).toLowerCase());
      this.counter.count(id);
    }
    return n;
  }

  /**
   * Splits ASCII text into the tokens `tokenize` gives (runs of letters and digits,
   * lower-cased), each recorded in `spans` as start, end and hash; with `keyRuns` a token
   * that mixes letters and digits is followed by its letter and digit runs, as in
   * `keyTokens`. Returns the number of tokens, or -1 for text left to `tokenize`
   * (non-ASCII characters or apostrophes).
   */
  private scanTokens(s: string, keyRuns: boolean): number {
    let n = 0;
    let start = -1;
    let hash = HASH_SEED;
    let letters = false;
    let digits = false;
    for (let i = 0, len = s.length; i <= len; i++) {
      let c = i < len ? s.charCodeAt(i) : 32;
      if (c >= 128 || c === 39) return -1;
      if (c >= 65 && c <= 90) c += 32;
      const letter = c >= 97 && c <= 122;
      if (letter || (c >= 48 && c <= 57)) {
        if (start < 0) {
          start = i;
          hash = HASH_SEED;
          letters = digits = false;
        }
        hash = hashStep(hash, c);
        if (letter) letters = true;
        else digits = true;
      } else if (start >= 0) {
        this.addSpan(n++, start, i, hash);
        if (keyRuns && letters && digits) n = this.addRuns(s, start, i, n);
        start = -1;
      }
    }
    return n;
  }

  /** Records the letter and digit runs of the ASCII token `s[from..to)` as spans n, n+1, … */
  private addRuns(s: string, from: number, to: number, n: number): number {
    let runStart = from;
    let hash = HASH_SEED;
    let digitRun = isAsciiDigit(s.charCodeAt(from));
    for (let i = from; i < to; i++) {
      let c = s.charCodeAt(i);
      if (c >= 65 && c <= 90) c += 32;
      if (isAsciiDigit(c) !== digitRun) {
        this.addSpan(n++, runStart, i, hash);
        runStart = i;
        hash = HASH_SEED;
        digitRun = !digitRun;
      }
      hash = hashStep(hash, c);
    }
    this.addSpan(n++, runStart, to, hash);
    return n;
  }

  private addSpan(n: number, from: number, to: number, hash: number): void {
    if (3 * n + 3 > this.spans.length) this.spans = growI32(this.spans, this.spans.length * 2);
    this.spans[3 * n] = from;
    this.spans[3 * n + 1] = to;
    this.spans[3 * n + 2] = hash;
  }

  /**
   * Counts a person's tokens into the current field: those of literal, given, von, family
   * and suffix (part by part, which gives the tokens of the space-joined name), then the
   * joined forms. Returns how many.
   */
  private countPersonTokens(p: Person): number {
    let n = this.countTokens(p.literal ?? '') + this.countTokens(p.given) + this.countTokens(p.von);
    n += this.countTokens(p.family) + this.countTokens(p.suffix);
    const joined = joinedNameTokens(p);
    for (let i = 0; i < joined.length; i++) this.counter.count(this.termId(joined[i]));
    return n + joined.length;
  }

  /**
   * Phase-1 postings of documents `first` and later, from their forward lists. Many
   * documents at once (a bulk add) are bucketed by term in one pass, so every list grows
   * once, to its final size.
   */
  private postDocs(first: number): void {
    const fwd = this.fwd1;
    const pool = this.post1;
    const last = this.docs.length;
    if (last - first > 64) {
      // Count per touched term only: batches of a sliced first read must not cost O(vocabulary).
      if (this.perTerm.length < this.terms.length) this.perTerm = new Int32Array(Math.max(this.terms.length, 2 * this.perTerm.length));
      const perTerm = this.perTerm;
      const touched: number[] = [];
      for (let d = first; d < last; d++) {
        for (let k = fwd.start[d], end = k + fwd.count[d]; k < end; k++) {
          const t = fwd.data[k] >>> Q_BITS;
          if (perTerm[t]++ === 0) touched.push(t);
        }
      }
      for (const t of touched) {
        pool.reserve(t, perTerm[t]);
        perTerm[t] = 0;
      }
    }
    for (let d = first; d < last; d++) {
      for (let k = fwd.start[d], end = k + fwd.count[d]; k < end; k++) {
        const v = fwd.data[k];
        pool.push(v >>> Q_BITS, d * (Q_MAX + 1) + (v & Q_MAX));
      }
    }
  }

  /** Term ids of a venue's tokens (cached: venues repeat across many papers). */
  private venueTermIds(venue: string): number[] {
    if (!venue) return NO_TERMS;
    let ids = this.venueCache.get(venue);
    if (!ids) {
      if (this.venueCache.size >= 20_000) this.venueCache.clear();
      ids = tokenize(venue).map((t) => this.termId(t));
      this.venueCache.set(venue, ids);
    }
    return ids;
  }

  /** Indexes the abstract of one document if due; true when it added postings. */
  private indexAbstract(d: number): boolean {
    if (d >= this.abstractDone.length) this.abstractDone = growU8(this.abstractDone, this.docs.length);
    if (this.abstractDone[d]) return false;
    const p = this.docs[d];
    if (!p) return false;
    this.abstractDone[d] = 1;
    if (!p.abstract) return false;
    const tokens = tokenize(p.abstract);
    if (!tokens.length) return false;
    const counter = this.counter;
    counter.beginDoc();
    this.addField(tokens, 'abstract');
    const n = counter.docSize;
    const fwd = this.fwd2;
    fwd.begin(d, n);
    for (let i = 0; i < n; i++) {
      const id = counter.docTerms[i];
      const q = quantise(counter.docWeights[i] * Q_SCALE_2);
      this.post2.push(id, d * (Q_MAX + 1) + q);
      fwd.push(id * (Q_MAX + 1) + q);
    }
    this.postingsPerDoc[d] = (this.postingsPerDoc[d] ?? 0) + n;
    this.totalPostings += n;
    this.withAbstractIndexed++;
    return true;
  }

  private advanceAbstractScan(): void {
    let d = this.abstractScanFrom;
    const docs = this.docs;
    while (d < docs.length && (this.abstractDone[d] || !docs[d] || !docs[d]!.abstract)) d++;
    this.abstractScanFrom = d;
  }

  private termId(t: string): number {
    let id = this.termIds.get(t);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(t, id);
      this.termTable.add(t, id);
      this.terms.push(t);
      this.post1.ensureTerms(id + 1);
      this.post2.ensureTerms(id + 1);
      this.counter.ensureTerms(id + 1);
    }
    return id;
  }

  private killDoc(d: number, fromFileList: boolean): void {
    const p = this.docs[d];
    if (!p) return;
    this.docs[d] = undefined;
    this.keyLower[d] = undefined;
    this.dead[d] = 1;
    this.alive--;
    if (this.abstractDone[d] && p.abstract) this.withAbstractIndexed--;
    const ids = this.byKey.get(p.key);
    if (ids === d) this.byKey.delete(p.key);
    else if (typeof ids === 'object') {
      const i = ids.indexOf(d);
      if (i >= 0) ids.splice(i, 1);
      if (ids.length === 1) this.byKey.set(p.key, ids[0]);
    }
    if (fromFileList) {
      const f = this.byFile.get(p.file);
      if (f) {
        const i = f.indexOf(d);
        if (i >= 0) f.splice(i, 1);
      }
    }
    this.deadPostings += this.postingsPerDoc[d] ?? 0;
    this.fwd1.clear(d);
    this.fwd2.clear(d);
  }

  private afterMutation(): void {
    // Key buckets are cleaned lazily; postings when a third of them are dead.
    if (this.deadPostings > 10_000 && this.deadPostings * 3 > this.totalPostings) this.vacuum();
  }

  // -------------------------------------------------------------------------------------
  // Querying

  private df(t: number): number {
    return this.post1.length[t] + this.post2.length[t];
  }

  /** Expansions of one query term, best first, within the bounds. */
  private expand(text: string, last: boolean, forceFuzzy: boolean): QueryTerm {
    const expansions: Expansion[] = [];
    let cost = 0;
    const exact = this.termIds.get(text);
    if (exact !== undefined && this.df(exact) > 0) {
      expansions.push({ term: exact, weight: 1 });
      cost += this.df(exact);
    }
    const isDigits = /^\d+$/.test(text);
    if (text.length >= MIN_VARIANT && !isDigits) {
      for (const v of variants(text)) {
        const id = this.termIds.get(v);
        if (id === undefined || this.df(id) === 0 || expansions.some((e) => e.term === id)) continue;
        expansions.push({ term: id, weight: VARIANT_WEIGHT });
        cost += this.df(id);
      }
    }
    const found = expansions.length;
    const prefixOk = last || (text.length >= MIN_PREFIX_EARLIER && !isDigits);
    let completed = false;
    if (prefixOk) {
      const base = last ? PREFIX_WEIGHT_LAST : PREFIX_WEIGHT_EARLIER;
      let first = true;
      for (const t of this.completions(text)) {
        if (t === exact) continue;
        const df = this.df(t);
        if (!first && (expansions.length >= MAX_EXPANSIONS || cost + df > POSTINGS_BUDGET)) break;
        first = false;
        const tl = this.terms[t].length;
        expansions.push({ term: t, weight: base * Math.sqrt(text.length / tl) });
        cost += df;
        completed = true;
      }
    }
    // Typo tolerance for long terms that match nothing as typed (the last one: not even as
    // a prefix); `forceFuzzy` (a retry after an empty result) for all long terms.
    const wantFuzzy = forceFuzzy || (found === 0 && !(last && completed));
    if (wantFuzzy && text.length >= MIN_FUZZY && !isDigits) {
      const fuzzy = this.fuzzyTerms(text);
      let added = 0;
      for (const t of fuzzy) {
        if (added >= MAX_FUZZY_EXPANSIONS) break;
        if (expansions.some((e) => e.term === t)) continue;
        const df = this.df(t);
        if (added > 0 && cost + df > POSTINGS_BUDGET) break;
        expansions.push({ term: t, weight: FUZZY_WEIGHT });
        cost += df;
        added++;
      }
    }
    const weights = new Map<number, number>();
    for (const e of expansions) weights.set(e.term, e.weight);
    return { text, expansions, cost, weights, prefixBase: prefixOk ? (last ? PREFIX_WEIGHT_LAST : PREFIX_WEIGHT_EARLIER) : 0 };
  }

  /**
   * Terms longer than `prefix` that start with it, roughly most frequent first (buckets are
   * sorted by df, terms new since the last sort follow), at most MAX_EXPANSIONS + 1 of them
   * after scanning at most BUCKET_SCAN_MAX terms.
   */
  private completions(prefix: string): number[] {
    this.registerTerms(Infinity);
    const l = Math.min(prefix.length, BUCKET_PREFIX_MAX);
    const bucket = this.buckets.get(l === prefix.length ? prefix : prefix.slice(0, l));
    const out: number[] = [];
    if (!bucket) return out;
    this.sortBucket(bucket);
    const ids = bucket.ids;
    const terms = this.terms;
    const exactBucket = l === prefix.length;
    const n = Math.min(ids.length, BUCKET_SCAN_MAX);
    for (let i = 0; i < n && out.length <= MAX_EXPANSIONS; i++) {
      const t = ids[i];
      const s = terms[t];
      if (s.length <= prefix.length || (!exactBucket && !s.startsWith(prefix))) continue;
      if (this.df(t) === 0) continue;
      out.push(t);
    }
    return out;
  }

  /**
   * Adds terms new since the last call to the prefix buckets (done lazily: by the first
   * prefix query or by indexAbstracts' slices, to keep phase 1 short). Stops after
   * `budgetMs`; returns true when all are registered.
   */
  private registerTerms(budgetMs: number): boolean {
    const terms = this.terms;
    const start = budgetMs === Infinity ? 0 : now();
    let id = this.bucketedTerms;
    for (; id < terms.length; id++) {
      const t = terms[id];
      for (let l = 1; l <= BUCKET_PREFIX_MAX && l <= t.length; l++) {
        const p = t.slice(0, l);
        const b = this.buckets.get(p);
        if (b) b.ids.push(id);
        else this.buckets.set(p, { ids: [id], sorted: 0, epoch: -1 });
      }
      if ((id & 1023) === 1023 && budgetMs !== Infinity && now() - start >= budgetMs) {
        id++;
        break;
      }
    }
    this.bucketedTerms = id;
    return id >= terms.length;
  }

  /**
   * Adds documents new since the last call to the key buckets (by the first key query or
   * indexAbstracts' slices, to keep phase 1 short). Stops after `budgetMs`; returns true when
   * all are registered.
   */
  private registerKeys(budgetMs: number): boolean {
    const keys = this.keyLower;
    const start = budgetMs === Infinity ? 0 : now();
    let d = this.keyBucketedDocs;
    for (; d < keys.length; d++) {
      const kl = keys[d];
      if (kl !== undefined && kl.length >= 2) pushTo(this.keyBuckets, kl.slice(0, 2), d);
      if (kl !== undefined && kl.length >= 4) pushTo(this.keyBuckets, kl.slice(0, 4), d);
      if ((d & 1023) === 1023 && budgetMs !== Infinity && now() - start >= budgetMs) {
        d++;
        break;
      }
    }
    this.keyBucketedDocs = d;
    return d >= keys.length;
  }

  private sortBucket(b: Bucket): void {
    if (b.epoch === this.dfEpoch && b.sorted * 5 >= b.ids.length * 4) return;
    const terms = this.terms;
    const len1 = this.post1.length;
    const len2 = this.post2.length;
    const df = (t: number) => len1[t] + len2[t];
    b.ids.sort((x, y) => df(y) - df(x) || (terms[x] < terms[y] ? -1 : 1));
    // Drop terms no document uses any more.
    let n = b.ids.length;
    while (n > 0 && df(b.ids[n - 1]) === 0) n--;
    b.ids.length = n;
    b.sorted = n;
    b.epoch = this.dfEpoch;
  }

  /** Vocabulary terms at Damerau–Levenshtein distance 1, most frequent first. */
  private fuzzyTerms(text: string): number[] {
    const found = new Set<number>();
    const ids = this.termIds;
    const probe = (s: string) => {
      const id = ids.get(s);
      if (id !== undefined) found.add(id);
    };
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const head = text.slice(0, i);
      const tail = text.slice(i + 1);
      probe(head + tail); // deletion
      if (i + 1 < n) probe(head + text[i + 1] + text[i] + text.slice(i + 2)); // transposition
      for (let c = 0; c < FUZZY_ALPHABET.length; c++) {
        const ch = FUZZY_ALPHABET[c];
        if (ch !== text[i]) probe(head + ch + tail); // substitution
      }
    }
    for (let i = 0; i <= n; i++) {
      const head = text.slice(0, i);
      const tail = text.slice(i);
      for (let c = 0; c < FUZZY_ALPHABET.length; c++) probe(head + FUZZY_ALPHABET[c] + tail); // insertion
    }
    found.delete(ids.get(text) ?? -1);
    const list = [...found].filter((t) => this.df(t) > 0);
    list.sort((a, b) => this.df(b) - this.df(a) || (this.terms[a] < this.terms[b] ? -1 : 1));
    return list;
  }

  private keyPrefixMatches(q: string): number[] {
    if (q.length < 2) return [];
    this.registerKeys(Infinity);
    const bucketKey = q.slice(0, q.length >= 4 ? 4 : 2);
    const bucket = this.keyBuckets.get(bucketKey);
    if (!bucket) return [];
    const out: number[] = [];
    let dead = 0;
    for (let i = 0; i < bucket.length; i++) {
      const d = bucket[i];
      const kl = this.keyLower[d];
      if (kl === undefined) {
        dead++;
        continue;
      }
      if (kl.startsWith(q)) {
        out.push(d);
        if (out.length > KEY_FAST_PATH_MAX) return [];
      }
    }
    if (dead * 4 > bucket.length) {
      this.keyBuckets.set(
        bucketKey,
        bucket.filter((d) => this.keyLower[d] !== undefined),
      );
    }
    return out;
  }

  private run(unique: { text: string; last: boolean }[], G: number, forceFuzzy: boolean): number[] {
    const qterms: QueryTerm[] = unique.map((r) => this.expand(r.text, r.last, forceFuzzy));
    if (!qterms.every((q) => q.expansions.length > 0)) return [];
    // Cheapest first: later terms only look at documents still in the running.
    qterms.sort((a, b) => a.cost - b.cost || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    return this.intersect(qterms, G);
  }

  /** AND over the query terms (cheapest first); returns the surviving document ids. */
  private intersect(qterms: QueryTerm[], G: number): number[] {
    const { state, acc, tmax1, tmax2, dead } = this;
    const n1 = Math.max(1, this.alive);
    const n2 = Math.max(1, this.withAbstractIndexed);
    let touched: number[] = [];
    for (let i = 0; i < qterms.length; i++) {
      const cur = G * STATE_STRIDE + i;
      const next: number[] = [];
      if (i > 0 && touched.length * this.forwardCostPerDoc() < qterms[i].cost) {
        // Few candidates left: check their forward lists instead of scanning postings
        // (exact prefix semantics, and work bounded by the candidates, not the library).
        this.checkCandidates(qterms[i], touched, cur, n1, n2, next);
        for (let k = 0; k < next.length; k++) {
          const d = next[k];
          acc[d] += tmax1[d] + tmax2[d];
        }
        touched = next;
        if (!touched.length) break;
        continue;
      }
      for (const e of qterms[i].expansions) {
        for (let field = 1; field <= 2; field++) {
          const pool = field === 1 ? this.post1 : this.post2;
          const len = pool.length[e.term];
          if (!len) continue;
          const from = pool.start[e.term];
          const factor =
            field === 1
              ? (e.weight * idf(len, n1)) / Q_SCALE_1
              : (e.weight * idf(len, n2)) / Q_SCALE_2;
          const mine = field === 1 ? tmax1 : tmax2;
          const other = field === 1 ? tmax2 : tmax1;
          if (i === 0) {
            const deadCount = scanFirst(pool.data, from, from + len, factor, state, cur, dead, acc, mine, other, next);
            if (deadCount * 4 > len) pool.dropDead(e.term, dead);
          } else {
            scanNext(pool.data, from, from + len, factor, state, cur, mine, other, next);
          }
        }
      }
      for (let k = 0; k < next.length; k++) {
        const d = next[k];
        acc[d] += tmax1[d] + tmax2[d];
      }
      touched = next;
      if (!touched.length) break;
    }
    return touched;
  }

  /** Relative cost of checking one candidate's forward lists (vs scanning one posting). */
  private forwardCostPerDoc(): number {
    const n = Math.max(1, this.alive);
    return 3 * ((this.fwd1.used + this.fwd2.used) / n + 1);
  }

  private checkCandidates(
    q: QueryTerm, candidates: number[], cur: number, n1: number, n2: number, next: number[],
  ): void {
    const { state, tmax1, tmax2, terms, post1, post2 } = this;
    const text = q.text;
    const tl = text.length;
    const idfCache = new Map<number, number>();
    const score = (packed: number, field: 1 | 2): number => {
      const t = packed >>> Q_BITS;
      let w = q.weights.get(t);
      if (w === undefined) {
        if (!q.prefixBase) return 0;
        const s = terms[t];
        if (s.length <= tl || !s.startsWith(text)) return 0;
        w = q.prefixBase * Math.sqrt(tl / s.length);
      }
      const key = field === 1 ? t : -1 - t;
      let f = idfCache.get(key);
      if (f === undefined) {
        f = field === 1
          ? idf(post1.length[t], n1) / Q_SCALE_1
          : idf(post2.length[t], n2) / Q_SCALE_2;
        idfCache.set(key, f);
      }
      return w * f * (packed & Q_MAX);
    };
    for (const d of candidates) {
      if (state[d] !== cur) continue;
      let m1 = 0;
      let m2 = 0;
      const f1 = this.fwd1;
      for (let k = f1.start[d], end = k + f1.count[d]; k < end; k++) {
        const s = score(f1.data[k], 1);
        if (s > m1) m1 = s;
      }
      const f2 = this.fwd2;
      const c2 = d < f2.count.length ? f2.count[d] : 0;
      if (c2) {
        for (let k = f2.start[d], end = k + c2; k < end; k++) {
          const s = score(f2.data[k], 2);
          if (s > m2) m2 = s;
        }
      }
      if (m1 > 0 || m2 > 0) {
        state[d] = cur + 1;
        tmax1[d] = m1;
        tmax2[d] = m2;
        next.push(d);
      }
    }
  }

  /** Best `limit` of the candidates: score desc, year desc, key asc, then id. */
  private topK(candidates: number[], limit: number): SearchHit[] {
    const acc = this.acc;
    const docs = this.docs;
    const worse = (a: number, b: number): boolean => {
      // true when a ranks below b
      if (acc[a] !== acc[b]) return acc[a] < acc[b];
      const ya = docs[a]!.year;
      const yb = docs[b]!.year;
      if (ya !== yb) return ya < yb;
      const ka = docs[a]!.key;
      const kb = docs[b]!.key;
      if (ka !== kb) return ka > kb;
      return a > b;
    };
    // Min-heap of the best `limit` (root = worst kept).
    const heap: number[] = [];
    for (const d of candidates) {
      if (heap.length < limit) {
        heap.push(d);
        let i = heap.length - 1;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (worse(heap[i], heap[parent])) {
            [heap[i], heap[parent]] = [heap[parent], heap[i]];
            i = parent;
          } else break;
        }
      } else if (worse(heap[0], d)) {
        heap[0] = d;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && worse(heap[l], heap[m])) m = l;
          if (r < heap.length && worse(heap[r], heap[m])) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m], heap[i]];
          i = m;
        }
      }
    }
    heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
    return heap.map((d) => ({ key: docs[d]!.key, score: acc[d], paper: docs[d]! }));
  }

  private ensureScratch(): void {
    const n = this.docs.length;
    if (this.state.length >= n) return;
    const size = Math.max(1024, n + (n >> 2));
    this.state = new Uint32Array(size);
    this.acc = new Float64Array(size);
    this.tmax1 = new Float64Array(size);
    this.tmax2 = new Float64Array(size);
    this.queryGen = 0;
  }

  private resetGenerations(): void {
    this.state.fill(0);
    this.queryGen = 0;
  }
}

// ---------------------------------------------------------------------------------------

function quantise(x: number): number {
  const q = Math.round(x);
  return q < 1 ? 1 : q > Q_MAX ? Q_MAX : q;
}

/** English singular/plural forms of a term (looked up exactly, so cheap). */
function variants(t: string): string[] {
  const out: string[] = [];
  if (t.endsWith('ies')) out.push(t.slice(0, -3) + 'y');
  else if (t.endsWith('es')) out.push(t.slice(0, -2), t.slice(0, -1));
  else if (t.endsWith('s') && !t.endsWith('ss')) out.push(t.slice(0, -1));
  else if (t.endsWith('y')) out.push(t.slice(0, -1) + 'ies', t + 's');
  else out.push(t + 's', t + 'es');
  return out;
}

function pushTo<K>(map: Map<K, number[]>, k: K, v: number): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

/** Gives each of `n` list values (term × 64 + weight) from `start` its term's number in `numbers`. */
function renumber(values: Int32Array, start: number, n: number, numbers: Int32Array, take: (value: number) => void): void {
  for (let k = start, end = start + n; k < end; k++) {
    const v = values[k];
    take(numbers[v >>> Q_BITS] * (Q_MAX + 1) + (v & Q_MAX));
  }
}

/** Per-document lists of numbers in one growable typed array. */
class ForwardPool {
  data = new Int32Array(1 << 16);
  length = 0;
  /** Entries belonging to live documents. */
  used = 0;
  start: number[] = [];
  count: number[] = [];
  private current = 0;

  /** Starts document d's list of `n` values (then `push` them). */
  begin(d: number, n: number): void {
    this.clear(d);
    if (this.length + n > this.data.length) {
      const bigger = new Int32Array(Math.max(this.data.length * 2, this.length + n));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    while (this.start.length < d) {
      this.start.push(0);
      this.count.push(0);
    }
    this.start[d] = this.length;
    this.count[d] = 0;
    this.current = d;
  }

  push(v: number): void {
    this.data[this.length++] = v;
    this.used++;
    this.count[this.current]++;
  }

  clear(d: number): void {
    if (d < this.count.length && this.count[d]) {
      this.used -= this.count[d];
      this.count[d] = 0;
    }
  }

  compact(): void {
    const data = new Int32Array(Math.max(1 << 16, this.used + (this.used >> 3)));
    let n = 0;
    for (let d = 0; d < this.count.length; d++) {
      const c = this.count[d];
      if (!c) continue;
      data.set(this.data.subarray(this.start[d], this.start[d] + c), n);
      this.start[d] = n;
      n += c;
    }
    this.data = data;
    this.length = n;
  }
}

/**
 * The postings lists of all terms in one growable typed array: term t's list is
 * `data[start[t] .. start[t] + length[t])`, with room for `capacity[t]` postings. A list that
 * outgrows its room moves to the end; the room it leaves is reclaimed when the buffer is
 * repacked. One buffer instead of ~100,000 growing JS arrays keeps the garbage collector
 * out of indexing.
 */
class PostingPool {
  data: Int32Array = new Int32Array(1 << 16);
  start: Int32Array = new Int32Array(1024);
  length: Int32Array = new Int32Array(1024);
  private capacity: Int32Array = new Int32Array(1024);
  private terms = 0;
  /** End of the part of `data` handed out so far. */
  private end = 0;
  /** Sum of the lists' capacities (what a repack keeps). */
  private held = 0;

  ensureTerms(n: number): void {
    if (n > this.start.length) {
      const size = Math.max(n, this.start.length * 2);
      this.start = growI32(this.start, size);
      this.length = growI32(this.length, size);
      this.capacity = growI32(this.capacity, size);
    }
    if (n > this.terms) this.terms = n;
  }

  push(t: number, v: number): void {
    const len = this.length[t];
    if (len === this.capacity[t]) this.move(t, Math.max(4, len * 2));
    this.data[this.start[t] + len] = v;
    this.length[t] = len + 1;
  }

  /**
   * Makes room for `extra` more postings in list t: exactly for a first bulk add, with room
   * to spare for a list that grows again (a first read added in batches moves each list
   * O(log n) times, not once per batch).
   */
  reserve(t: number, extra: number): void {
    const needed = this.length[t] + extra;
    const capacity = this.capacity[t];
    if (needed > capacity) this.move(t, capacity === 0 ? needed : Math.max(needed, capacity + (capacity >> 1)));
  }

  /** Removes postings of dead documents from list t, in place; returns how many. */
  dropDead(t: number, dead: Uint8Array): number {
    const data = this.data;
    const from = this.start[t];
    const to = from + this.length[t];
    let w = from;
    for (let k = from; k < to; k++) {
      const v = data[k];
      if (!dead[v >>> Q_BITS]) data[w++] = v;
    }
    this.length[t] = w - from;
    return to - w;
  }

  dropDeadEverywhere(dead: Uint8Array): void {
    for (let t = 0; t < this.terms; t++) if (this.length[t]) this.dropDead(t, dead);
  }

  /** Gives list t a room of `capacity` at the end of the buffer. */
  private move(t: number, capacity: number): void {
    if (this.end + capacity > this.data.length) this.repack(capacity);
    const from = this.start[t];
    this.data.copyWithin(this.end, from, from + this.length[t]);
    this.held += capacity - this.capacity[t];
    this.start[t] = this.end;
    this.capacity[t] = capacity;
    this.end += capacity;
  }

  /**
   * Copies every list (with its room) to a new buffer with at least `extra` free at the end;
   * sized at twice what is kept, so repacks get rarer as the lists grow.
   */
  private repack(extra: number): void {
    const data = new Int32Array(Math.max(1 << 16, 2 * (this.held + extra)));
    let end = 0;
    for (let t = 0; t < this.terms; t++) {
      const cap = this.capacity[t];
      if (!cap) continue;
      const from = this.start[t];
      data.set(this.data.subarray(from, from + this.length[t]), end);
      this.start[t] = end;
      end += cap;
    }
    this.data = data;
    this.end = end;
  }
}

/**
 * Term frequencies of one document without Maps: stamps per term id tell whether a term
 * was already seen in the current field or document, so counting a token is an array
 * lookup. Fields are indexed in order; a document's distinct terms keep first-occurrence
 * order and sum their fields' weights.
 */
class TermCounter {
  private fieldStamp: Int32Array = new Int32Array(1024);
  private fieldCount: Int32Array = new Int32Array(1024);
  private docStamp: Int32Array = new Int32Array(1024);
  private docSlot: Int32Array = new Int32Array(1024);
  private fieldGen = 0;
  private docGen = 0;
  /** Distinct terms of the current field, in first-occurrence order. */
  private fieldTerms: Int32Array = new Int32Array(256);
  private fieldSize = 0;
  /** Distinct terms of the current document and their summed weights. */
  docTerms: Int32Array = new Int32Array(256);
  docWeights = new Float64Array(256);
  docSize = 0;

  ensureTerms(n: number): void {
    if (n <= this.fieldStamp.length) return;
    const size = Math.max(n, this.fieldStamp.length * 2);
    this.fieldStamp = growI32(this.fieldStamp, size);
    this.fieldCount = growI32(this.fieldCount, size);
    this.docStamp = growI32(this.docStamp, size);
    this.docSlot = growI32(this.docSlot, size);
  }

  beginDoc(): void {
    if (this.docGen === 0x7fffffff) {
      this.docStamp.fill(0);
      this.docGen = 0;
    }
    this.docGen++;
    this.docSize = 0;
  }

  beginField(): void {
    if (this.fieldGen === 0x7fffffff) {
      this.fieldStamp.fill(0);
      this.fieldGen = 0;
    }
    this.fieldGen++;
    this.fieldSize = 0;
  }

  count(t: number): void {
    if (this.fieldStamp[t] === this.fieldGen) {
      this.fieldCount[t]++;
      return;
    }
    this.fieldStamp[t] = this.fieldGen;
    this.fieldCount[t] = 1;
    if (this.fieldSize === this.fieldTerms.length) this.fieldTerms = growI32(this.fieldTerms, this.fieldSize * 2);
    this.fieldTerms[this.fieldSize++] = t;
  }

  /** Adds boost × BM25 of each distinct term of the field (of `len` tokens) to the document. */
  endField(len: number, boost: number, nominal: number, b: number): void {
    for (let i = 0; i < this.fieldSize; i++) {
      const t = this.fieldTerms[i];
      const w = boost * bm25(this.fieldCount[t], len, nominal, b);
      if (this.docStamp[t] === this.docGen) {
        this.docWeights[this.docSlot[t]] += w;
        continue;
      }
      if (this.docSize === this.docTerms.length) {
        this.docTerms = growI32(this.docTerms, this.docSize * 2);
        const weights = new Float64Array(this.docSize * 2);
        weights.set(this.docWeights);
        this.docWeights = weights;
      }
      this.docStamp[t] = this.docGen;
      this.docSlot[t] = this.docSize;
      this.docTerms[this.docSize] = t;
      this.docWeights[this.docSize++] = w;
    }
  }
}

/** FNV-1a over UTF-16 code units (the hash of `TermTable`). */
const HASH_SEED = 0x811c9dc5 | 0;

function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hashString(s: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < s.length; i++) h = hashStep(h, s.charCodeAt(i));
  return h;
}

/**
 * Term ids by term text in an open-addressing table, so that the ASCII tokenizer can look
 * a token up from its place in the text (hashed while scanning) without creating a string.
 */
class TermTable {
  /** Term id + 1 per slot (0: empty); at most half full. */
  private slots: Int32Array = new Int32Array(1 << 12);
  /** Hash per term id (for growing). */
  private hashes: Int32Array = new Int32Array(1 << 11);
  private size = 0;

  add(term: string, id: number): void {
    if (id >= this.hashes.length) this.hashes = growI32(this.hashes, Math.max(id + 1, this.hashes.length * 2));
    const hash = hashString(term);
    this.hashes[id] = hash;
    if (++this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    this.place(id, hash);
  }

  /**
   * Id of the term that equals `text[from..to)` lower-cased (ASCII letters and digits,
   * hashed as `hash`), or -1.
   */
  find(text: string, from: number, to: number, hash: number, terms: string[]): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const len = to - from;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === 0) return -1;
      const id = v - 1;
      if (this.hashes[id] !== hash) continue;
      const term = terms[id];
      if (term.length !== len) continue;
      let k = 0;
      while (k < len) {
        let c = text.charCodeAt(from + k);
        if (c >= 65 && c <= 90) c += 32;
        if (c !== term.charCodeAt(k)) break;
        k++;
      }
      if (k === len) return id;
    }
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hash & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(size);
    for (let i = 0; i < old.length; i++) if (old[i]) this.place(old[i] - 1, this.hashes[old[i] - 1]);
  }
}

function growI32(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/**
 * First (cheapest) query term: every live document in the list enters the running with
 * state `cur + 1`; per-field maxima over the term's expansions go to `mine`.
 */
function scanFirst(
  postings: Int32Array, from: number, to: number, factor: number, state: Uint32Array, cur: number,
  dead: Uint8Array, acc: Float64Array, mine: Float64Array, other: Float64Array, next: number[],
): number {
  const touchedState = cur + 1;
  let deadCount = 0;
  for (let k = from; k < to; k++) {
    const v = postings[k];
    const d = v >>> Q_BITS;
    const s = factor * (v & Q_MAX);
    if (state[d] !== touchedState) {
      if (dead[d]) {
        deadCount++;
        continue;
      }
      state[d] = touchedState;
      acc[d] = 0;
      mine[d] = s;
      other[d] = 0;
      next.push(d);
    } else if (s > mine[d]) mine[d] = s;
  }
  return deadCount;
}

/** A later query term: only documents that matched all earlier ones (state `cur`). */
function scanNext(
  postings: Int32Array, from: number, to: number, factor: number, state: Uint32Array, cur: number,
  mine: Float64Array, other: Float64Array, next: number[],
): void {
  const touchedState = cur + 1;
  for (let k = from; k < to; k++) {
    const v = postings[k];
    const d = v >>> Q_BITS;
    const st = state[d];
    if (st === cur) {
      state[d] = touchedState;
      mine[d] = factor * (v & Q_MAX);
      other[d] = 0;
      next.push(d);
    } else if (st === touchedState) {
      const s = factor * (v & Q_MAX);
      if (s > mine[d]) mine[d] = s;
    }
  }
}

function growU8(a: Uint8Array, min: number): Uint8Array {
  const b = new Uint8Array(Math.max(min + 1024, a.length * 2));
  b.set(a);
  return b;
}
