/**
 * The entry model shared by every reader (BibTeX/BibLaTeX, CSL-JSON), the library,
 * the search index and the editor features. Pure data: no vscode, no Node APIs.
 *
 * Source locations are kept as character offsets (`Span`) into the file text, which is
 * cheap to record for 90,000 entries; `LineIndex` turns an offset into line/column when a
 * feature needs one. Lines and columns are 0-based in the model (as in VS Code) and
 * 1-based only in command-line output.
 */

export interface Span {
  /** Offset of the first character (UTF-16 code units, as in JS strings and VS Code). */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

export interface LineColumn {
  line: number;
  column: number;
}

export type SourceFormat = 'bibtex' | 'csl-json' | 'hayagriva';

export interface Field {
  /** Lower-cased field name. */
  name: string;
  /**
   * The value as written, with outer delimiters removed, `@string` macros expanded and
   * `#` concatenations joined. For BibTeX it is LaTeX source; for CSL-JSON plain text.
   */
  raw: string;
  /** Span of the whole value expression in the source (delimiters included). */
  readonly span: Span;
  /** Span of the field name. */
  readonly nameSpan: Span;
}

export interface Entry {
  /** Lower-cased entry type, e.g. `article`, `inproceedings`. */
  type: string;
  /** The citation key exactly as written. */
  key: string;
  /** Path or URI of the file the entry comes from (whatever the caller passed in). */
  file: string;
  format: SourceFormat;
  /** From the `@` to the closing delimiter (or to where a broken entry was cut). */
  readonly span: Span;
  readonly keySpan: Span;
  /** Line/column of the `@` (0-based). */
  readonly line: number;
  readonly column: number;
  /** Fields by lower-cased name, in source order; the first occurrence of a name wins. */
  fields: Record<string, Field>;
  /** Set when the entry was recovered from a broken source (still usable). */
  broken?: boolean;
  /**
   * What the search index needs of the entry's paper, when it was computed where the entry
   * was read (the reader thread or the cache). Only for entries that inherit nothing.
   */
  display?: PaperDisplay;
}

/** The eagerly computed part of a `Paper` (see paper.ts). */
export interface PaperDisplay {
  authors: Person[];
  etAl: boolean;
  title: string;
  year: string;
  venue: string;
  keywords: string[];
  arxivClass: string;
}

export type Severity = 'error' | 'warning' | 'information';

export interface Diagnostic {
  file: string;
  span: Span;
  line: number;
  column: number;
  severity: Severity;
  message: string;
  /** A stable machine-readable kind, e.g. `unbalanced-braces`, `duplicate-field`. */
  code: string;
  /** The key of the entry concerned, where known. */
  key?: string;
}

export interface ParseResult {
  file: string;
  format: SourceFormat;
  entries: Entry[];
  diagnostics: Diagnostic[];
  /** `@string` macros defined in this file (lower-cased names → raw values). */
  strings: Record<string, string>;
  /** `@preamble` contents, raw. */
  preambles: string[];
  readonly lineIndex: LineIndex;
}

/** Offset ↔ line/column over a file's text. Built in one pass over the text. */
export class LineIndex {
  /** Offsets where lines start, in a typed array (a 50 MB file has 1.5 million lines). */
  private readonly lineStarts: Int32Array;
  private readonly count: number;

  /** Line starts as exported by `export()` (from another thread or the cache). */
  static fromStarts(starts: Int32Array, count: number): LineIndex {
    const index = Object.create(LineIndex.prototype) as { lineStarts: Int32Array; count: number };
    index.lineStarts = starts;
    index.count = count;
    return index as unknown as LineIndex;
  }

  constructor(text: string) {
    const scanner = new LineScanner(text);
    scanner.scan(Infinity);
    this.lineStarts = scanner.starts;
    this.count = scanner.count;
  }

  /** The line starts, trimmed to the line count (a copy: transferable without loss). */
  export(): { starts: Int32Array; count: number } {
    return { starts: this.lineStarts.slice(0, this.count), count: this.count };
  }

  get lineCount(): number {
    return this.count;
  }

  /** The 0-based line of an offset. */
  lineAt(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The offset where a line starts. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.count - 1))];
  }

  positionAt(offset: number): LineColumn {
    const line = this.lineAt(offset);
    return { line, column: offset - this.lineStarts[line] };
  }

  offsetAt(line: number, column: number): number {
    const l = Math.max(0, Math.min(line, this.count - 1));
    return this.lineStarts[l] + column;
  }
}

/** Finds line starts a bounded number of lines at a time (a 50 MB file has 1.5 M lines). */
export class LineScanner {
  starts: Int32Array;
  count = 1;
  private at: number;

  constructor(private readonly text: string) {
    this.starts = new Int32Array(Math.max(16, text.length >> 6));
    this.at = text.indexOf('\n');
  }

  /** Records up to `maxLines` more line starts; false once the text is done. */
  scan(maxLines: number): boolean {
    const text = this.text;
    let starts = this.starts;
    let n = this.count;
    let i = this.at;
    for (let k = 0; i !== -1 && k < maxLines; k++) {
      if (n === starts.length) {
        const bigger = new Int32Array(starts.length * 2);
        bigger.set(starts);
        starts = bigger;
      }
      starts[n++] = i + 1;
      i = text.indexOf('\n', i + 1);
    }
    this.starts = starts;
    this.count = n;
    this.at = i;
    return i !== -1;
  }

  get lineIndex(): LineIndex {
    return LineIndex.fromStarts(this.starts, this.count);
  }
}

/** A person's name split per BibTeX's rules (or taken from CSL-JSON's structured names). */
export interface Person {
  given: string;
  von: string;
  family: string;
  suffix: string;
  /** Set for an institutional name kept whole (`{World Health Organization}`, CSL `literal`). */
  literal?: string;
}

/**
 * What CiteLens shows and searches: an entry's fields as Unicode display text.
 * Built from an `Entry` by `toPaper` (paper.ts) after crossref/xdata inheritance.
 */
export interface Paper {
  key: string;
  type: string;
  file: string;
  entry: Entry;
  authors: Person[];
  editors: Person[];
  /** The author list ended in `and others`. */
  etAl: boolean;
  title: string;
  /** Four-digit year (from `year` or `date`), or '' when unknown. */
  year: string;
  /** `journaltitle`/`journal`, `booktitle`, else `publisher`/`institution`/`school`. */
  venue: string;
  abstract: string;
  keywords: string[];
  doi: string;
  url: string;
  /** arXiv primary class (`primaryclass`/`eprintclass`), if any. */
  arxivClass: string;
  /** Alternative keys from BibLaTeX `ids`. */
  aliases: string[];
}
