/**
 * The catalog: everything CiteLens knows about the workspace's collections in one object —
 * entries and papers (`Library`), the search index (`PaperIndex`), the library's facets and
 * pages (`LibraryPages`), crossref/xdata dependants and each file's problems. It applies a
 * reading (or an incremental patch) of one file itself and says what changed; callers ask it
 * questions and get back plain data (`PaperView`, locations as lines and columns), never its
 * entries. It lives in the reader's worker in the Node host (catalogService.ts); the CLI and
 * the web host's in-thread fallback use it directly.
 */
import { LineIndexHolder, MovableEntry } from './entries';
import { FlatEntries, FlatEntryReader, flatKeys } from './flat';
import { formattingItem } from './formatReference';
import { CollectionPatch, spliceEntries } from './incremental';
import { Library } from './library';
import { LibraryPages } from './libraryPages';
import { Card, FacetKind, FacetList, FacetLists, LibraryQuery, AuthorPage, TopicPage } from './libraryProtocol';
import { Diagnostic, Entry, LineIndex, Paper, ParseResult, Person, Severity } from './model';
import { judgeKeys, keyInCollectionAt, KeyVerdict } from './navigation';
import { nearestKeys } from './nearest';
import { paperField, toPaper } from './paper';
import { IndexSegment, PaperIndex, SearchHit } from './search';
import type { CslItem } from './csl-export';
import { linkOf } from './libraryPages';

/** A stretch of a file as lines and columns (0-based), as editors show it. */
export interface RangeView {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where an entry is: its file, its key and the whole entry. */
export interface EntryLocation {
  file: string;
  key: RangeView;
  entry: RangeView;
}

/** One paper as the editor shows it (hover, completion, quick picks): display text, its place, and on request its CSL item. */
export interface PaperView {
  key: string;
  type: string;
  file: string;
  authors: Person[];
  editors: Person[];
  etAl: boolean;
  title: string;
  year: string;
  venue: string;
  abstract: string;
  keywords: string[];
  doi: string;
  url: string;
  arxivClass: string;
  aliases: string[];
  volume: string;
  pages: string;
  location: EntryLocation;
  /** Changes whenever the paper's data changes (formatted references are cached by it). */
  stamp: number;
  /** The CSL item to format (bounded; no abstract), when asked for. */
  csl?: CslItem;
}

/** A problem of a collection file, placed. */
export interface ProblemView extends RangeView {
  severity: Severity;
  message: string;
  code: string;
}

export interface FileStatus {
  file: string;
  entries: number;
  encoding: string;
}

export interface CatalogStatus {
  papers: number;
  files: FileStatus[];
  /** Readings are being applied (searches may miss papers not yet indexed). */
  indexing: boolean;
  abstractsPending: number;
}

/** What one reading or removal changed. */
export interface CatalogChange {
  /** Files whose problems are given again (every file whose problems may have changed). */
  problems: Record<string, ProblemView[]>;
  /** Files the catalog no longer has. */
  removed: string[];
  status: CatalogStatus;
}

/** Everything navigation needs to know about one key. */
export interface KeyInfo {
  key: string;
  /** An entry has exactly this key. */
  defined: boolean;
  /** The entry an `ids` alias stands for. */
  aliasOf?: string;
  /** The key itself if defined, else the alias's entry key, else itself. */
  canonical: string;
  /** Definitions of exactly this key (several for a duplicate). */
  declarations: EntryLocation[];
  /** What the key stands for: its definitions, else its alias's, else the same key in another case. */
  targets: EntryLocation[];
  /** Defined keys equal to this one ignoring case (itself excluded). */
  otherCase: string[];
  /** Keys that are `ids` aliases of this entry. */
  aliases: string[];
  /** `crossref`/`xdata` values naming this key. */
  parentReferences: Array<{ file: string; range: RangeView }>;
}

/** The key at an offset of a collection file. */
export interface CollectionKeyAt {
  key: string;
  start: number;
  end: number;
  kind: 'entry' | 'crossref' | 'xdata';
}

export interface LibraryAnswer {
  total: number;
  capped: boolean;
  facets: FacetLists;
  cards: Card[];
  page?: AuthorPage | TopicPage;
}

export type { KeyVerdict };

export interface ApplyOptions {
  /** Yields between slices (the thread answers questions meanwhile). */
  pause?: () => Promise<void>;
  sliceMs?: number;
  /** The file's display label (the library's "files" facet). */
  label?: string;
  encoding?: string;
  /** The index lists of a whole reading, stored with it in the cache (`indexSegment`). */
  index?: IndexSegment;
}

/** Each file's entries in source order and its line index. */
interface FileState {
  entries: MovableEntry[];
  holder: LineIndexHolder;
}

const BATCH = 250;
/** Problems sent per file (a damaged 50 MB file can have 100,000). */
const MAX_PROBLEMS = 5000;

export class Catalog {
  private readonly library = new Library();
  private readonly index = new PaperIndex();
  private readonly states = new Map<string, FileState>();
  private readonly encodings = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private readonly stamps = new WeakMap<Paper, number>();
  private nextStamp = 1;
  private applying = 0;
  /**
   * Whole readings being applied: their keys, so that a typed key is answered (from that
   * one entry, built on demand) before the entries are built and attached.
   */
  private readonly pending = new Map<string, PendingReading>();
  private readonly pages = new LibraryPages({
    papers: () => this.index.papers(),
    search: (text, limit) => this.index.search(text, limit).map((h) => h.paper),
    fileLabel: (file) => this.labels.get(file) ?? file,
  });
  /** The last library query's papers, for page requests (the webview asks by offset). */
  private lastQuery: { id: string; papers: Paper[] } | undefined;
  private newestCache: Paper[] | undefined;

