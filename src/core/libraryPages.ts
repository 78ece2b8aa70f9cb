/**
 * What the library webview shows, computed on the extension host: the papers matching a
 * query (search text, facet selection, author or topic page), facets with counts, pages of
 * cards, author and topic pages. Pure TypeScript, linear in the papers considered.
 *
 * Facet counts are disjunctive: a kind's counts ignore that kind's own selection (values
 * within a kind combine with OR), so selecting one venue still shows how many papers each
 * other venue would add. Per-paper facet ids are cached per paper object.
 */
import type { Paper } from './model';
import { paperTopics, venueId } from './facets';
import { foldForSearch, formatName, personKey } from './names';
import { DerivedTopics } from './topics';
import {
  AuthorPage, Card, FACET_KINDS, FACET_VALUES, FacetEntry, FacetKind, FacetList, FacetLists, LibraryQuery, Link, SEARCH_CAP, Selection, TopicPage,
} from './libraryProtocol';

/** Where the papers come from: the library's papers and the search index. */
export interface PaperSource {
  /** Every paper, in a stable order (the same objects until their file changes). */
  papers(): Iterable<Paper>;
  /** The best `limit` papers for a search text, best first. */
  search(text: string, limit: number): Paper[];
  /** Display label of a collection file (e.g. relative path). */
  fileLabel(file: string): string;
}

/** A paper's facet values (ids with their display labels). */
interface PaperFacets {
  authors: Link[];
  topics: Link[];
  venues: Link[];
  years: Link[];
  files: Link[];
  /** Derived topics version the `topics` were computed with. */
  topicsVersion: number;
}

export interface QueryResult {
  papers: Paper[];
  total: number;
  capped: boolean;
  facets: FacetLists;
  page?: AuthorPage | TopicPage;
}

/** Longest title and abstract sent to the webview (a hostile 100,000-character title is cut). */
const MAX_TITLE = 2000;
const MAX_ABSTRACT = 8000;
const MAX_FIELD = 500;
const COAUTHORS_SHOWN = 40;
const TOPIC_AUTHORS_SHOWN = 20;
const RESULTS_CACHED = 8;

export class LibraryPages {
  readonly topics = new DerivedTopics();
  private readonly facetCache = new WeakMap<Paper, PaperFacets>();
  private topicsVersion = 0;
  /** Papers in browsing order (newest first), cached until the source changes. */
  private ordered: Paper[] | undefined;

  constructor(private readonly source: PaperSource) {}

  /**
   * Call when the library changed: re-counts derived-topic frequencies of changed files
   * (lazily, on the next query) and drops the cached order.
   */
  invalidate(): void {
    this.ordered = undefined;
    this.generation++;
    this.topicsStale = true;
    this.results.clear();
  }

  /** Recent results by query, until the library changes (paging and facet searches reuse them). */
  private readonly results = new Map<string, QueryResult>();

  private topicsStale = true;
  private preparation: Promise<void> | undefined;

  /**
   * Does the work of the first query after a change (derived topics, every paper's facet
   * values) in slices of at most `sliceMs`, yielding to the event loop between them. Queries
   * work without it (they then do the same work at once); the host awaits it first.
   */
  prepare(sliceMs = 30): Promise<void> {
    if (this.ordered) return Promise.resolve();
    if (this.preparation) return this.preparation;
    const steps = this.preparing();
    this.preparation = new Promise<void>((resolve, reject) => {
      const slice = () => {
        try {
          const until = Date.now() + sliceMs;
          while (Date.now() < until) {
            if (steps.next().done) {
              this.preparation = undefined;
              // Invalidated meanwhile: prepare the new state too.
              if (!this.ordered) this.prepare(sliceMs).then(resolve, reject);
              else resolve();
              return;
            }
          }
          setTimeout(slice, 0);
        } catch (e) {
          this.preparation = undefined;
          reject(e);
        }
      };
      setTimeout(slice, 0);
    });
    return this.preparation;
  }

  private *preparing(): Generator<void, void, void> {
    const generation = ++this.generation;
    const papers = [...this.source.papers()];
    yield;
    if (this.topicsStale) {
      const byFile = new Map<string, Paper[]>();
      for (const p of papers) {
        let list = byFile.get(p.file);
        if (!list) byFile.set(p.file, (list = []));
        list.push(p);
      }
      yield* this.topics.updating(byFile);
      if (generation !== this.generation) return;
      this.topicsVersion++;
      this.topicsStale = false;
    }
    for (let i = 0; i < papers.length; i++) {
      this.facetsOf(papers[i]);
      if (i % 500 === 499) {
        yield;
        if (generation !== this.generation) return;
      }
    }
    papers.sort(byYearThenTitle);
    if (generation === this.generation) this.ordered = papers;
  }

  /** Bumped by each preparation and each change, so a stale preparation stops. */
  private generation = 0;

