/**
 * Citations in Typst documents, for the editor and the command line alike.
 *
 * A small lexer follows Typst's three modes (markup, code, math) closely enough to know where
 * a citation can be: `@key` and `@key[supplement]` in markup; `cite(<key>)`,
 * `cite(label("key"))` and, from Typst before 0.9, `cite("a", "b")` in code; `ref(<key>)`;
 * calls of the document's own functions that pass their argument to `cite`
 * (`#let citet(k) = cite(k, form: "prose")`, `#let citep = cite.with(…)`). Comments, raw text,
 * strings that are not arguments of these calls, math, URLs and e-mail addresses hold none.
 *
 * `@name` is also how Typst refers to a labelled heading or figure: the scan lists the
 * labels the document defines (`= Intro <intro>`) so that callers can tell a reference
 * from a citation (a key that a collection has is a citation).
 *
 * Every key site is recorded with its offsets, also unfinished ones (`@`, `cite(<`,
 * `label("`), so completion asks the same lexer where the cursor is.
 */
import { BibReference } from './bibrefs';
import type { Citation, DocumentScan, IncludedFile } from './citations';

/** Where a key is written, or being typed. */
export interface TypstKeySite {
  key: string;
  start: number;
  /** End of the key (for `@key`, without trailing `.` or `:`). */
  end: number;
  /** End of the label characters as typed (for completion: `@smith.` may go on). */
  typedEnd: number;
  /** `@`, `cite` (`<key>` argument), `cite(label)`, `cite("")` (a string argument), `ref`, or a wrapper's name. */
  command: string;
  /** `@key`: where `[supplement]` ends, when one follows. */
  supplementEnd?: number;
  /** The call the key is an argument of (for siblings of `cite("a", "b")`). */
  call?: number;
}

export interface TypstScan {
  sites: TypstKeySite[];
  /** Labels the document defines (`<intro>` in markup), by name. */
  labels: Map<string, number>;
  includes: IncludedFile[];
  bibliographies: BibReference[];
}

/** Characters a Typst label (and an `@` reference) may hold: identifier characters, `:` and `.`. */
const LABEL_CHAR = /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}_\-:.]/u;
const ID_START = /[\p{L}_]/u;
const ID_CONTINUE = /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}_-]/u;
/** Before an `@`, these make it part of a word: an e-mail address, not a reference. */
const WORD_BEFORE_AT = /[\p{L}\p{N}_.+\-]/u;
const KEYWORDS = new Set(['let', 'set', 'show', 'import', 'include', 'if', 'else', 'for', 'while', 'return', 'context', 'break', 'continue', 'in', 'not', 'and', 'or', 'none', 'auto', 'true', 'false']);
/** Statements that run to the end of their line (after `#` in markup). */
const STATEMENTS = new Set(['let', 'set', 'show', 'import', 'include', 'if', 'for', 'while', 'return', 'context']);
/** Frames deeper than this are not opened (a hostile file of 100,000 `[`). */
const MAX_DEPTH = 256;

/** Can `key` be written as `@key` / `<key>`? (Otherwise `cite(label("key"))`.) */
export function isTypstLabelKey(key: string): boolean {
  if (!key) return false;
  for (const c of key) if (!LABEL_CHAR.test(c)) return false;
  return !/[.:]$/.test(key);
}

/** How a key is cited in Typst markup: `@key`, or `#cite(label("key"))` for keys a label cannot hold. */
export function typstCitation(key: string): string {
  return isTypstLabelKey(key) ? `@${key}` : `#cite(label(${JSON.stringify(key)}))`;
}

type Mode = 'markup' | 'code' | 'math';

interface Call {
  /** Offset of the callee's name (identifies the call). */
  at: number;
  name: string;
}

interface Frame {
  mode: Mode;
  /** The character that closes it; '' for an embedded expression or statement that ends by itself. */
  close: string;
  /** `#name…` in markup: ends when the expression does. */
  hashExpression?: boolean;
  /** `#let …` in markup: ends at the end of the line. */
  statement?: boolean;
  /** A `(…)` holding a call's arguments. */
  call?: Call;
  /** Positional argument index (named arguments do not count). */
  positional: number;
  /** The current argument is named (`form: …`). */
  named: boolean;
  /** Start of the current argument's first token, -1 before it. */
  argumentStart: number;
  /** The `(…)` is the first positional argument of `bibliography(…)` (an array of paths). */
  pathArray?: boolean;
}