  // ---- changes ------------------------------------------------------------------------

  /** Adds or replaces a whole reading at once (the CLI; small files). */
  setFile(result: ParseResult, encoding = 'UTF-8'): void {
    const change = this.library.setFile(result);
    this.invalidate();
    this.encodings.set(result.file, encoding);
    // Indexed when first searched (the CLI's parse and check never search).
    this.unindexed.add(result.file);
    for (const f of change.dependentFiles) this.unindexed.add(f);
  }

  /** Files set whole whose papers are not in the index yet. */
  private readonly unindexed = new Set<string>();

  private ensureIndexed(): void {
    for (const f of this.unindexed) this.index.replaceFile(f, this.library.papersOf(f));
    this.unindexed.clear();
  }

  /**
   * Applies a reading of `file` (a whole one, or a patch against the last one applied):
   * rebuilds the new entries, moves the kept ones, attaches them to the library and the index
   * in batches, pausing between slices. Undefined when `patch` is a change to a reading this
   * catalog does not have: the caller reads the file whole.
   */
  async apply(file: string, patch: CollectionPatch, options: ApplyOptions = {}): Promise<CatalogChange | undefined> {
    let state = this.states.get(file);
    if (!patch.full && !state) return undefined;
    this.applying++;
    try {
      if (options.label) this.labels.set(file, options.label);
      const encoding = options.encoding ?? 'UTF-8';
      const dependents = new Set<string>();
      const keys = new Set<string>();
      const record = (change: { dependentFiles: Set<string>; keys: Set<string> }) => {
        change.dependentFiles.forEach((f) => dependents.add(f));
        change.keys.forEach((k) => keys.add(k));
      };
      const sliced = slicer(options);
      if (patch.full || !state) {
        const previous = state;
        state = { entries: [], holder: { lineIndex: LineIndex.fromStarts(patch.lineStarts, patch.lineCount) } };
        this.states.set(file, state);
        // The new reading's keys answer from now on: while the old entries are dropped a typed key must still be found.
        if (options.pause) this.pending.set(file, { file, ...flatKeys(patch.added), flat: patch.added, format: patch.format, holder: state.holder, built: new Map() });
        if (previous) {
          // Everything goes: drop the old entries first (in slices), then add as for a new file.
          const old = this.library.fileResult(file);
          await sliced(previous.entries, (batch) => {
            if (old) record(this.library.patchFile(old, batch, []));
            this.index.patchFile(file, batch, []);
          });
        }
      } else {
        state.holder.lineIndex = LineIndex.fromStarts(patch.lineStarts, patch.lineCount);
      }
      const reader = new FlatEntryReader(patch.added, file, patch.format, state.holder);
      while (reader.next(options.pause ? (options.sliceMs ?? 15) : Infinity)) await options.pause?.();
      if (this.states.get(file) !== state) return undefined;
      const spliced = patch.full ? { entries: reader.entries, removed: [] as MovableEntry[] } : spliceEntries(state.entries, patch, reader.entries);
      state.entries = spliced.entries;
      const diagnostics = patch.diagnostics.slice();
      if (encoding !== 'UTF-8' && encoding !== 'UTF-16LE' && encoding !== 'UTF-16BE') {
        diagnostics.unshift({ file, span: { start: 0, end: 0 }, line: 0, column: 0, severity: 'information', code: 'encoding', message: `This file is not valid UTF-8; it was read as ${encoding}.` });
      }
      this.encodings.set(file, encoding);
      const holder = state.holder;
      const result: ParseResult = {
        file,
        format: patch.format,
        entries: state.entries,
        diagnostics,
        strings: patch.strings,
        preambles: patch.preambles,
        get lineIndex() {
          return holder.lineIndex;
        },
      };
      // Keys first, for the whole reading (completion of a typed key answers from them while
      // the word index is still being built), then the index in slices.
      record(this.library.patchFile(result, spliced.removed, []));
      await sliced(reader.entries, (batch) => record(this.library.patchFile(result, [], batch)));
      this.pending.delete(file);
      if (spliced.removed.length) this.index.patchFile(file, spliced.removed, []);
      const segment = patch.full && options.index ? this.index.prepareSegment(options.index) : undefined;
      if (segment) {
        await sliced(reader.entries, (batch, offset) => {
          const papers: Paper[] = [];
          const slots: number[] = [];
          for (let i = 0; i < batch.length; i++) {
            const p = this.library.paperOfEntry(batch[i]);
            if (p) papers.push(p), slots.push(offset + i);
          }
          this.index.addFromSegment(papers, slots, segment);
        });
      } else {
        await sliced(reader.entries, (batch) => this.index.patchFile(file, [], this.library.papersFor(batch)));
      }
      dependents.delete(file);
      for (const f of dependents) this.index.replaceFile(f, this.library.papersOf(f));
      return this.changed(this.library.filesAffectedBy(file, keys));
    } finally {
      if (this.pending.get(file)?.holder === state?.holder) this.pending.delete(file);
      this.applying--;
    }
  }