  private allPapers(): Paper[] {
    if (!this.ordered) {
      for (const _ of this.preparing()) {
        /* at once */
      }
    }
    return this.ordered!;
  }

  /** The facet values of a paper, cached (derived topics refreshed when their vocabulary changed). */
  facetsOf(p: Paper): PaperFacets {
    let f = this.facetCache.get(p);
    if (f && f.topicsVersion === this.topicsVersion) return f;
    const authors = f?.authors ?? uniqueLinks(p.authors.map((a) => ({ id: personKey(a), label: formatName(a) })));
    const topics: Link[] = paperTopics(p);
    for (const t of this.topics.topicsOf(p)) topics.push({ id: t.id, label: t.label, derived: true });
    const venue = p.venue.replace(/\s+/g, ' ').trim();
    f = {
      authors,
      topics: uniqueLinks(topics),
      venues: venue ? [{ id: venueId(venue), label: venue }] : [],
      years: p.year ? [{ id: p.year, label: p.year }] : [],
      files: [{ id: p.file, label: this.source.fileLabel(p.file) }],
      topicsVersion: this.topicsVersion,
    };
    this.facetCache.set(p, f);
    return f;
  }

  /** The papers of a query in display order (search rank, else newest first), and facets. */
  run(query: LibraryQuery, facetLimit = FACET_VALUES): QueryResult {
    const id = JSON.stringify([query.text.trim(), query.view, FACET_KINDS.map((k) => [...(query.selection[k] ?? [])].sort()), facetLimit]);
    const cached = this.results.get(id);
    if (cached) return cached;
    const result = this.compute(query, facetLimit);
    if (this.results.size >= RESULTS_CACHED) this.results.delete(this.results.keys().next().value!);
    this.results.set(id, result);
    return result;
  }

  private compute(query: LibraryQuery, facetLimit: number): QueryResult {
    const all = this.allPapers();
    const text = query.text.trim();
    let base: Paper[];
    let capped = false;
    if (text) {
      base = this.source.search(text, SEARCH_CAP);
      capped = base.length >= SEARCH_CAP;
    } else base = all;

    // An author's or a topic's page narrows like a selected facet value that cannot be cleared.
    const view = query.view;
    if (view.kind !== 'results') {
      const kind: FacetKind = view.kind === 'author' ? 'authors' : 'topics';
      base = base.filter((p) => this.facetsOf(p)[kind].some((l) => l.id === view.id));
    }

    const { papers, counters } = this.filterAndCount(base, query.selection);
    const facets = {} as FacetLists;
    for (const kind of FACET_KINDS) facets[kind] = counters[kind].list(kind === 'years' ? Infinity : facetLimit, kind === 'years');
    const result: QueryResult = { papers, total: papers.length, capped, facets };
    if (view.kind === 'author') result.page = this.authorPage(view.id, papers);
    else if (view.kind === 'topic') result.page = this.topicPage(view.id, papers);
    return result;
  }

  /** One facet kind's values whose label contains `filter` (folded), for the searchable lists. */
  facetValues(query: LibraryQuery, kind: FacetKind, filter: string, limit = FACET_VALUES): FacetList {
    const result = this.run(query, Infinity);
    const needle = foldForSearch(filter.trim());
    const values = needle ? result.facets[kind].values.filter((v) => foldForSearch(v.label).includes(needle)) : result.facets[kind].values;
    return { values: values.slice(0, limit), total: values.length };
  }

  /** Cards for papers (text fields capped so one hostile entry cannot flood the webview). */
  cards(papers: readonly Paper[]): Card[] {
    return papers.map((p) => {
      const f = this.facetsOf(p);
      return {
        key: p.key,
        title: cap(p.title, MAX_TITLE),
        authors: f.authors.map((a) => ({ id: a.id, label: cap(a.label, MAX_FIELD) })),
        etAl: p.etAl,
        venue: cap(p.venue, MAX_FIELD),
        year: p.year,
        topics: f.topics.map((t) => ({ ...t, label: cap(t.label, MAX_FIELD) })),
        abstract: cap(p.abstract, MAX_ABSTRACT),
        file: f.files[0].label,
        hasLink: linkOf(p) !== undefined,
      };
    });
  }

  private filterAndCount(base: readonly Paper[], selection: Selection): { papers: Paper[]; counters: Record<FacetKind, Counter> } {
    const wanted = FACET_KINDS.map((k) => (selection[k]?.length ? new Set(selection[k]) : undefined));
    const counters = Object.fromEntries(FACET_KINDS.map((k) => [k, new Counter()])) as Record<FacetKind, Counter>;
    const papers: Paper[] = [];
    for (const p of base) {
      const f = this.facetsOf(p);
      // The one kind the paper fails (it then still counts for that kind), or -2 for several.
      let failed = -1;
      for (let k = 0; k < FACET_KINDS.length; k++) {
        const w = wanted[k];
        if (w && !f[FACET_KINDS[k]].some((l) => w.has(l.id))) {
          failed = failed === -1 ? k : -2;
          if (failed === -2) break;
        }
      }
      if (failed === -2) continue;
      if (failed === -1) papers.push(p);
      for (let k = 0; k < FACET_KINDS.length; k++) {
        if (failed !== -1 && failed !== k) continue;
        const kind = FACET_KINDS[k];
        for (const l of f[kind]) counters[kind].add(l);
      }
    }
    // Selected values always show (with their count, possibly 0), so they can be cleared.
    for (let k = 0; k < FACET_KINDS.length; k++) for (const id of selection[FACET_KINDS[k]] ?? []) counters[FACET_KINDS[k]].ensure(id, this.labelOf(FACET_KINDS[k], id));
    return { papers, counters };
  }

