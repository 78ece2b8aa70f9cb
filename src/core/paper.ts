/**
 * Turns an entry's (inherited) fields into the display record every feature uses.
 * The abstract, the longest field, is converted on first use so that loading 90,000
 * entries does not pay for it up front.
 */
import { latexToUnicode } from './latex';
import { Entry, Field, Paper, PaperDisplay, Person } from './model';
import { formatAuthorsShort, parseNames } from './names';

function display(entry: Entry, field: Field | undefined): string {
  if (!field) return '';
  return entry.format === 'bibtex' ? latexToUnicode(field.raw) : field.raw.replace(/\s+/g, ' ').trim();
}

/** URLs and DOIs keep their characters: only LaTeX escapes and `\url{}` wrappers go. */
export function cleanLink(raw: string): string {
  let s = raw.trim();
  const wrapped = /^\\(?:url|href)\s*\{([^}]*)\}/.exec(s);
  if (wrapped) s = wrapped[1];
  return s.replace(/\\([_%&#~$])/g, '$1').replace(/[{}]/g, '').trim();
}

function firstYear(raw: string): string {
  return /\d{4}/.exec(raw)?.[0] ?? '';
}

function splitKeywords(text: string): string[] {
  if (!text) return [];
  const parts = text.split(/[,;]/).map((s) => s.trim()).filter((s) => s.length > 0);
  return [...new Set(parts)];
}

/**
 * What the search index needs (key, authors, title, year, venue, keywords) is computed at
 * once; the rest on first use, so that building 90,000 papers allocates little.
 */
class PaperRecord implements Paper {
  key: string;
  type: string;
  file: string;
  authors: Person[];
  etAl: boolean;
  title: string;
  year: string;
  venue: string;
  keywords: string[];
  arxivClass: string;
  private cache: { abstract?: string; editors?: Person[]; doi?: string; url?: string; aliases?: string[] } | undefined;

  constructor(
    readonly entry: Entry,
    private readonly fields: Record<string, Field>,
    precomputed?: PaperDisplay,
  ) {
    this.key = entry.key;
    this.type = entry.type;
    this.file = entry.file;
    if (precomputed) {
      this.authors = precomputed.authors;
      this.etAl = precomputed.etAl;
      this.title = precomputed.title;
      this.year = precomputed.year;
      this.venue = precomputed.venue;
      this.keywords = precomputed.keywords;
      this.arxivClass = precomputed.arxivClass;
      return;
    }
    const f = fields;
    const authors = f.author ? parseNames(f.author.raw) : NO_NAMES;
    this.authors = authors.people;
    this.etAl = authors.etAl;
    this.title = display(entry, f.title);
    this.year = firstYear((f.year ?? f.date)?.raw ?? '');
    this.venue = display(entry, f.journaltitle ?? f.journal ?? f.booktitle ?? f.publisher ?? f.institution ?? f.school ?? f.organization ?? f.howpublished);
    this.keywords = f.keywords ? splitKeywords(display(entry, f.keywords)) : NO_STRINGS;
    this.arxivClass = (f.primaryclass ?? f.eprintclass)?.raw.trim() ?? '';
  }

  private get lazy(): NonNullable<PaperRecord['cache']> {
    return (this.cache ??= {});
  }

  get abstract(): string {
    return (this.lazy.abstract ??= display(this.entry, this.fields.abstract));
  }

  get editors(): Person[] {
    return (this.lazy.editors ??= this.fields.editor ? parseNames(this.fields.editor.raw).people : NO_PEOPLE);
  }

  get doi(): string {
    return (this.lazy.doi ??= this.fields.doi ? cleanLink(this.fields.doi.raw).replace(/^https?:\/\/(dx\.)?doi\.org\//i, '') : '');
  }

  get url(): string {
    return (this.lazy.url ??= this.fields.url ? cleanLink(this.fields.url.raw) : '');
  }

  get aliases(): string[] {
    return (this.lazy.aliases ??= this.fields.ids ? this.fields.ids.raw.split(',').map((s) => s.trim()).filter(Boolean) : NO_STRINGS);
  }

  /** Display text of any field (e.g. `note`, `volume`) for hovers. */
  field(name: string): string {
    return display(this.entry, this.fields[name]);
  }
}

const NO_PEOPLE: Person[] = [];
const NO_STRINGS: string[] = [];
const NO_NAMES = { people: NO_PEOPLE, etAl: false };

export function toPaper(entry: Entry, fields: Record<string, Field> = entry.fields, precomputed?: PaperDisplay): Paper {
  return new PaperRecord(entry, fields, precomputed);
}

/**
 * The eager part of an entry's paper, or undefined when it inherits (crossref/xdata need the
 * whole library). Computed in the reader thread so the extension host only assembles papers.
 */
export function paperDisplay(entry: Entry): PaperDisplay | undefined {
  if (entry.fields.crossref !== undefined || entry.fields.xdata !== undefined) return undefined;
  const p = new PaperRecord(entry, entry.fields);
  return { authors: p.authors, etAl: p.etAl, title: p.title, year: p.year, venue: p.venue, keywords: p.keywords, arxivClass: p.arxivClass };
}

/** Display text of a field of a paper built by `toPaper` (e.g. `volume`, `pages`, `note`). */
export function paperField(paper: Paper, name: string): string {
  return paper instanceof PaperRecord ? paper.field(name) : '';
}

/**
 * "Oh et al.", the year and the title of an entry for one-line listings (`citelens parse`),
 * parsing only the names the byline shows: the same text as the paper's, for a fraction of
 * the work on long author lists.
 */
export function listingParts(entry: Entry, fields: Record<string, Field> = entry.fields): { authors: string; year: string; title: string } {
  // Three people are enough to tell "A", "A and B" and "A et al." apart.
  const names = fields.author ? parseNames(fields.author.raw, 3) : NO_NAMES;
  return { authors: formatAuthorsShort(names.people, names.etAl), year: firstYear((fields.year ?? fields.date)?.raw ?? ''), title: display(entry, fields.title) };
}