  /**
   * The index lists of `file`'s entries, for the cache to store beside its reading; undefined
   * while anything is being applied, or when `keys` (the reading's, in order) are not the
   * entries this catalog holds for the file.
   */
  indexSegment(file: string, keys?: readonly string[]): IndexSegment | undefined {
    const state = this.states.get(file);
    if (!state || this.applying > 0) return undefined;
    if (keys && (keys.length !== state.entries.length || state.entries.some((e, i) => e.key !== keys[i]))) return undefined;
    return this.index.exportSegment(state.entries);
  }

  /** Forgets a file (deleted, unreadable, no longer tracked). */
  remove(file: string): CatalogChange {
    this.states.delete(file);
    this.pending.delete(file);
    this.encodings.delete(file);
    this.unindexed.delete(file);
    const change = this.library.removeFile(file);
    this.index.removeFile(file);
    if (change) for (const f of change.dependentFiles) this.index.replaceFile(f, this.library.papersOf(f));
    const out = this.changed(change ? this.library.filesAffectedBy(file, change.keys) : []);
    delete out.problems[file];
    out.removed.push(file);
    return out;
  }

  /** Indexes abstracts in slices (after the fields a search needs first). */
  indexAbstracts(options: { sliceMs?: number } = {}): Promise<void> {
    this.ensureIndexed();
    return this.index.indexAbstracts(options);
  }

  get abstractsPending(): number {
    return this.index.abstractsPending;
  }

  private invalidate(): void {
    this.pages.invalidate();
    this.lastQuery = undefined;
    this.newestCache = undefined;
  }

  private changed(affected: Iterable<string>): CatalogChange {
    this.invalidate();
    const problems: Record<string, ProblemView[]> = {};
    for (const file of affected) {
      if (!this.library.fileResult(file)) continue;
      problems[file] = this.problemsOf(file);
    }
    return { problems, removed: [], status: this.status() };
  }