  /** A display label for a facet id not seen in the current papers. */
  private labelOf(kind: FacetKind, id: string): string {
    if (kind === 'topics') return this.topics.label(id) ?? id.replace(/^(topic|arxiv|derived):/, '');
    if (kind === 'files') return this.source.fileLabel(id);
    if (kind === 'authors') return id.split('|').reverse().join(' ').trim();
    return id;
  }

  private authorPage(id: string, papers: readonly Paper[]): AuthorPage {
    const co = new Counter();
    let name = '';
    let first = '';
    let last = '';
    const names = new Map<string, number>();
    for (const p of papers) {
      for (const a of this.facetsOf(p).authors) {
        if (a.id === id) names.set(a.label, (names.get(a.label) ?? 0) + 1);
        else co.add(a);
      }
      if (p.year) {
        if (!first || p.year < first) first = p.year;
        if (!last || p.year > last) last = p.year;
      }
    }
    for (const [label, n] of names) if (!name || n > (names.get(name) ?? 0)) name = label;
    return {
      kind: 'author',
      id,
      name: name || this.labelOf('authors', id),
      papers: papers.length,
      firstYear: first,
      lastYear: last,
      coauthors: co.list(COAUTHORS_SHOWN).values,
    };
  }

  private topicPage(id: string, papers: readonly Paper[]): TopicPage {
    const authors = new Counter();
    let label = '';
    let derived = id.startsWith('derived:');
    for (const p of papers) {
      for (const a of this.facetsOf(p).authors) authors.add(a);
      if (!label) {
        const t = this.facetsOf(p).topics.find((x) => x.id === id);
        if (t) {
          label = t.label;
          derived = !!t.derived;
        }
      }
    }
    return {
      kind: 'topic',
      id,
      label: label || this.labelOf('topics', id),
      derived,
      papers: papers.length,
      authors: authors.list(TOPIC_AUTHORS_SHOWN).values,
    };
  }
}

/** The paper's DOI link or URL, if it is http(s) (never `javascript:`, `command:`, `file:`…). */
export function linkOf(p: Paper): string | undefined {
  const candidates: string[] = [];
  // A DOI is `10.<registrant>/<suffix>`; anything else in the field is not made a link.
  if (/^10\.\d{4,9}\//.test(p.doi)) candidates.push(`https://doi.org/${p.doi}`);
  else if (/^https?:/i.test(p.doi)) candidates.push(p.doi);
  if (p.url) candidates.push(p.url);
  for (const c of candidates) {
    const s = c.trim();
    if (/^https?:\/\/[^\s/?#]+/i.test(s) && !/[\s<>"\u0000-\u001f\u202a-\u202e\u2066-\u2069]/.test(s)) return s;
  }
  return undefined;
}

/** Counts of facet values with the most frequent label per id. */
class Counter {
  private readonly counts = new Map<string, { count: number; label: string; derived?: boolean }>();

  add(l: Link): void {
    const c = this.counts.get(l.id);
    if (c) c.count++;
    else this.counts.set(l.id, { count: 1, label: l.label, derived: l.derived });
  }

  ensure(id: string, label: string): void {
    if (!this.counts.has(id)) this.counts.set(id, { count: 0, label, derived: id.startsWith('derived:') || undefined });
  }

  /** Sorted by count desc then label (years: by year desc), capped at `limit`. */
  list(limit: number, byYear = false): FacetList {
    const values: FacetEntry[] = [];
    for (const [id, c] of this.counts) values.push(c.derived ? { id, label: c.label, count: c.count, derived: true } : { id, label: c.label, count: c.count });
    if (byYear) values.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    // Plain comparisons: 80,000 author names through a locale collator take hundreds of ms.
    else values.sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : a.id < b.id ? -1 : 1));
    return { values: Number.isFinite(limit) ? values.slice(0, limit) : values, total: values.length };
  }
}

function byYearThenTitle(a: Paper, b: Paper): number {
  // Plain comparisons: a locale collator is too slow for 90,000 titles.
  if (a.year !== b.year) return a.year < b.year ? 1 : -1;
  return a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
}

function uniqueLinks(links: Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((l) => (seen.has(l.id) ? false : (seen.add(l.id), true)));
}

function cap(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) + '…' : s;
}