/** The document's functions that pass an argument on to `cite` (`#let citet(k) = cite(k, …)`, `#let citep = cite.with(…)`). */
export function citeWrappers(text: string): Set<string> {
  const names = new Set<string>();
  const definition = /(?:^|[^\p{L}\p{N}_-])let\s+([\p{L}_][\p{L}\p{N}_-]*)\s*(?:\(([^)]*)\))?\s*=\s*([^\n]*)/gu;
  let m: RegExpExecArray | null;
  while ((m = definition.exec(text))) {
    const [, name, params, body] = m;
    if (name === 'cite') continue;
    if (params === undefined) {
      if (/^cite\s*\.\s*with\s*\(/.test(body)) names.add(name);
      continue;
    }
    const positional = params
      .split(',')
      .map((p) => p.trim())
      .filter((p) => /^[\p{L}_][\p{L}\p{N}_-]*$/u.test(p));
    const call = /(?:^|[^\p{L}\p{N}_.-])cite\s*\(\s*([\p{L}_][\p{L}\p{N}_-]*)\s*[,)]/u.exec(body);
    if (call && positional.includes(call[1])) names.add(name);
  }
  return names;
}

/**
 * The key sites, labels, includes and bibliographies of a Typst text. With `until`, the scan
 * stops after the line holding that offset: what lies before it is the same (the lexer only
 * looks ahead to close raw text, labels and strings), and completion at the cursor does not
 * pay for the rest of a long document.
 */
export function scanTypstSites(text: string, until = Infinity): TypstScan {
  let stop = text.length;
  if (until < text.length) {
    const nl = text.indexOf('\n', until);
    stop = nl < 0 ? text.length : nl + 1;
  }
  return new TypstLexer(text, citeWrappers(text), stop).run();
}

/** Every citation of a Typst document (`@key` and `ref` included: the caller tells them from references by the library and `labels`). */
export function scanTypst(text: string): DocumentScan {
  const scan = scanTypstSites(text);
  const citations: Citation[] = [];
  for (const s of scan.sites) if (s.key) citations.push({ key: s.key, start: s.start, end: s.end, command: s.command });
  return { citations, nociteAll: false, includes: scan.includes, bibliographies: scan.bibliographies, labels: [...scan.labels.keys()] };
}

class TypstLexer {
  private readonly sites: TypstKeySite[] = [];
  private readonly labels = new Map<string, number>();
  private readonly includes: IncludedFile[] = [];
  private readonly bibliographies: BibReference[] = [];
  private readonly stack: Frame[] = [{ mode: 'markup', close: '', positional: 0, named: false, argumentStart: -1 }];
  /** Backtick runs (start, length) for raw text, and the longest run from each index on. */
  private ticks: { starts: number[]; lengths: number[]; longestFrom: Int32Array; next: number } | undefined;
  private pos = 0;
  /** The last identifier in code mode and where it ended (a `(` right after it makes a call). */
  private lastIdent = '';
  private lastIdentStart = -1;
  private lastIdentEnd = -1;
  /** `include` was the last keyword: the next string is a path. */
  private includeAt = -1;

  constructor(
    private readonly text: string,
    private readonly wrappers: ReadonlySet<string>,
    /** Lexing stops at this offset (the text after it is still seen by look-ahead). */
    private readonly stop: number = text.length,
  ) {}

  run(): TypstScan {
    const n = this.stop;
    while (this.pos < n) {
      const frame = this.stack[this.stack.length - 1];
      if (frame.mode === 'markup') this.markup(frame);
      else if (frame.mode === 'code') this.code(frame);
      else this.math(frame);
    }
    return { sites: this.sites, labels: this.labels, includes: this.includes, bibliographies: this.bibliographies };
  }

