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

/**
 * Id of a keyword topic: case, accents, hyphens and spacing folded (`Large-scale ML` and
 * `large scale ML` are one topic). A keyword naming an arXiv category (`cs.CV`,
 * `Computer Vision (cs.CV)`) is that category's topic.
 */
export function topicId(keyword: string): string {
  const cls = arxivClassOfKeyword(keyword);
  if (cls) return arxivTopicId(cls.code);
  return 'topic:' + foldForSearch(keyword.replace(/[\s_\-‐–]+/g, ' ').trim());
}

/** Id of an arXiv primary class (`arxiv:cs.LG`); the archive is case-folded, the subject kept (`cs.cv` → `cs.CV`). */
export function arxivTopicId(cls: string): string {
  return 'arxiv:' + normalizeArxivClass(cls.trim());
}

const ARXIV_ARCHIVES = 'cs|math|stat|physics|eess|econ|q-bio|q-fin|astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nlin|nucl-ex|nucl-th|quant-ph';
const ARXIV_CODE = new RegExp(`^(${ARXIV_ARCHIVES})(?:\\.([A-Za-z][A-Za-z-]*))?$`, 'i');
const LABELLED_ARXIV = new RegExp(`^(.*\\S)\\s*\\(\\s*((?:${ARXIV_ARCHIVES})(?:\\.[A-Za-z][A-Za-z-]*)?)\\s*\\)$`, 'i');

function normalizeArxivClass(code: string): string {
  const m = ARXIV_CODE.exec(code);
  if (!m) return code;
  const archive = m[1].toLowerCase();
  if (!m[2]) return archive;
  // Subjects are upper case in cs/q-bio/…, mixed in math (`math.AG`), and upper in stat (`stat.ML`).
  return `${archive}.${m[2].length <= 2 ? m[2].toUpperCase() : m[2]}`;
}

/** The arXiv category a keyword names (`cs.CV` or `Computer Vision (cs.CV)`), with its label if labelled. */
export function arxivClassOfKeyword(keyword: string): { code: string; label?: string } | undefined {
  const k = keyword.replace(/\s+/g, ' ').trim();
  const labelled = LABELLED_ARXIV.exec(k);
  if (labelled) return { code: normalizeArxivClass(labelled[2]), label: `${labelled[1]} (${normalizeArxivClass(labelled[2])})` };
  if (ARXIV_CODE.test(k) && k.includes('.')) return { code: normalizeArxivClass(k) };
  return undefined;
}

/** Names of common arXiv categories, for a class given without a labelled keyword. */
const ARXIV_NAMES: Record<string, string> = {
  'cs.AI': 'Artificial Intelligence', 'cs.CL': 'Computation and Language', 'cs.CV': 'Computer Vision', 'cs.LG': 'Machine Learning',
  'cs.CR': 'Cryptography and Security', 'cs.CY': 'Computers and Society', 'cs.DB': 'Databases', 'cs.DC': 'Distributed Computing',
  'cs.DS': 'Data Structures and Algorithms', 'cs.GR': 'Graphics', 'cs.HC': 'Human-Computer Interaction', 'cs.IR': 'Information Retrieval',
  'cs.IT': 'Information Theory', 'cs.MA': 'Multiagent Systems', 'cs.MM': 'Multimedia', 'cs.NE': 'Neural and Evolutionary Computing',
  'cs.PL': 'Programming Languages', 'cs.RO': 'Robotics', 'cs.SD': 'Sound', 'cs.SE': 'Software Engineering', 'cs.SI': 'Social and Information Networks',
  'stat.ML': 'Machine Learning (Statistics)', 'stat.ME': 'Methodology', 'eess.IV': 'Image and Video Processing', 'eess.AS': 'Audio and Speech Processing',
  'eess.SP': 'Signal Processing', 'math.OC': 'Optimization and Control', 'q-bio.NC': 'Neurons and Cognition', 'quant-ph': 'Quantum Physics',
};

/**
 * A paper's topics (keywords, then its arXiv class) with stable ids, each once: a category
 * and its labelled keyword form are one topic, shown with the label.
 */
export function paperTopics(p: Paper): Array<{ id: string; label: string }> {
  const out: Array<{ id: string; label: string }> = [];
  const seen = new Set<string>();
  for (const k of p.keywords) {
    const label = k.replace(/\s+/g, ' ').trim();
    if (!label) continue;
    const cls = arxivClassOfKeyword(label);
    const id = cls ? arxivTopicId(cls.code) : topicId(label);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id, label: cls ? (cls.label ?? arxivDisplay(cls.code)) : label });
  }
  const cls = p.arxivClass.trim();
  if (cls) {
    const id = arxivTopicId(cls);
    if (!seen.has(id)) out.push({ id, label: arxivDisplay(normalizeArxivClass(cls)) });
  }
  return out;
}

function arxivDisplay(code: string): string {
  const name = ARXIV_NAMES[code];
  return name ? `${name} (${code})` : code;
}

type FacetKind = keyof Facets;

/** The facet value ids of one paper for one facet kind. */
export function paperFacetIds(p: Paper, kind: FacetKind): string[] {
  switch (kind) {
    case 'authors':
      return p.authors.map(personKey);
    case 'topics':
      return paperTopics(p).map((t) => t.id);
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
    for (const t of paperTopics(p)) topics.add(t.id, t.label);
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
