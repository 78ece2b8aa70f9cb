/**
 * The typed message protocol between the library webview (src/webview/main.ts) and the
 * extension host (src/features/library.ts). Pure types and constants: both sides import it,
 * so a renamed field fails the type check on both ends.
 *
 * The host owns the index and answers with pages: the webview never holds the whole
 * library, only the cards it has been sent (a window around what it shows) and facets
 * capped at a few dozen values each.
 */

/** Facet kinds, in the order the sidebar shows them. */
export const FACET_KINDS = ['authors', 'topics', 'venues', 'years', 'files'] as const;
export type FacetKind = (typeof FACET_KINDS)[number];

export type Selection = Partial<Record<FacetKind, string[]>>;

/** What is browsed: every paper matching the query, or one author's or one topic's page. */
export type LibraryView = { kind: 'results' } | { kind: 'author'; id: string } | { kind: 'topic'; id: string };

export interface LibraryQuery {
  /** Search box text (searched through the index); empty lists every paper. */
  text: string;
  selection: Selection;
  view: LibraryView;
}

export interface FacetEntry {
  id: string;
  label: string;
  count: number;
  /** A topic derived from titles and abstracts (not a keyword or arXiv class). */
  derived?: boolean;
}

export interface FacetList {
  values: FacetEntry[];
  /** Number of distinct values before the list was capped. */
  total: number;
}

export type FacetLists = Record<FacetKind, FacetList>;

export interface Link {
  id: string;
  label: string;
  derived?: boolean;
}

/** One paper as a card: display text only (rendered as text by the webview). */
export interface Card {
  key: string;
  title: string;
  authors: Link[];
  etAl: boolean;
  venue: string;
  year: string;
  topics: Link[];
  abstract: string;
  /** Collection file, relative to the workspace. */
  file: string;
  /** `doi`/`url` exists and is http(s) (the host re-checks when asked to open it). */
  hasLink: boolean;
}

export interface AuthorPage {
  kind: 'author';
  id: string;
  name: string;
  papers: number;
  firstYear: string;
  lastYear: string;
  /** Co-authors with the number of papers shared with this author. */
  coauthors: FacetEntry[];
}

export interface TopicPage {
  kind: 'topic';
  id: string;
  label: string;
  derived: boolean;
  papers: number;
  /** Most frequent authors of the topic's papers. */
  authors: FacetEntry[];
}

export interface LibraryStatus {
  /** The first indexing has finished. */
  ready: boolean;
  papers: number;
  collections: number;
}

// --------------------------------------------------------------------------------------
// Webview → host

export type ToHost =
  | { type: 'ready' }
  | { type: 'query'; requestId: number; query: LibraryQuery; limit: number }
  | { type: 'page'; requestId: number; query: LibraryQuery; offset: number; limit: number }
  | { type: 'facetSearch'; requestId: number; query: LibraryQuery; kind: FacetKind; filter: string }
  | { type: 'insert'; keys: string[] }
  | { type: 'copyKeys'; keys: string[] }
  /** The formatted reference of one card, shown on demand. */
  | { type: 'formatReference'; key: string }
  /** Copy the formatted references of papers (several: a reference list). */
  | { type: 'copyReferences'; keys: string[] }
  | { type: 'openEntry'; key: string }
  | { type: 'openLink'; key: string };

// --------------------------------------------------------------------------------------
// Host → webview

export type ToWebview =
  | {
      type: 'results';
      requestId: number;
      status: LibraryStatus;
      /** Number of papers matching (the query's hits are capped at SEARCH_CAP). */
      total: number;
      /** The text search hit the cap: there may be more matches. */
      capped: boolean;
      facets: FacetLists;
      cards: Card[];
      page?: AuthorPage | TopicPage;
    }
  | { type: 'page'; requestId: number; offset: number; cards: Card[] }
  | { type: 'facetValues'; requestId: number; kind: FacetKind; list: FacetList }
  /** The library changed: re-run the current query. */
  | { type: 'changed' }
  | { type: 'notice'; text: string }
  | { type: 'reference'; key: string; style: string; spans: Array<{ text: string; italic?: boolean; bold?: boolean }> };

/** Most text hits a query collects before facets and paging (best first). */
export const SEARCH_CAP = 5000;
/** Facet values sent per kind (years: all of them, for the chart). */
export const FACET_VALUES = 30;
/** Cards per page request. */
export const PAGE_SIZE = 60;

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Is `q` a well-formed library query (it may come from a webview rendering untrusted text)? */
export function validQuery(q: unknown): q is LibraryQuery {
  if (!q || typeof q !== 'object') return false;
  const o = q as Record<string, unknown>;
  if (!isString(o.text) || !o.selection || typeof o.selection !== 'object') return false;
  for (const [k, v] of Object.entries(o.selection as Record<string, unknown>)) if (!(FACET_KINDS as readonly string[]).includes(k) || !isStringArray(v)) return false;
  const view = o.view as Record<string, unknown> | undefined;
  if (!view) return false;
  return view.kind === 'results' || ((view.kind === 'author' || view.kind === 'topic') && isString(view.id));
}