  private push(frame: Partial<Frame> & { mode: Mode; close: string }): void {
    if (this.stack.length >= MAX_DEPTH) return;
    this.stack.push({ positional: 0, named: false, argumentStart: -1, ...frame });
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1];
  }

  /** Pops up to and including the innermost frame that `close` closes; false if none does. */
  private closeFrame(close: string): boolean {
    for (let i = this.stack.length - 1; i > 0; i--) {
      const f = this.stack[i];
      if (f.close === close) {
        this.stack.length = i;
        return true;
      }
      // A bracket never closes past a frame that another bracket opened.
      if (f.close !== '') return false;
    }
    return false;
  }

  /** After a value in code mode: an embedded expression may end here. */
  private endOfExpression(): void {
    const f = this.top();
    if (!f.hashExpression) return;
    const c = this.text[this.pos];
    if (c === '(' || c === '[') return;
    if (c === '.' && ID_START.test(this.text[this.pos + 1] ?? '')) return;
    this.stack.pop();
  }

  // ---- markup ----------------------------------------------------------------------

  private markup(frame: Frame): void {
    const text = this.text;
    const c = text[this.pos];
    switch (c) {
      case '\\':
        this.pos += 2;
        return;
      case '/':
        if (text[this.pos + 1] === '/') return this.lineComment();
        if (text[this.pos + 1] === '*') return this.blockComment();
        break;
      case '`':
        return this.raw();
      case '$':
        this.pos++;
        this.push({ mode: 'math', close: '$' });
        return;
      case '#':
        return this.hash();
      case '[':
        this.pos++;
        this.push({ mode: 'markup', close: ']' });
        return;
      case ']':
        this.pos++;
        if (frame.close === ']') {
          this.stack.pop();
          this.endOfExpression();
        }
        return;
      case '@':
        return this.reference();
      case '<':
        return this.labelDefinition();
      case 'h':
        if (text.startsWith('http://', this.pos) || text.startsWith('https://', this.pos)) {
          if (this.pos > 0 && ID_CONTINUE.test(text[this.pos - 1])) break;
          return this.link();
        }
        break;
      case '\n':
        this.pos++;
        return;
    }
    this.pos++;
  }

  private lineComment(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.text.length : nl;
  }

  private blockComment(): void {
    const text = this.text;
    let depth = 0;
    let i = this.pos;
    while (i < text.length) {
      if (text[i] === '/' && text[i + 1] === '*') {
        depth++;
        i += 2;
      } else if (text[i] === '*' && text[i + 1] === '/') {
        depth--;
        i += 2;
        if (depth === 0) break;
      } else i++;
    }
    this.pos = Math.min(i, text.length);
  }

  /** Raw text: a run of n backticks up to the next run of at least n (n = 2 is empty raw); unclosed backticks are literal. */
  private raw(): void {
    const text = this.text;
    let n = 0;
    while (text[this.pos + n] === '`') n++;
    if (n === 2) {
      this.pos += 2;
      return;
    }
    const ticks = (this.ticks ??= this.backtickRuns());
    // Runs before this one were passed already.
    while (ticks.next < ticks.starts.length && ticks.starts[ticks.next] <= this.pos) ticks.next++;
    const from = ticks.next;
    if (from >= ticks.starts.length || ticks.longestFrom[from] < n) {
      this.pos += n;
      return;
    }
    let k = from;
    while (ticks.lengths[k] < n) k++;
    this.pos = ticks.starts[k] + n;
    ticks.next = k;
  }

  private backtickRuns(): { starts: number[]; lengths: number[]; longestFrom: Int32Array; next: number } {
    const starts: number[] = [];
    const lengths: number[] = [];
    const re = /`+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(this.text))) {
      starts.push(m.index);
      lengths.push(m[0].length);
    }
    const longestFrom = new Int32Array(starts.length + 1);
    for (let i = starts.length - 1; i >= 0; i--) longestFrom[i] = Math.max(lengths[i], longestFrom[i + 1]);
    return { starts, lengths, longestFrom, next: 0 };
  }

  private link(): void {
    const text = this.text;
    let i = this.pos;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (/\s/.test(c) || c === '<' || c === '>' || c === '"' || c === '`') break;
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        if (depth === 0) break;
        depth--;
      }
      i++;
    }
    this.pos = i;
  }

  private reference(): void {
    const text = this.text;
    const at = this.pos;
    this.pos++;
    // `name@example.org` is an e-mail address.
    if (at > 0 && WORD_BEFORE_AT.test(text[at - 1])) return;
    let end = this.pos;
    while (end < text.length && LABEL_CHAR.test(text[end])) end++;
    const typedEnd = end;
    while (end > this.pos && (text[end - 1] === '.' || text[end - 1] === ':')) end--;
    const site: TypstKeySite = { key: text.slice(this.pos, end), start: this.pos, end, typedEnd, command: '@' };
    this.sites.push(site);
    this.pos = end;
    if (text[end] === '[' && end > at + 1) {
      // The supplement is content: citations inside it count too.
      site.supplementEnd = this.matchingBracket(end);
      this.pos = end + 1;
      this.push({ mode: 'markup', close: ']' });
    }
  }

  /** Offset just past the `]` matching the `[` at `open` (nesting counted), or the text's end. */
  private matchingBracket(open: number): number {
    const text = this.text;
    let depth = 0;
    for (let i = open; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '[') depth++;
      else if (c === ']' && --depth === 0) return i + 1;
      else if (c === '\n' && text[i + 1] === '\n') break;
    }
    return text.length;
  }

  private labelDefinition(): void {
    const text = this.text;
    let end = this.pos + 1;
    while (end < text.length && LABEL_CHAR.test(text[end])) end++;
    if (end > this.pos + 1 && text[end] === '>') {
      const name = text.slice(this.pos + 1, end);
      if (!this.labels.has(name)) this.labels.set(name, this.pos + 1);
      this.pos = end + 1;
    } else this.pos++;
  }

  /** `#` in markup or math: an embedded expression, statement or block. */
  private hash(): void {
    const text = this.text;
    const next = text[this.pos + 1] ?? '';
    if (ID_START.test(next)) {
      this.pos++;
      const start = this.pos;
      let end = start;
      while (end < text.length && ID_CONTINUE.test(text[end])) end++;
      const word = text.slice(start, end);
      if (STATEMENTS.has(word)) {
        this.push({ mode: 'code', close: '', statement: true });
        return;
      }
      this.push({ mode: 'code', close: '', hashExpression: true });
      return;
    }
    if (next === '(' || next === '{' || next === '[') {
      this.pos++;
      this.push({ mode: 'code', close: '', hashExpression: true });
      return;
    }
    if (next === '"') {
      // `#"text"` is a string value shown as text: no citation inside.
      this.pos++;
      this.string(false);
      return;
    }
    this.pos++;
  }

  // ---- code ------------------------------------------------------------------------

  private code(frame: Frame): void {
    const text = this.text;
    const c = text[this.pos];
    if (c === '\n' || c === ';') {
      if (frame.statement) {
        this.stack.pop();
        if (c === ';') this.pos++;
        return;
      }
      if (frame.hashExpression) {
        this.stack.pop();
        return;
      }
      this.pos++;
      return;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (frame.hashExpression) {
        this.stack.pop();
        return;
      }
      this.pos++;
      return;
    }
    if (c === '/' && text[this.pos + 1] === '/') return this.lineComment();
    if (c === '/' && text[this.pos + 1] === '*') return this.blockComment();
    if (ID_START.test(c)) return this.identifier(frame);
    this.argumentStarts(frame);
    switch (c) {
      case '"':
        this.string(true);
        this.endOfExpression();
        return;
      case '<':
        if (this.labelLiteral(frame)) {
          this.endOfExpression();
          return;
        }
        this.pos++;
        return;
      case '(': {
        const isCall = this.lastIdentEnd === this.pos && !KEYWORDS.has(this.lastIdent);
        const call = isCall ? { at: this.lastIdentStart, name: this.lastIdent } : undefined;
        const pathArray = !isCall && this.isArgumentOf(frame, 'bibliography') && frame.positional === 0 && !frame.named;
        this.pos++;
        this.push({ mode: 'code', close: ')', call, pathArray });
        return;
      }
      case '{':
        this.pos++;
        this.push({ mode: 'code', close: '}' });
        return;
      case '[':
        this.pos++;
        this.push({ mode: 'markup', close: ']' });
        return;
      case ')':
      case '}':
        this.pos++;
        if (this.closeFrame(c)) this.endOfExpression();
        else if (frame.hashExpression || frame.statement) this.stack.pop();
        return;
      case ']':
        // Ends the content block this code is embedded in.
        if (frame.hashExpression || frame.statement) {
          this.stack.pop();
          return;
        }
        this.pos++;
        return;
      case ',':
        this.pos++;
        if (frame.call || frame.pathArray) {
          frame.positional += frame.named ? 0 : 1;
          frame.named = false;
          frame.argumentStart = -1;
        }
        return;
      case '$':
        this.pos++;
        this.push({ mode: 'math', close: '$' });
        return;
      case '.':
        this.pos++;
        return;
    }
    if (frame.hashExpression) {
      this.stack.pop();
      return;
    }
    this.pos++;
  }

  /** Marks where the current argument of a call starts (its first token). */
  private argumentStarts(frame: Frame): void {
    if ((frame.call || frame.pathArray) && frame.argumentStart < 0) frame.argumentStart = this.pos;
  }

  private identifier(frame: Frame): void {
    const text = this.text;
    const start = this.pos;
    let end = start;
    while (end < text.length && ID_CONTINUE.test(text[end])) end++;
    const word = text.slice(start, end);
    this.argumentStarts(frame);
    // A named argument: `name:` at the start of an argument.
    if ((frame.call || frame.pathArray) && frame.argumentStart === start) {
      let j = end;
      while (text[j] === ' ' || text[j] === '\t') j++;
      if (text[j] === ':') {
        frame.named = true;
        this.pos = j + 1;
        return;
      }
    }
    this.lastIdent = word;
    this.lastIdentStart = start;
    this.lastIdentEnd = end;
    this.pos = end;
    if (word === 'include') this.includeAt = start;
    this.endOfExpression();
  }

  /** Is the frame the argument list of a call named `name` (or, for `cite`, of a wrapper)? */
  private isArgumentOf(frame: Frame, name: string): boolean {
    if (!frame.call) return false;
    if (frame.call.name === name) return true;
    return name === 'cite' && this.wrappers.has(frame.call.name);
  }

  /** Is the current argument a key position of a citing call: `cite`'s (or a wrapper's) or `ref`'s first positional arguments? */
  private citingCommand(frame: Frame): string | undefined {
    if (!frame.call || frame.named) return undefined;
    if (frame.call.name === 'cite') return 'cite';
    if (this.wrappers.has(frame.call.name)) return frame.call.name;
    if (frame.call.name === 'ref' && frame.positional === 0) return 'ref';
    return undefined;
  }

  /** `<key>` in code: a label value. Returns false when it is a comparison. */
  private labelLiteral(frame: Frame): boolean {
    const text = this.text;
    let end = this.pos + 1;
    while (end < text.length && LABEL_CHAR.test(text[end])) end++;
    const closed = text[end] === '>';
    const command = this.citingCommand(frame);
    const argumentStart = frame.argumentStart === this.pos;
    if (command && argumentStart) {
      // Unclosed while typing (`cite(<ke|`): still a site for completion.
      this.sites.push({ key: closed ? text.slice(this.pos + 1, end) : '', start: this.pos + 1, end, typedEnd: end, command: command === 'ref' ? 'ref' : command === 'cite' ? 'cite' : command, call: frame.call!.at });
      if (!closed) {
        this.pos = end;
        return true;
      }
    }
    if (!closed || end === this.pos + 1) return false;
    this.pos = end + 1;
    return true;
  }

  /** A string literal; in code, a key or a path when it is an argument of the right call. */
  private string(inCode: boolean): void {
    const text = this.text;
    const quote = this.pos;
    let i = quote + 1;
    let escaped = false;
    let lineEnd = -1;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        escaped = true;
        i++;
      } else if (text[i] === '\n' && lineEnd < 0) lineEnd = i;
      i++;
    }
    const closed = i < text.length;
    this.pos = closed ? i + 1 : text.length;
    if (!inCode) return;
    const frame = this.top();
    const valueEnd = lineEnd >= 0 ? lineEnd : Math.min(i, text.length);
    const value = text.slice(quote + 1, valueEnd);
    const whole = closed && lineEnd < 0 && !escaped;
    if (this.includeAt >= 0 && this.lastIdent === 'include' && this.lastIdentStart === this.includeAt) {
      this.includeAt = -1;
      if (whole && value) this.includes.push({ path: value, start: quote + 1, end: valueEnd, command: 'include' });
      return;
    }
    const argumentStart = frame.argumentStart === quote;
    if (!argumentStart) return;
    if (frame.call?.name === 'label' && frame.positional === 0 && !frame.named) {
      const outer = this.stack[this.stack.length - 2];
      const command = outer && outer.argumentStart === frame.call.at ? this.citingCommand(outer) : undefined;
      if (command) this.sites.push({ key: whole ? value : '', start: quote + 1, end: valueEnd, typedEnd: valueEnd, command: command === 'ref' ? 'ref' : 'cite(label)', call: outer.call!.at });
      return;
    }
    const command = this.citingCommand(frame);
    if (command && command !== 'ref') {
      this.sites.push({ key: whole ? value : '', start: quote + 1, end: valueEnd, typedEnd: valueEnd, command: command === 'cite' ? 'cite("")' : command, call: frame.call!.at });
      return;
    }
    const inBibliography = (this.isArgumentOf(frame, 'bibliography') && frame.positional === 0 && !frame.named) || (frame.pathArray === true && !frame.named);
    if (inBibliography && whole && value) this.bibliographies.push({ path: value, span: { start: quote + 1, end: valueEnd } });
  }

  // ---- math ------------------------------------------------------------------------

  private math(frame: Frame): void {
    const text = this.text;
    const c = text[this.pos];
    switch (c) {
      case '\\':
        this.pos += 2;
        return;
      case '$':
        this.pos++;
        if (frame.close === '$') this.stack.pop();
        this.endOfExpression();
        return;
      case '"':
        this.string(false);
        return;
      case '#':
        return this.hash();
      case '/':
        if (text[this.pos + 1] === '/') return this.lineComment();
        if (text[this.pos + 1] === '*') return this.blockComment();
        break;
      case ']':
        // An unclosed `$` ends with the content block around it.
        if (this.closeFrame(']')) {
          this.pos++;
          this.endOfExpression();
          return;
        }
        break;
    }
    this.pos++;
  }
}

