/**
 * Every citation in a LaTeX or Markdown document, with the exact range of each key, using
 * the same command rules as completion. Comments, verbatim-like environments, `\iffalse…\fi`,
 * Markdown code, YAML front matter, HTML comments, e-mail addresses and cross-references
 * (`@fig-x`, `@tbl:x`, `@sec-x`) are not citations.
 */
import { BibReference, bibReferences } from './bibrefs';
import { citeArguments, CloseFinder, commandPattern, DocumentSyntax, PANDOC_TRAILING_PUNCTUATION } from './citeContext';
import { definedCiteCommands, isMacroParameter } from './citeMacros';
import { Span } from './model';
import { scanTypst } from './typst';

export interface Citation {
  key: string;
  /** Offsets of the key in the document text. */
  start: number;
  end: number;
  /** LaTeX command name without backslash; `[@]`, `[-@]`, `@` for Markdown; `@`, `cite`, `cite(label)`, `cite("")`, `ref` or a wrapper's name for Typst. */
  command: string;
}

export interface IncludedFile {
  /** As written; `.tex` is added when it has no extension. Resolve relative to the main document's folder. */
  path: string;
  start: number;
  end: number;
  command: string;
}

export interface DocumentScan {
  citations: Citation[];
  /** `\nocite{*}`: every entry counts as cited; it defines no key. */
  nociteAll: boolean;
  /** `\input`, `\include`, `\subfile`, `\import`/`\subimport` targets (LaTeX); `#include` (Typst). */
  includes: IncludedFile[];
  /** Collections the document names (`\bibliography`, `\addbibresource`, YAML `bibliography:`, Typst `#bibliography`). */
  bibliographies: BibReference[];
  /** Typst: the labels the document defines (`<intro>`); `@intro` is then a reference, not a citation. */
  labels?: string[];
}

/** The document syntax a file name implies (LaTeX, Pandoc Markdown or Typst), if any. */
export function syntaxOfPath(path: string): DocumentSyntax | undefined {
  if (/\.(tex|ltx|latex|sty|cls)$/i.test(path)) return 'latex';
  if (/\.(md|markdown|qmd|rmd|pandoc)$/i.test(path)) return 'markdown';
  if (/\.typ$/i.test(path)) return 'typst';
  return undefined;
}

export function scanDocument(text: string, syntax: DocumentSyntax, extraCommands: readonly string[] = []): DocumentScan {
  if (syntax === 'typst') return scanTypst(text);
  return syntax === 'latex' ? scanLatex(text, extraCommands) : scanMarkdown(text);
}

/**
 * A masked copy of a text under construction: spans are replaced with spaces, keeping line
 * breaks, so offsets stay valid. Spans are recorded and the copy is built from slices, which
 * on a megabyte document is several times cheaper than a per-character array.
 */
class Mask {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(private readonly text: string) {}

  blank(start: number, end: number): void {
    if (end > start) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  toString(): string {
    const text = this.text;
    const order = this.starts.map((_, i) => i);
    order.sort((a, b) => this.starts[a] - this.starts[b]);
    const parts: string[] = [];
    let pos = 0;
    for (const i of order) {
      const end = Math.min(this.ends[i], text.length);
      if (end <= pos) continue;
      const start = Math.max(this.starts[i], pos);
      parts.push(text.slice(pos, start), text.slice(start, end).replace(/[^\r\n]/g, ' '));
      pos = end;
    }
    parts.push(text.slice(pos));
    return parts.join('');
  }
}

const VERBATIM_ENVIRONMENTS = /\\begin\s*\{(verbatim\*?|Verbatim\*?|lstlisting|minted|comment|BVerbatim|LVerbatim|alltt)\}/g;

/**
 * LaTeX text with everything that cannot hold a citation blanked out: `%` comments,
 * verbatim-like environments, `\verb|…|`, and `\iffalse … \fi`.
 */
export function maskLatex(text: string): string {
  const mask = new Mask(text);
  // Comments first (a `%` inside verbatim is blanked with it anyway).
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '%') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      mask.blank(i, end);
      i = end;
    }
  }
  let masked = mask.toString();
  VERBATIM_ENVIRONMENTS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = VERBATIM_ENVIRONMENTS.exec(masked))) {
    const endTag = `\\end{${m[1]}}`;
    const close = text.indexOf(endTag, m.index + m[0].length);
    const end = close < 0 ? text.length : close + endTag.length;
    mask.blank(m.index, end);
    VERBATIM_ENVIRONMENTS.lastIndex = end;
  }
  const verb = /\\verb\*?([^a-zA-Z\s*])/g;
  while ((m = verb.exec(masked))) {
    // The closing delimiter is on the same line; looking further would make many unclosed
    // `\verb|` quadratic.
    const nl = text.indexOf('\n', m.index);
    const close = indexBefore(text, m[1], m.index + m[0].length, nl < 0 ? text.length : nl);
    const end = close < 0 ? m.index + m[0].length : close + 1;
    mask.blank(m.index, end);
    verb.lastIndex = end;
  }
  masked = mask.toString();
  // \iffalse … \fi, with nested \if… counted.
  const conditional = /\\(iffalse|if[a-zA-Z@]*|fi)(?![a-zA-Z@])/g;
  let skipFrom = -1;
  let depth = 0;
  while ((m = conditional.exec(masked))) {
    if (skipFrom < 0) {
      if (m[1] === 'iffalse') {
        skipFrom = m.index;
        depth = 1;
      }
    } else if (m[1] === 'fi') {
      if (--depth === 0) {
        mask.blank(skipFrom, m.index + m[0].length);
        skipFrom = -1;
      }
    } else depth++;
  }
  if (skipFrom >= 0) mask.blank(skipFrom, text.length);
  return mask.toString();
}