  // ---- questions ----------------------------------------------------------------------

  status(): CatalogStatus {
    return {
      papers: this.library.size,
      files: this.library.files.map((file) => ({ file, entries: this.library.entriesOf(file).length, encoding: this.encodings.get(file) ?? 'UTF-8' })),
      indexing: this.applying > 0,
      abstractsPending: this.index.abstractsPending,
    };
  }

  get size(): number {
    return this.library.size;
  }

  get files(): string[] {
    return this.library.files;
  }

  has(key: string): boolean {
    return this.library.has(key);
  }

  /** The problems of one collection file, placed. */
  problemsOf(file: string): ProblemView[] {
    const result = this.library.fileResult(file);
    if (!result) return [];
    const all = this.library.diagnostics(file);
    return all.slice(0, MAX_PROBLEMS).map((d) => problemView(d, result.lineIndex));
  }

  /** Core diagnostics of a file (the CLI prints them with its own positions). */
  diagnosticsOf(file: string): Diagnostic[] {
    return this.library.diagnostics(file);
  }

  /**
   * The best `limit` papers for what was typed. While readings are still being applied the
   * word index may lack papers whose keys are already known: keys starting with the query
   * come first then, so a typed key is found from the start.
   */
  search(query: string, limit: number): PaperView[] {
    const hits = this.searchHits(query, limit).map((h) => h.paper);
    if (this.applying > 0 && query.trim()) {
      const early = this.keyPrefixPapers(query.trim(), limit);
      if (early.length) {
        const seen = new Set(early.map((p) => p.key));
        return [...early, ...hits.filter((p) => !seen.has(p.key))].slice(0, limit).map((p) => this.view(p, false));
      }
    }
    return hits.map((p) => this.view(p, false));
  }

  /** The search index's hits, with scores (the CLI prints them). */
  searchHits(query: string, limit: number): SearchHit[] {
    this.ensureIndexed();
    return this.index.search(query, limit);
  }

  private keyPrefixPapers(query: string, limit: number): Paper[] {
    const q = query.toLowerCase();
    const out: Paper[] = [];
    const seen = new Set<string>();
    const exact = this.library.paper(query);
    if (exact) {
      out.push(exact);
      seen.add(exact.key);
    }
    // Keys of readings not attached yet: the exact key first, then prefixes.
    for (const exactOnly of [true, false]) {
      for (const pending of this.pending.values()) {
        for (let i = 0; i < pending.keys.length && out.length < limit; i++) {
          const key = pending.keys[i];
          if (seen.has(key) || this.library.has(key) || (exactOnly ? key !== query : !key.toLowerCase().startsWith(q))) continue;
          seen.add(key);
          out.push(pendingPaper(pending, i));
        }
      }
    }
    for (const key of this.library.keys()) {
      if (out.length >= limit) break;
      if (!seen.has(key) && key.toLowerCase().startsWith(q)) {
        const p = this.library.paper(key);
        if (p) out.push(p);
      }
    }
    return out;
  }

  /** The newest papers (nothing typed yet): newer year first, then key order. */
  newest(limit: number): PaperView[] {
    if (!this.newestCache || this.newestCache.length < limit) {
      this.ensureIndexed();
      const best: Paper[] = [];
      for (const paper of this.index.papers()) {
        if (best.length === limit && !newer(paper, best[best.length - 1])) continue;
        let i = best.length;
        while (i > 0 && newer(paper, best[i - 1])) i--;
        best.splice(i, 0, paper);
        if (best.length > limit) best.pop();
      }
      this.newestCache = best;
    }
    return this.newestCache.slice(0, limit).map((p) => this.view(p, false));
  }

  /** The paper a key cites (following `ids` aliases), with its CSL item. */
  paper(key: string): PaperView | undefined {
    const p = this.library.paper(key) ?? this.pendingPaperOf(key);
    return p && this.view(p, true);
  }

  /** The paper of `key` in a reading not attached yet (hover while a collection is first read). */
  private pendingPaperOf(key: string): Paper | undefined {
    for (const pending of this.pending.values()) {
      const i = pending.keys.indexOf(key);
      if (i >= 0) return pendingPaper(pending, i);
    }
    return undefined;
  }