/** `#bibliography(…)` paths of a Typst document. */
export function typstBibReferences(text: string): BibReference[] {
  return scanTypstSites(text).bibliographies;
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Completing `key` at a Typst site: the key itself, or, for a key that a label cannot hold,
 * the site rewritten to `label("…")` form (`@que` → `#cite(label("…"))`, `cite(<que>` →
 * `cite(label("…"))`). `start`/`typedEnd` are the site's (the completion context's).
 */
export function typstCompletionEdit(text: string, command: string, start: number, typedEnd: number, key: string): TextEdit {
  if (isTypstLabelKey(key) || command === 'cite(label)' || text[start - 1] === '"') return { start, end: typedEnd, text: text[start - 1] === '"' ? escapeString(key) : key };
  if (command === '@') return { start: start - 1, end: typedEnd, text: typstCitation(key) };
  // `<que` or `<que>` in a call.
  const end = text[typedEnd] === '>' ? typedEnd + 1 : typedEnd;
  return { start: start - 1, end, text: `label(${JSON.stringify(key)})` };
}

/** A key inside a Typst string literal. */
function escapeString(key: string): string {
  return JSON.stringify(key).slice(1, -1);
}

/**
 * Renaming the key of one Typst citation to `newKey`: the key alone where it can be written
 * as it is; an `@key` or `<key>` whose new key a label cannot hold becomes `#cite(label("…"))`
 * or `label("…")` (an `@key[supplement]` keeps its supplement).
 */