/**
 * citeArguments' closing-delimiter search answered from tables built in one pass, so that
 * thousands of unclosed `\cite{` or `\cite[` in one paragraph cost linear time instead of a
 * scan to the paragraph's end each. Same rules as its `findClose`: `\x` is an escaped
 * character, and a delimiter counts only at brace depth 0 relative to where the search starts,
 * i.e. in the same brace group; a `}` closing that group ends the search unmatched.
 */
export function tableCloseFinder(text: string): CloseFinder {
  return new Closers(text).find;
}

class Closers {
  /** For each `{`, its matching `}` or -1. */
  private readonly match: Int32Array;
  /** For each offset, the innermost `{` enclosing it (a closing `}` belongs to its group); -1 at top level. */
  private readonly level: Int32Array;
  /** Per group (by its `{` offset, -1 for the top level): offsets of `]`, `)`, `>` and `}` in it, ascending. */
  private readonly stops = new Map<number, number[]>();

  constructor(private readonly text: string) {
    const n = text.length;
    this.match = new Int32Array(n).fill(-1);
    this.level = new Int32Array(n).fill(-1);
    const stack: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const top = stack.length ? stack[stack.length - 1] : -1;
      this.level[i] = top;
      if (c === 92) {
        if (i + 1 < n) this.level[i + 1] = top;
        i++;
      } else if (c === 123) stack.push(i);
      else if (c === 125) {
        if (stack.length) this.match[stack.pop()!] = i;
        this.stop(top, i);
      } else if (c === 93 || c === 41 || c === 62) this.stop(top, i);
    }
  }

  private stop(group: number, offset: number): void {
    const list = this.stops.get(group);
    if (list) list.push(offset);
    else this.stops.set(group, [offset]);
  }

  readonly find = (text: string, from: number, close: string, limit: number): number => {
    if (text !== this.text) throw new Error('Closers used on another text');
    if (from > text.length) return -1;
    if (close === '}') {
      const end = this.match[from - 1];
      return end >= 0 && end < limit ? end : -1;
    }
    // The first `close` or `}` after `from` in the group `from` is in.
    const group = from < text.length ? this.level[from] : this.level[from - 1];
    const list = this.stops.get(group);
    if (!list) return -1;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < list.length && list[k] < limit; k++) {
      const c = text[list[k]];
      if (c === close) return list[k];
      if (c === '}') return -1;
    }
    return -1;
  };
}

/** `text.indexOf(needle, from)` limited to matches before `limit`, without scanning past it. */
function indexBefore(text: string, needle: string, from: number, limit: number): number {
  for (let i = from; i < limit; i++) if (text[i] === needle) return i;
  return -1;
}

const INCLUDE_COMMANDS = /\\(input|include|subfile|subfileinclude|import|subimport|inputfrom|subinputfrom|includefrom|subincludefrom)\s*(?:\{([^}]*)\}\s*)?\{([^}]*)\}/g;

