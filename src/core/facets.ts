/**
 * Browsing facets with counts over a set of papers (authors, topics, venues, years, files),
 * and filtering by a selection of facet values. Pure TypeScript; linear in the papers.
 *
 * Ids are stable across spellings: an author's id is `personKey` (so `Mucs{\'a}nyi, B{\'a}lint`
 * and `Bálint Mucsányi` are one author), a keyword's is its case-folded text (`topic:…`), an
 * arXiv class's `arxiv:cs.LG`, a venue's its folded, whitespace-collapsed text. Labels are
 * the most frequent display form (ties: the first seen).
 */
import type { Paper } from './model';
import { foldForSearch, formatName, personKey } from './names';

export interface FacetValue {
  id: string;
  label: string;
  count: number;
}

export interface Facets {
  authors: FacetValue[];
  topics: FacetValue[];
  venues: FacetValue[];
  years: FacetValue[];
  files: FacetValue[];
}

export interface FacetSelection {
  authors?: string[];
  topics?: string[];
  venues?: string[];
  years?: string[];
  files?: string[];
}

export interface FacetOptions {
  /** Keep at most this many values per facet (after sorting). Default: all. */
  limit?: number;
}

/** Id of a venue: trimmed, whitespace collapsed, case- and accent-folded. */
export function venueId(venue: string): string {
  return foldForSearch(venueLabel(venue));
}

function venueLabel(venue: string): string {
  return venue.replace(/\s+/g, ' ').trim();
}

/** Id of a keyword topic. */
export function topicId(keyword: string): string {
  return 'topic:' + foldForSearch(keyword.replace(/\s+/g, ' ').trim());
}

/** Id of an arXiv primary class (`arxiv:cs.LG`). */
export function arxivTopicId(cls: string): string {
  return 'arxiv:' + cls.trim();
}

type FacetKind = keyof Facets;

/** The facet value ids of one paper for one facet kind. */
export function paperFacetIds(p: Paper, kind: FacetKind): string[] {
  switch (kind) {
    case 'authors':
      return p.authors.map(personKey);
    case 'topics': {
      const ids = p.keywords.filter((k) => k.trim()).map(topicId);
      if (p.arxivClass.trim()) ids.push(arxivTopicId(p.arxivClass));
      return ids;
    }
    case 'venues': {
      const venue = venueLabel(p.venue);
      return venue ? [venueId(venue)] : [];
    }
    case 'years':
      return p.year ? [p.year] : [];
    case 'files':
      return [p.file];
  }
}

/** Counts, and the display forms seen for each id with their frequencies. */
class Counter {
  private counts = new Map<string, number>();
  private labels = new Map<string, Map<string, number>>();

  add(id: string, label: string): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    let forms = this.labels.get(id);
    if (!forms) this.labels.set(id, (forms = new Map()));
    forms.set(label, (forms.get(label) ?? 0) + 1);
  }

  values(limit: number | undefined, byLabelDesc = false): FacetValue[] {
    const out: FacetValue[] = [];
    for (const [id, count] of this.counts) {
      let best = '';
      let bestN = -1;
      for (const [label, n] of this.labels.get(id)!) {
        if (n > bestN) {
          best = label;
          bestN = n;
        }
      }
      out.push({ id, label: best, count });
    }
    out.sort(
      (a, b) =>
        b.count - a.count ||
        (byLabelDesc ? collator.compare(b.label, a.label) : collator.compare(a.label, b.label)) ||
        cmp(a.id, b.id),
    );
    return limit !== undefined && limit >= 0 ? out.slice(0, limit) : out;
  }
}

/** Labels sort alphabetically ignoring case and accents (`Á` with `A`, not after `Z`). */
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Facet values with counts (the number of papers having the value), sorted by count desc,
 * then label (years: newest first among equal counts).
 */
export function computeFacets(papers: Iterable<Paper>, options: FacetOptions = {}): Facets {
  const authors = new Counter();
  const topics = new Counter();
  const venues = new Counter();
  const years = new Counter();
  const files = new Counter();
  for (const p of papers) {
    const seenAuthors = new Set<string>();
    for (const a of p.authors) {
      const id = personKey(a);
      if (seenAuthors.has(id)) continue;
      seenAuthors.add(id);
      authors.add(id, formatName(a));
    }
    const seenTopics = new Set<string>();
    for (const k of p.keywords) {
      const label = k.replace(/\s+/g, ' ').trim();
      if (!label) continue;
      const id = topicId(label);
      if (seenTopics.has(id)) continue;
      seenTopics.add(id);
      topics.add(id, label);
    }
    const cls = p.arxivClass.trim();
    if (cls) {
      const id = arxivTopicId(cls);
      if (!seenTopics.has(id)) topics.add(id, cls);
    }
    const venue = venueLabel(p.venue);
    if (venue) venues.add(venueId(venue), venue);
    if (p.year) years.add(p.year, p.year);
    files.add(p.file, p.file);
  }
  const limit = options.limit;
  return {
    authors: authors.values(limit),
    topics: topics.values(limit),
    venues: venues.values(limit),
    years: years.values(limit, true),
    files: files.values(limit),
  };
}

/**
 * The papers matching a selection: within one facet kind any selected value (OR), across
 * kinds all (AND). An empty or missing list does not filter.
 */
export function filterPapers(papers: Iterable<Paper>, selection: FacetSelection): Paper[] {
  const kinds = (['authors', 'topics', 'venues', 'years', 'files'] as const)
    .filter((k) => selection[k] && selection[k]!.length > 0)
    .map((k) => [k, new Set(selection[k])] as const);
  const out: Paper[] = [];
  for (const p of papers) {
    if (kinds.length === 0) {
      out.push(p);
      continue;
    }
    let ok = true;
    for (const [kind, wanted] of kinds) {
      if (!paperFacetIds(p, kind).some((id) => wanted.has(id))) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(p);
  }
  return out;
}