export function typstRenameEdit(text: string, citation: { start: number; end: number; command: string }, newKey: string): TextEdit {
  const { start, end, command } = citation;
  const before = text[start - 1];
  if (before === '"') return { start, end, text: escapeString(newKey) };
  if (isTypstLabelKey(newKey)) return { start, end, text: newKey };
  if (command === '@' && before === '@') {
    if (text[end] === '[') {
      const close = supplementClose(text, end);
      if (close > end) return { start: start - 1, end: close + 1, text: `#cite(label(${JSON.stringify(newKey)}), supplement: ${text.slice(end, close + 1)})` };
    }
    return { start: start - 1, end, text: `#cite(label(${JSON.stringify(newKey)}))` };
  }
  if (before === '<' && text[end] === '>') return { start: start - 1, end: end + 1, text: `label(${JSON.stringify(newKey)})` };
  return { start, end, text: newKey };
}

/** The `]` closing the supplement `[` at `open`, or -1. */
function supplementClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

/** Citing `keys` in Typst markup at `cursor`: `@a @b` (after the key the cursor is on, if any). */
export function typstInsertion(text: string, cursor: number, keys: readonly string[]): { offset: number; text: string } | undefined {
  const { sites } = scanTypstSites(text, cursor);
  const site = sites.find((s) => s.start <= cursor && cursor <= s.typedEnd);
  const present = new Set(site ? sites.filter((s) => s.key && (s === site || (site.call !== undefined && s.call === site.call))).map((s) => s.key) : []);
  const add = keys.filter((k) => !present.has(k));
  if (!add.length) return undefined;
  const offset = site ? Math.max(site.supplementEnd ?? site.end, site.end) : cursor;
  if (site && site.command !== '@') {
    // Inside a call: close it first is not ours to do; cite after it instead.
    const close = text.indexOf(')', offset);
    const at = close < 0 ? offset : close + 1;
    return { offset: at, text: ' ' + add.map(typstCitation).join(' ') };
  }
  const prev = offset > 0 ? text[offset - 1] : '';
  const lead = prev && !/\s/.test(prev) ? ' ' : '';
  return { offset, text: lead + add.map(typstCitation).join(' ') };
}