function scanLatex(text: string, extraCommands: readonly string[]): DocumentScan {
  const masked = maskLatex(text);
  const citations: Citation[] = [];
  let nociteAll = false;
  // A command the document defines over a citation command cites too (`\mycite{key}`).
  const defined = definedCiteCommands(masked, extraCommands);
  const re = commandPattern(defined.length ? [...extraCommands, ...defined] : extraCommands);
  re.lastIndex = 0;
  const paragraphs = new ParagraphEnds(masked);
  let closers: Closers | undefined;
  let m: RegExpExecArray | null;
  while ((m = re.exec(masked))) {
    const command = m[1];
    const from = m.index + m[0].length;
    closers ??= new Closers(masked);
    for (const group of keyGroups(masked, from, command, paragraphs.endAfter(from), closers.find)) {
      let offset = group.start;
      for (const part of masked.slice(group.start, group.end).split(',')) {
        const lead = part.length - part.trimStart().length;
        const key = part.trim();
        const start = offset + lead;
        if (key === '*') nociteAll = true;
        // A key with masked text inside (`\verb|…|`, a comment) is not a key as written;
        // `\citep{#1}` in a macro's body holds a parameter, not a key.
        else if (key && !isMacroParameter(key) && text.startsWith(key, start)) citations.push({ key, start, end: start + key.length, command });
        offset += part.length + 1;
      }
    }
  }
  const includes: IncludedFile[] = [];
  INCLUDE_COMMANDS.lastIndex = 0;
  while ((m = INCLUDE_COMMANDS.exec(masked))) {
    const dir = m[2] ? m[2].trim() : '';
    const name = m[3].trim();
    if (!name) continue;
    const start = m.index + m[0].length - 1 - m[3].length + (m[3].length - m[3].trimStart().length);
    const joined = dir ? `${dir.replace(/\/+$/, '')}/${name}` : name;
    includes.push({ path: /\.[a-zA-Z]+$/.test(name) ? joined : `${joined}.tex`, start, end: start + name.length, command: m[1] });
  }
  return { citations, nociteAll, includes, bibliographies: bibReferences(masked, 'latex') };
}

const PARAGRAPH_BREAK = /\n[ \t\r]*\n/g;

/**
 * Where the paragraph holding an offset ends (the next blank line), for offsets asked in
 * increasing order: the last answer is reused while it still lies ahead, so a document with
 * thousands of citations and no blank line is searched once, not once per citation.
 */
class ParagraphEnds {
  private end = -1;
  constructor(private readonly text: string) {}

  endAfter(from: number): number {
    if (this.end < from) {
      PARAGRAPH_BREAK.lastIndex = from;
      const m = PARAGRAPH_BREAK.exec(this.text);
      this.end = m ? m.index : this.text.length;
    }
    return this.end;
  }
}