  papers(keys: readonly string[]): Array<PaperView | undefined> {
    return keys.map((k) => this.paper(k));
  }

  keyInfo(key: string): KeyInfo {
    const lib = this.library;
    const own = lib.definitions(key);
    const aliasOf = own.length ? undefined : lib.aliasTarget(key);
    const canonical = own.length ? key : (aliasOf ?? key);
    const otherCase = lib.keysIgnoringCase(key).filter((k) => k !== key);
    const targets = own.length ? own : aliasOf !== undefined ? lib.definitions(aliasOf) : otherCase.flatMap((k) => lib.definitions(k));
    // Citations of an alias count as citations of its entry (unless the alias is a key itself).
    const aliases = (lib.paper(canonical)?.aliases ?? []).filter((a) => lib.aliasTarget(a) === canonical && !lib.definitions(a).length);
    const parentReferences: KeyInfo['parentReferences'] = [];
    for (const ref of lib.referencesTo(canonical)) {
      const result = lib.fileResult(ref.file);
      if (result) parentReferences.push({ file: ref.file, range: rangeView(result.lineIndex, ref.span.start, ref.span.end) });
    }
    return {
      key,
      defined: own.length > 0,
      ...(aliasOf !== undefined ? { aliasOf } : {}),
      canonical,
      declarations: own.map((e) => this.locationOf(e)).filter((l): l is EntryLocation => !!l),
      targets: targets.map((e) => this.locationOf(e)).filter((l): l is EntryLocation => !!l),
      otherCase,
      aliases,
      parentReferences,
    };
  }

  /**
   * Verdicts on cited keys: undefined, or differing in case from the entry's key. `scope`
   * restricts the check to those files' entries (the collections a document names).
   */
  judge(keys: readonly string[], scope?: readonly string[]): Record<string, KeyVerdict> {
    return judgeKeys(this.library, keys, scope && new Set(scope));
  }

  /** The existing keys nearest to `key` (case fixes first). */
  nearest(key: string, limit: number): string[] {
    return nearestKeys(key, this.library.keys(), limit);
  }

  /** The key at `offset` of a collection file as last read: an entry's key or a crossref/xdata key. */
  keyAt(file: string, offset: number): CollectionKeyAt | undefined {
    const found = keyInCollectionAt(this.library.entriesOf(file), offset);
    return found && { key: found.key, start: found.start, end: found.end, kind: found.kind };
  }

  /** A collection's entries as last read (type, key, raw fields, line), for outlines and tests. */
  fileEntries(file: string): Array<{ key: string; type: string; line: number; fields: Record<string, { raw: string }> }> {
    return this.library.entriesOf(file).map((e) => {
      const fields: Record<string, { raw: string }> = {};
      for (const name in e.fields) fields[name] = { raw: e.fields[name].raw };
      return { key: e.key, type: e.type, line: e.line, fields };
    });
  }

  // ---- the library webview --------------------------------------------------------------

  /** Derived topics and facet values of every paper, in slices. */
  preparePages(): Promise<void> {
    this.ensureIndexed();
    return this.pages.prepare();
  }

  libraryQuery(query: LibraryQuery, limit: number): LibraryAnswer {
    const result = this.pages.run(query);
    this.lastQuery = { id: queryId(query), papers: result.papers };
    return { total: result.total, capped: result.capped, facets: result.facets, cards: this.pages.cards(result.papers.slice(0, limit)), ...(result.page ? { page: result.page } : {}) };
  }

  libraryPage(query: LibraryQuery, offset: number, limit: number): { offset: number; cards: Card[] } {
    const id = queryId(query);
    if (!this.lastQuery || this.lastQuery.id !== id) this.lastQuery = { id, papers: this.pages.run(query).papers };
    const at = Math.max(0, Math.min(offset, this.lastQuery.papers.length));
    return { offset: at, cards: this.pages.cards(this.lastQuery.papers.slice(at, at + limit)) };
  }

  facetValues(query: LibraryQuery, kind: FacetKind, filter: string): FacetList {
    return this.pages.facetValues(query, kind, filter);
  }

