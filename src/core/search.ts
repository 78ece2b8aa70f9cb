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

import type { Paper, Person } from './model';
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

const NO_TOKENS: string[] = [];
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

function personTokens(p: Person, out: string[]): void {
  const all = tokenize(`${p.literal ?? ''} ${p.given} ${p.von} ${p.family} ${p.suffix}`);
  for (const t of all) out.push(t);
  // Joined forms: `Garcia-Lopez` → `garcialopez`, `van der Berg` → `vanderberg`.
  if (p.von || !SINGLE_WORD.test(p.family)) {
    const family = tokenize(p.family);
    if (family.length > 1) out.push(family.join(''));
    if (p.von) {
      const joined = tokenize(p.von).join('') + family.join('');
      if (joined) out.push(joined);
    }
  }
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

/** Adds each token's count into `counts`; returns the number of tokens. */
function countInto(tokens: string[], counts: Map<string, number>): number {
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return tokens.length;
}

/** Adds a field's BM25 weights (boosted) per distinct token into `weights`. */
function addField(
  tokens: string[], field: keyof typeof BOOST, counts: Map<string, number>, weights: Map<string, number>,
): void {
  if (!tokens.length) return;
  counts.clear();
  const len = countInto(tokens, counts);
  const boost = BOOST[field];
  const nominal = NOMINAL_LENGTH[field];
  const b = LENGTH_B[field];
  for (const [t, tf] of counts) {
    weights.set(t, (weights.get(t) ?? 0) + boost * bm25(tf, len, nominal, b));
  }
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
  /** Key fast path: ids by the first two characters of the lower-cased key. */
  private keyBuckets = new Map<string, number[]>();

  // Vocabulary and postings.
  private termIds = new Map<string, number>();
  private terms: string[] = [];
  private post1: number[][] = [];
  private post2: (number[] | undefined)[] = [];
  /** Term ids by their first 1, 2, 3 and 4 characters, kept roughly in df order. */
  private buckets = new Map<string, Bucket>();
  /** Terms below this id are in `buckets`. */
  private bucketedTerms = 0;
  /** Bumped when document frequencies changed a lot (buckets re-sort on next use). */
  private dfEpoch = 0;

  // Dead postings accounting (for vacuum).
  private postingsPerDoc: number[] = [];
  private scratchWeights = new Map<string, number>();
  private venueCache = new Map<string, string[]>();
  private scratchCounts = new Map<string, number>();
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
    let n = 0;
    for (const p of papers) {
      this.addDoc(p);
      n++;
    }
    if (n >= 1000) this.dfEpoch++;
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
      if (!this.registerTerms(sliceMs)) {
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
    for (let t = 0; t < this.post1.length; t++) {
      this.post1[t] = compactList(this.post1[t], this.dead);
      const l2 = this.post2[t];
      if (l2) this.post2[t] = l2.length ? compactList(l2, this.dead) : l2;
    }
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

  private addDoc(p: Paper): number {
    const d = this.docs.length;
    this.docs.push(p);
    if (d >= this.dead.length) this.dead = growU8(this.dead, d);
    const kl = p.key.toLowerCase();
    this.keyLower.push(kl);
    this.alive++;
    const same = this.byKey.get(p.key);
    if (same === undefined) this.byKey.set(p.key, d);
    else if (typeof same === 'number') this.byKey.set(p.key, [same, d]);
    else same.push(d);
    pushTo(this.byFile, p.file, d);
    if (kl.length >= 2) pushTo(this.keyBuckets, kl.slice(0, 2), d);
    if (kl.length >= 4) pushTo(this.keyBuckets, kl.slice(0, 4), d);

    // Per-field token counts → one weight per distinct term.
    const weights = this.scratchWeights;
    const counts = this.scratchCounts;
    weights.clear();
    addField(keyTokens(p.key), 'key', counts, weights);
    addField(tokenize(p.title), 'title', counts, weights);
    const people: string[] = [];
    for (const a of p.authors) personTokens(a, people);
    if (p.authors.length === 0) for (const e of p.editors) personTokens(e, people);
    addField(people, 'authors', counts, weights);
    if (p.year) addField([p.year.toLowerCase()], 'year', counts, weights);
    addField(this.venueTokens(p.venue), 'venue', counts, weights);
    const kw: string[] = [];
    for (const k of p.keywords) for (const t of tokenize(k)) kw.push(t);
    if (p.arxivClass) for (const t of tokenize(p.arxivClass)) kw.push(t);
    addField(kw, 'keywords', counts, weights);

    const fwd = this.fwd1;
    fwd.begin(d, weights.size);
    for (const [t, w] of weights) {
      const id = this.termId(t);
      const q = quantise(w * Q_SCALE_1);
      this.post1[id].push(d * (Q_MAX + 1) + q);
      fwd.push(id * (Q_MAX + 1) + q);
    }
    this.postingsPerDoc[d] = weights.size;
    this.totalPostings += weights.size;
    return d;
  }

  /** Venues repeat across many papers: their tokens are cached. */
  private venueTokens(venue: string): string[] {
    if (!venue) return NO_TOKENS;
    let toks = this.venueCache.get(venue);
    if (!toks) {
      if (this.venueCache.size >= 20_000) this.venueCache.clear();
      toks = tokenize(venue);
      this.venueCache.set(venue, toks);
    }
    return toks;
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
    const counts = this.scratchCounts;
    counts.clear();
    const len = countInto(tokens, counts);
    const fwd = this.fwd2;
    fwd.begin(d, counts.size);
    for (const [t, tf] of counts) {
      const w = BOOST.abstract * bm25(tf, len, NOMINAL_LENGTH.abstract, LENGTH_B.abstract);
      const id = this.termId(t);
      let list = this.post2[id];
      if (!list) this.post2[id] = list = [];
      const q = quantise(w * Q_SCALE_2);
      list.push(d * (Q_MAX + 1) + q);
      fwd.push(id * (Q_MAX + 1) + q);
    }
    this.postingsPerDoc[d] = (this.postingsPerDoc[d] ?? 0) + counts.size;
    this.totalPostings += counts.size;
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
      this.terms.push(t);
      this.post1.push([]);
      this.post2.push(undefined);

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
    return this.post1[t].length + (this.post2[t]?.length ?? 0);
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

  private sortBucket(b: Bucket): void {
    if (b.epoch === this.dfEpoch && b.sorted * 5 >= b.ids.length * 4) return;
    const { terms, post1, post2 } = this;
    const df = (t: number) => post1[t].length + (post2[t]?.length ?? 0);
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
          const list = field === 1 ? this.post1[e.term] : this.post2[e.term];
          if (!list || !list.length) continue;
          const factor =
            field === 1
              ? (e.weight * idf(list.length, n1)) / Q_SCALE_1
              : (e.weight * idf(list.length, n2)) / Q_SCALE_2;
          const [mine, other] = field === 1 ? [tmax1, tmax2] : [tmax2, tmax1];
          if (i === 0) {
            const deadCount = scanFirst(list, factor, state, cur, dead, acc, mine, other, next);
            if (deadCount * 4 > list.length) {
              const compacted = compactList(list, dead);
              if (field === 1) this.post1[e.term] = compacted;
              else this.post2[e.term] = compacted;
            }
          } else {
            scanNext(list, factor, state, cur, mine, other, next);
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
          ? idf(post1[t].length, n1) / Q_SCALE_1
          : idf(post2[t]?.length ?? 0, n2) / Q_SCALE_2;
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

function compactList(list: number[], dead: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!dead[v >>> Q_BITS]) out.push(v);
  }
  return out;
}

/**
 * First (cheapest) query term: every live document in the list enters the running with
 * state `cur + 1`; per-field maxima over the term's expansions go to `mine`.
 */
function scanFirst(
  list: number[], factor: number, state: Uint32Array, cur: number, dead: Uint8Array,
  acc: Float64Array, mine: Float64Array, other: Float64Array, next: number[],
): number {
  const touchedState = cur + 1;
  let deadCount = 0;
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
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
  list: number[], factor: number, state: Uint32Array, cur: number,
  mine: Float64Array, other: Float64Array, next: number[],
): void {
  const touchedState = cur + 1;
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
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