/** The key lists after a citation command, up to `limit` (its paragraph's end); lists holding commands or groups are not keys. */
function keyGroups(text: string, from: number, command: string, limit: number, closer: CloseFinder): Span[] {
  // Arguments never run past a paragraph break.
  return citeArguments(text, from, command, limit, closer).keyGroups.filter((g) => !/[\\{]/.test(text.slice(g.start, g.end)));
}

const CROSS_REFERENCE = /^(?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|tab|alg|apx)[-:]/;

/**
 * Markdown text with what cannot hold a citation blanked out: YAML front matter, fenced code
 * blocks, inline code spans, HTML comments.
 */
export function maskMarkdown(text: string): string {
  const mask = new Mask(text);
  const front = /^---[ \t]*\r?\n[\s\S]*?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  if (front) mask.blank(0, front[0].length);
  const fence = /^[ \t]{0,3}(`{3,}|~{3,})[^\n]*$/gm;
  let m: RegExpExecArray | null;
  let open: { marker: string; start: number } | undefined;
  while ((m = fence.exec(text))) {
    if (front && m.index < front[0].length) continue;
    const marker = m[1];
    if (!open) open = { marker, start: m.index };
    else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && m[0].trim() === marker) {
      mask.blank(open.start, m.index + m[0].length);
      open = undefined;
    }
  }
  if (open) mask.blank(open.start, text.length);
  let masked = mask.toString();
  const comment = /<!--[\s\S]*?(?:-->|$)/g;
  while ((m = comment.exec(masked))) mask.blank(m.index, m.index + m[0].length);
  masked = mask.toString();
  blankCodeSpans(masked, mask);
  return mask.toString();
}

/**
 * Inline code: a run of n backticks up to the next run of exactly n in the same paragraph
 * (a stray backtick must not hide the citations of the rest of the document). The runs of a
 * paragraph are listed once and each opener finds its closer through a per-length queue, so
 * unmatched runs cost nothing extra.
 */
function blankCodeSpans(masked: string, mask: Mask): void {
  const paragraphs = new ParagraphEnds(masked);
  const tick = /`+/g;
  let m: RegExpExecArray | null;
  let runs: Array<{ start: number; length: number }> = [];
  let paragraphEnd = -1;
  const flush = () => {
    const byLength = new Map<number, number[]>();
    runs.forEach((r, i) => {
      const list = byLength.get(r.length);
      if (list) list.push(i);
      else byLength.set(r.length, [i]);
    });
    const next = new Map<number, number>(); // per length: position in its list
    for (let i = 0; i < runs.length; i++) {
      const list = byLength.get(runs[i].length)!;
      let k = next.get(runs[i].length) ?? 0;
      while (k < list.length && list[k] <= i) k++;
      next.set(runs[i].length, k);
      if (k >= list.length) continue; // no closer: the backticks are literal
      const j = list[k];
      mask.blank(runs[i].start, runs[j].start + runs[j].length);
      i = j;
    }
    runs = [];
  };
  while ((m = tick.exec(masked))) {
    if (m.index >= paragraphEnd) {
      flush();
      paragraphEnd = paragraphs.endAfter(m.index);
    }
    runs.push({ start: m.index, length: m[0].length });
  }
  flush();
}

// Not after a backslash either: `\@` is Pandoc's escaped at sign (bookdown's `\@ref(fig:x)`).
const PANDOC_CITATION = /(^|[^\p{L}\p{N}_@.\\])(-?)@(?:\{([^{}\n]+)\}|([\p{L}\p{N}_][\p{L}\p{N}_:.#$%&\-+?<>~/]*))/gmu;

function scanMarkdown(text: string): DocumentScan {
  const masked = maskMarkdown(text);
  const citations: Citation[] = [];
  const brackets = new BracketsOnLine(masked);
  PANDOC_CITATION.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PANDOC_CITATION.exec(masked))) {
    const braced = m[3] !== undefined;
    const key = braced ? m[3].trim() : m[4].replace(PANDOC_TRAILING_PUNCTUATION, '');
    if (!key || CROSS_REFERENCE.test(key)) continue;
    const at = m.index + m[1].length + m[2].length;
    const start = braced ? at + 2 + (m[3].length - m[3].trimStart().length) : at + 1;
    const bracket = brackets.enclose(at);
    const command = bracket ? (m[2] === '-' ? '[-@]' : '[@]') : m[2] === '-' ? '[-@]' : '@';
    citations.push({ key, start, end: start + key.length, command });
  }
  return { citations, nociteAll: false, includes: [], bibliographies: bibReferences(text, 'markdown') };
}

/**
 * Is the `@` at an offset inside `[ … ]` on its line (a bracketed citation)? Asked for
 * increasing offsets: the text before is scanned once in total, and the search for the next
 * bracket after it is reused until passed, so 10,000 citations in one bracket stay linear.
 */
class BracketsOnLine {
  /** Text before this offset has been scanned. */
  private scanned = 0;
  /** The last `[` before `scanned` on its line with no `]` after it, or -1. */
  private open = -1;
  /** First `[`, `]` or line break at or after `nextFrom`. */
  private nextFrom = -1;
  private next = -1;

  constructor(private readonly text: string) {}

  enclose(at: number): boolean {
    const text = this.text;
    for (; this.scanned < at; this.scanned++) {
      const c = text[this.scanned];
      if (c === '[') this.open = this.scanned;
      else if (c === ']' || c === '\n') this.open = -1;
    }
    if (this.open < 0) return false;
    if (!(this.nextFrom >= 0 && this.nextFrom <= at + 1 && this.next >= at + 1)) {
      let i = at + 1;
      while (i < text.length && text[i] !== '[' && text[i] !== ']' && text[i] !== '\n') i++;
      this.nextFrom = at + 1;
      this.next = i;
    }
    return text[this.next] === ']';
  }
}