  /** The http(s) link of a paper (DOI first), for "open link". */
  paperLink(key: string): string | undefined {
    const p = this.library.paper(key);
    return p && linkOf(p);
  }

  // ---- for the CLI (same process) -------------------------------------------------------

  /** The model itself, for code that runs beside the catalog (the CLI's entry output). */
  get model(): Library {
    return this.library;
  }

  // ---- views ----------------------------------------------------------------------------

  private locationOf(entry: Entry): EntryLocation | undefined {
    const result = this.library.fileResult(entry.file);
    if (!result) return undefined;
    return { file: entry.file, key: rangeView(result.lineIndex, entry.keySpan.start, entry.keySpan.end), entry: rangeView(result.lineIndex, entry.span.start, entry.span.end) };
  }

  private view(p: Paper, withCsl: boolean): PaperView {
    let stamp = this.stamps.get(p);
    if (stamp === undefined) this.stamps.set(p, (stamp = this.nextStamp++));
    const location = this.locationOf(p.entry) ?? { file: p.file, key: point(p.entry.line, p.entry.column), entry: point(p.entry.line, p.entry.column) };
    const view: PaperView = {
      key: p.key,
      type: p.type,
      file: p.file,
      authors: p.authors,
      editors: p.editors,
      etAl: p.etAl,
      title: p.title,
      year: p.year,
      venue: p.venue,
      abstract: p.abstract,
      keywords: p.keywords,
      doi: p.doi,
      url: p.url,
      arxivClass: p.arxivClass,
      aliases: p.aliases,
      volume: paperField(p, 'volume'),
      pages: paperField(p, 'pages'),
      location,
      stamp,
    };
    if (withCsl) view.csl = formattingItem(p);
    return view;
  }
}

/** A whole reading being applied (see `Catalog.pending`). */
interface PendingReading {
  file: string;
  keys: string[];
  places: Int32Array;
  flat: FlatEntries;
  format: Paper['entry']['format'];
  holder: LineIndexHolder;
  /** Papers built for answers so far, by entry number. */
  built: Map<number, Paper>;
}

/** The paper of one not yet attached entry (its own fields; crossref parents come when it is attached). */
function pendingPaper(pending: PendingReading, i: number): Paper {
  let paper = pending.built.get(i);
  if (!paper) {
    const p = pending.places;
    const entry = FlatEntryReader.entryAt(pending.flat, { numbers: p[4 * i], strings: p[4 * i + 1], displayNumbers: p[4 * i + 2], displayStrings: p[4 * i + 3] }, pending.file, pending.format, pending.holder);
    paper = toPaper(entry, entry.fields, entry.display);
    pending.built.set(i, paper);
  }
  return paper;
}

function point(line: number, column: number): RangeView {
  return { line, column, endLine: line, endColumn: column };
}

export function rangeView(lines: LineIndex, start: number, end: number): RangeView {
  const s = lines.positionAt(start);
  const e = lines.positionAt(end);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

function problemView(d: Diagnostic, lines: LineIndex): ProblemView {
  const e = lines.positionAt(d.span.end);
  return { line: d.line, column: d.column, endLine: e.line, endColumn: e.column, severity: d.severity, message: d.message, code: d.code };
}

/** Newer year first, then key order. */
function newer(a: Paper, b: Paper): boolean {
  const ya = a.year || '0';
  const yb = b.year || '0';
  return ya !== yb ? ya > yb : a.key < b.key;
}

function queryId(q: LibraryQuery): string {
  return JSON.stringify([q.text, q.view, Object.keys(q.selection).sort().map((k) => [k, q.selection[k as FacetKind] ?? []])]);
}

/** Runs work over items in batches, pausing whenever the slice time has passed. */
function slicer(options: ApplyOptions): <T>(items: readonly T[], work: (batch: T[], offset: number) => void) => Promise<void> {
  const sliceMs = options.sliceMs ?? 15;
  return async (items, work) => {
    let sliceStart = Date.now();
    for (let i = 0; i < items.length; i += BATCH) {
      work(items.slice(i, i + BATCH), i);
      if (options.pause && i + BATCH < items.length && Date.now() - sliceStart >= sliceMs) {
        await options.pause();
        sliceStart = Date.now();
      }
    }
  };
}
