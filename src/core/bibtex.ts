/**
 * A forgiving, single-pass BibTeX/BibLaTeX reader with source positions.
 *
 * Why our own: existing parsers either lose a whole file to one error or are 10× too slow
 * for 50 MB libraries. This reader walks the text once with `charCodeAt`, records offsets
 * (not line/column, which `LineIndex` derives on demand) and recovers per entry: a broken
 * entry yields a diagnostic and reading resumes at the next entry. An entry still open when
 * a line begins with `@type{` is cut there, so one bad entry never costs another.
 */
import { MovableEntry, MovableField } from './entries';
import { Diagnostic, Entry, Field, LineIndex, ParseResult, Severity, Span } from './model';

export interface BibtexOptions {
  /** `@string` macros already defined (e.g. by files read before this one), lower-cased names. */
  strings?: Record<string, string>;
}

/** BibTeX's standard month macros, as the standard styles expand them. */
export const MONTH_MACROS: Readonly<Record<string, string>> = {
  jan: 'January',
  feb: 'February',
  mar: 'March',
  apr: 'April',
  may: 'May',
  jun: 'June',
  jul: 'July',
  aug: 'August',
  sep: 'September',
  oct: 'October',
  nov: 'November',
  dec: 'December',
};

const AT = 64;
const LBRACE = 123;
const RBRACE = 125;
const LPAREN = 40;
const RPAREN = 41;
const QUOTE = 34;
const COMMA = 44;
const EQUALS = 61;
const HASH = 35;
const PERCENT = 37;
const NEWLINE = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;
const BACKSLASH = 92;
/** Size of the field-name intern table (a power of two). */
const NAME_SLOTS = 512;

function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === CR || c === TAB || c === 12 || c === 11;
}

/** Characters of an entry type name after `@`. */
function isTypeChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** BibTeX identifier characters (field and macro names): printable, not `"#%'(),={}@` or space. */
function isIdentChar(c: number): boolean {
  if (c <= SPACE || c === 127) return false;
  switch (c) {
    case QUOTE:
    case HASH:
    case PERCENT:
    case 39: // '
    case LPAREN:
    case RPAREN:
    case COMMA:
    case EQUALS:
    case LBRACE:
    case RBRACE:
    case AT:
    case 92: // backslash
      return false;
  }
  return true;
}

/** Characters allowed in a citation key. Keys end at whitespace, `,` and delimiters. */
function isKeyChar(c: number): boolean {
  if (c <= SPACE || c === 127) return false;
  switch (c) {
    case COMMA:
    case LBRACE:
    case RBRACE:
    case EQUALS:
    case QUOTE:
    case HASH:
    case PERCENT:
    case 92:
      return false;
  }
  return true;
}

function describeChar(c: number): string {
  if (Number.isNaN(c)) return 'the end of the file';
  if (c === NEWLINE || c === CR) return 'a line break';
  // Control characters (NUL from binary junk) would print as nothing: name them.
  if (c < SPACE || c === 127) return `the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${String.fromCharCode(c)}'`;
}

/** Why a value or field list stopped before it was complete. */
const enum Stop {
  /** A line starting with `@type{` was reached: the next entry starts there. */
  NextEntry = 1,
  /** The text ended. */
  EndOfFile = 2,
}

interface FieldsResult {
  fields: Record<string, Field>;
  /** Offset just past the closing delimiter, or where reading stopped. */
  end: number;
  stop?: Stop;
  /** Set when any problem inside the entry was reported. */
  damaged: boolean;
}

export function parseBibtex(text: string, file: string, options: BibtexOptions = {}): ParseResult {
  return new BibtexReader(text, file, options).read();
}

class BibtexReader {
  private readonly len: number;
  /** Built on first use: reading needs no line numbers unless there is a problem to report. */
  private lines: LineIndex | undefined;
  get lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }
  private readonly entries: Entry[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly strings: Record<string, string> = Object.create(null);
  private readonly localStrings: Record<string, string> = Object.create(null);
  private readonly preambles: string[] = [];
  /** Key of the entry being read, for messages. */
  private currentKey = '';
  /** What messages call the entry being read; built only when a message is written. */
  private labelType = '';
  private labelKind: 'special' | 'keyless' | 'keyed' = 'special';
  private get currentLabel(): string {
    if (this.labelKind === 'keyed') return `entry '${this.currentKey}'`;
    return this.labelKind === 'keyless' ? `this @${this.labelType} entry` : `@${this.labelType}`;
  }
  /** Set by scanBraced/scanQuoted/readValue when a value stopped before its end. */
  private scanStop: Stop | 0 = 0;
  /** The text of the value readValue just read. */
  private valueRaw = '';
  /** Interned field names by hash slot (see fieldName). */
  private readonly names: (string | undefined)[] = new Array(NAME_SLOTS);
  /** A value already reported why the entry stopped early (one problem, one diagnostic). */
  private stopReported = false;
  /** Offset of the first NUL character inside a value of the entry being read, or -1. */
  private nulAt = -1;

  constructor(
    private readonly text: string,
    private readonly file: string,
    options: BibtexOptions,
  ) {
    this.len = text.length;
    if (options.strings) Object.assign(this.strings, options.strings);
  }

  read(): ParseResult {
    const text = this.text;
    let pos = this.len > 0 && text.charCodeAt(0) === BOM ? 1 : 0;
    while (pos < this.len) {
      const at = text.indexOf('@', pos);
      if (at < 0) break;
      const open = this.entryOpenAfter(at);
      if (open < 0) {
        // An `@` in free text (an e-mail address, a comment): not an entry.
        pos = at + 1;
        continue;
      }
      pos = this.readEntry(at, open);
    }
    const reader = this;
    return {
      file: this.file,
      format: 'bibtex',
      entries: this.entries,
      diagnostics: this.diagnostics,
      strings: this.localStrings,
      preambles: this.preambles,
      get lineIndex(): LineIndex {
        return reader.lineIndex;
      },
    };
  }

  /** If `@type{` or `@type (` starts at `at`, the offset of the delimiter; else -1. */
  private entryOpenAfter(at: number): number {
    const text = this.text;
    let p = at + 1;
    while (p < this.len && isTypeChar(text.charCodeAt(p))) p++;
    if (p === at + 1) return -1;
    while (p < this.len && isSpace(text.charCodeAt(p))) p++;
    const c = text.charCodeAt(p);
    return c === LBRACE || c === LPAREN ? p : -1;
  }

  /** At a line break `nl`: does the next line begin with `@type{`? Returns the `@` offset or -1. */
  private entryStartOnNextLine(nl: number): number {
    const text = this.text;
    let p = nl + 1;
    while (p < this.len) {
      const c = text.charCodeAt(p);
      if (c !== SPACE && c !== TAB && c !== CR) break;
      p++;
    }
    if (text.charCodeAt(p) !== AT) return -1;
    return this.entryOpenAfter(p) >= 0 ? p : -1;
  }

  /** Does an entry (`@type{`) start at `p` as the first thing on its line? Recovery cuts there. */
  private entryStartsLineAt(p: number): boolean {
    const text = this.text;
    if (text.charCodeAt(p) !== AT || this.entryOpenAfter(p) < 0) return false;
    for (let q = p - 1; q >= 0; q--) {
      const c = text.charCodeAt(q);
      if (c === NEWLINE) return true;
      if (c !== SPACE && c !== TAB && c !== CR) return false;
    }
    return true;
  }

  private skipSpace(p: number): number {
    const text = this.text;
    while (p < this.len && isSpace(text.charCodeAt(p))) p++;
    return p;
  }

  private report(severity: Severity, code: string, start: number, end: number, message: string): void {
    // A problem found at the end of the text points at the end, not past it.
    start = Math.min(start, this.len);
    end = Math.min(Math.max(start, end), this.len);
    const { line, column } = this.lineIndex.positionAt(start);
    const d: Diagnostic = { file: this.file, span: { start, end }, line, column, severity, message, code };
    if (this.currentKey) d.key = this.currentKey;
    this.diagnostics.push(d);
  }

  /**
   * A NUL inside a field's value (a damaged export, a paste) is a problem of that entry, not
   * of the file: the entry is read and kept, with a warning at the first one. (A NUL where
   * syntax is expected is reported as unexpected there.) The value scanners note it.
   */
  private reportNul(key: string, fields: Record<string, Field>): void {
    const at = this.nulAt;
    if (at < 0) return;
    this.nulAt = -1;
    let where = '';
    for (const name in fields) {
      const span = fields[name].span;
      if (span.start <= at && at < span.end) where = ` in its field '${name}'`;
    }
    this.currentKey = key;
    this.report('warning', 'nul-character', at, at + 1, `Entry '${key}' holds a NUL character (U+0000)${where}, likely damage from an export or a paste; the entry was read, and the character shows as nothing.`);
    this.currentKey = '';
  }

  private lineOf(offset: number): number {
    return this.lineIndex.positionAt(offset).line + 1;
  }

  private readEntry(at: number, open: number): number {
    const text = this.text;
    const type = text.slice(at + 1, this.typeEnd(at)).toLowerCase();
    const close = text.charCodeAt(open) === LBRACE ? RBRACE : RPAREN;
    this.currentKey = '';
    this.labelType = type;
    this.labelKind = 'special';
    this.stopReported = false;
    switch (type) {
      case 'comment':
        return this.skipComment(at, open, close);
      case 'preamble':
        return this.readPreamble(at, open, close);
      case 'string':
        return this.readString(at, open, close);
      default:
        return this.readRegularEntry(at, open, close, type);
    }
  }

  private typeEnd(at: number): number {
    let p = at + 1;
    while (p < this.len && isTypeChar(this.text.charCodeAt(p))) p++;
    return p;
  }

  /** `@comment{…}`: skip balanced braces; an unbalanced comment ends at the next entry. */
  private skipComment(at: number, open: number, close: number): number {
    const r = this.skipEntryBody(open, close);
    if (r.stop === Stop.NextEntry) {
      this.report('warning', 'unclosed-comment', at, open + 1, `This @comment is not closed before the next entry on line ${this.lineOf(r.end)}; the comment ends there.`);
    } else if (r.stop === Stop.EndOfFile) {
      this.report('warning', 'unclosed-comment', at, open + 1, 'This @comment is not closed before the end of the file.');
    }
    return r.end;
  }

  private readPreamble(at: number, open: number, close: number): number {
    const p = this.skipSpace(open + 1);
    this.scanStop = 0;
    const end = this.readValue(p, 'preamble');
    if (end < 0) return this.recoverAfterBrokenEntry(open, close);
    if (this.scanStop) return this.afterStop(at, open, this.scanStop, end);
    this.preambles.push(this.valueRaw);
    const q = this.skipSpace(end);
    if (this.text.charCodeAt(q) === close) return q + 1;
    this.report('error', 'unexpected-text', q, q + 1, `Expected ${describeChar(close)} to close @preamble, found ${describeChar(this.text.charCodeAt(q))}.`);
    return this.recoverAfterBrokenEntry(open, close);
  }

  private readString(at: number, open: number, close: number): number {
    const result = this.readFields(open + 1, close);
    const names = Object.keys(result.fields);
    if (names.length === 0 && !result.stop) {
      this.report('error', 'empty-string', at, result.end, 'This @string defines no macro; write @string{name = {value}}.');
    }
    for (const name of names) {
      this.strings[name] = result.fields[name].raw;
      this.localStrings[name] = result.fields[name].raw;
    }
    if (result.stop) return this.afterStop(at, open, result.stop, result.end);
    return result.end;
  }

  private readRegularEntry(at: number, open: number, close: number, type: string): number {
    const text = this.text;
    const keyStart = this.skipSpace(open + 1);
    let p = keyStart;
    // `@` is allowed inside keys, but a line starting a new entry is that entry, not our key.
    if (!this.entryStartsLineAt(keyStart)) {
      while (p < this.len && isKeyChar(text.charCodeAt(p)) && text.charCodeAt(p) !== close) p++;
    }
    const keyEnd = p;
    const key = text.slice(keyStart, keyEnd);
    let q = this.skipSpace(keyEnd);
    let c = text.charCodeAt(q);
    let missingKey = false;
    let fieldsFrom: number;
    if (key === '' || c === EQUALS) {
      // `@article{,` or `@article{title = …`: there is no key to cite this entry by.
      missingKey = true;
      fieldsFrom = c === EQUALS ? keyStart : q;
    } else if (c === COMMA) {
      fieldsFrom = q + 1;
    } else if (c === close || q >= this.len) {
      fieldsFrom = q;
    } else if (c === AT && this.entryOpenAfter(q) >= 0) {
      fieldsFrom = q;
    } else {
      this.currentKey = key;
      this.report('error', 'missing-comma', keyEnd, keyEnd + 1, `Missing ',' after the key '${key}'; found ${describeChar(c)}.`);
      fieldsFrom = q;
    }
    this.currentKey = missingKey ? '' : key;
    this.labelKind = missingKey ? 'keyless' : 'keyed';
    if (missingKey) {
      this.report('error', 'missing-key', at, open + 1, `This @${type} entry has no citation key (expected @${type}{key, …}); it is skipped.`);
    }
    this.nulAt = -1;
    const result = this.readFields(fieldsFrom, close);
    let end = result.end;
    let broken = result.damaged;
    if (result.stop) {
      broken = true;
      end = this.afterStop(at, open, result.stop, result.end);
    } else {
      this.checkTextAfterEntry(end);
    }
    if (!missingKey) {
      const entryEnd = result.stop ? result.end : end;
      this.reportNul(key, result.fields);
      const entry = new MovableEntry(type, key, this.file, 'bibtex', at, entryEnd, keyStart, keyEnd, this, result.fields);
      if (broken) entry.broken = true;
      this.entries.push(entry);
    }
    this.currentKey = '';
    return end;
  }

  /** Reports an entry that was not closed and returns where reading resumes. */
  private afterStop(at: number, open: number, stop: Stop, where: number): number {
    if (this.stopReported) {
      this.stopReported = false;
      return stop === Stop.NextEntry ? where : this.len;
    }
    if (stop === Stop.NextEntry) {
      this.report('error', 'unclosed-entry', at, open + 1, `${capitalise(this.currentLabel)} is not closed before the next entry on line ${this.lineOf(where)}: a '}' is missing. The fields read before the problem are kept.`);
      return where;
    }
    this.report('error', 'unclosed-entry', at, open + 1, `${capitalise(this.currentLabel)} is not closed: the file ends before its closing '}'. The fields read before the problem are kept.`);
    return this.len;
  }

  /** After a malformed entry: skip to its closing delimiter at depth 0, or to the next entry. */
  private recoverAfterBrokenEntry(open: number, close: number): number {
    return this.skipEntryBody(open, close).end;
  }

  /**
   * Skips an entry's body to just past its closing delimiter at brace depth 0; stops early at
   * a line starting the next entry, or at the end of the text.
   */
  private skipEntryBody(open: number, close: number): { end: number; stop?: Stop } {
    const text = this.text;
    let depth = 0;
    for (let p = open + 1; p < this.len; p++) {
      const c = text.charCodeAt(p);
      if (c === BACKSLASH) {
        // `\x` is one character, but a line break stays one: a line after it may start the next entry.
        if (text.charCodeAt(p + 1) !== NEWLINE) p++;
      } else if (c === LBRACE) depth++;
      else if (c === RBRACE) {
        if (depth === 0 && close === RBRACE) return { end: p + 1 };
        if (depth > 0) depth--;
      } else if (c === RPAREN && depth === 0 && close === RPAREN) return { end: p + 1 };
      else if (c === NEWLINE) {
        const next = this.entryStartOnNextLine(p);
        if (next >= 0) return { end: next, stop: Stop.NextEntry };
      }
    }
    return { end: this.len, stop: Stop.EndOfFile };
  }

  /** An extra `}` closes an entry early; the fields after it would be silently lost. */
  private checkTextAfterEntry(end: number): void {
    const text = this.text;
    let p = end;
    while (p < this.len) {
      const c = text.charCodeAt(p);
      if (c !== SPACE && c !== TAB && c !== CR && c !== NEWLINE) break;
      p++;
    }
    if (p >= this.len) return;
    let c = text.charCodeAt(p);
    if (c === AT) return;
    const textStart = p;
    if (c === COMMA) p = this.skipSpace(p + 1);
    const nameStart = p;
    while (p < this.len && isIdentChar(text.charCodeAt(p))) p++;
    if (p === nameStart) {
      if (text.charCodeAt(textStart) === COMMA || text.charCodeAt(textStart) === RBRACE) {
        this.report('warning', 'text-after-entry', textStart, textStart + 1, `Unexpected ${describeChar(text.charCodeAt(textStart))} after the end of ${this.currentLabel}: an extra '}' may have closed it early.`);
      }
      return;
    }
    p = this.skipSpace(p);
    c = text.charCodeAt(p);
    if (c === EQUALS) {
      this.report('warning', 'text-after-entry', textStart, p + 1, `Text after the end of ${this.currentLabel} looks like a field ('${text.slice(nameStart, p).trim()} = …'): an extra '}' probably closed the entry early, and those fields are ignored.`);
    }
  }

  /**
   * Reads `name = value` pairs separated by commas until the closing delimiter.
   * Problems inside are reported and skipped; a new entry or the end of the text stops it.
   */
  private readFields(from: number, close: number): FieldsResult {
    const text = this.text;
    // A plain object keeps V8's fast properties (Object.create(null) would be dictionary mode
    // and doubles GC time on big files); own-property checks keep it safe.
    const fields: Record<string, Field> = {};
    let damaged = false;
    let p = from;
    for (;;) {
      // Between fields: spaces, commas and `%` comment lines (common in hand-edited files).
      for (;;) {
        while (p < this.len) {
          const c = text.charCodeAt(p);
          if (isSpace(c) || c === COMMA) p++;
          else break;
        }
        if (text.charCodeAt(p) === PERCENT) {
          const nl = text.indexOf('\n', p);
          p = nl < 0 ? this.len : nl;
          continue;
        }
        break;
      }
      if (p >= this.len) return { fields, end: this.len, stop: Stop.EndOfFile, damaged };
      const c = text.charCodeAt(p);
      if (c === close) return { fields, end: p + 1, damaged };
      if (c === AT && this.entryOpenAfter(p) >= 0) return { fields, end: p, stop: Stop.NextEntry, damaged };

      const nameStart = p;
      while (p < this.len && isIdentChar(text.charCodeAt(p))) p++;
      const nameEnd = p;
      if (nameEnd === nameStart) {
        damaged = true;
        this.report('error', 'unexpected-text', p, p + 1, `Unexpected ${describeChar(c)} in ${this.currentLabel} where a field name was expected; skipped to the next field.`);
        const r = this.skipToNextField(p + 1, close);
        if (r.stop) return { fields, end: r.end, stop: r.stop, damaged };
        p = r.end;
        continue;
      }
      const name = this.fieldName(nameStart, nameEnd);
      p = this.skipSpace(p);
      if (text.charCodeAt(p) !== EQUALS) {
        damaged = true;
        this.report('error', 'missing-equals', nameStart, nameEnd, `Expected '=' after '${text.slice(nameStart, nameEnd)}' in ${this.currentLabel}, found ${describeChar(text.charCodeAt(p))}; that field is skipped.`);
        const r = this.skipToNextField(p, close);
        if (r.stop) return { fields, end: r.end, stop: r.stop, damaged };
        p = r.end;
        continue;
      }
      p = this.skipSpace(p + 1);
      const valueStart = p;
      this.scanStop = 0;
      const valueEnd = this.readValue(p, name);
      if (valueEnd < 0) {
        damaged = true;
        const r = this.skipToNextField(p, close);
        if (r.stop) return { fields, end: r.end, stop: r.stop, damaged };
        p = r.end;
        continue;
      }
      if (this.scanStop) {
        // The value ran into the next entry or the end of the file: it is not kept.
        return { fields, end: valueEnd, stop: this.scanStop, damaged: true };
      }
      if (name === '__proto__') {
        this.report('warning', 'reserved-field', nameStart, nameEnd, `Field name '__proto__' in ${this.currentLabel} is not supported; that field is skipped.`);
      } else if (hasOwn.call(fields, name)) {
        this.report('warning', 'duplicate-field', nameStart, nameEnd, `Field '${name}' appears twice in ${this.currentLabel}; the first value is used.`);
      } else {
        fields[name] = new MovableField(name, this.valueRaw, valueStart, valueEnd, nameStart, nameEnd);
      }
      p = this.skipSpace(valueEnd);
      const after = text.charCodeAt(p);
      if (after === COMMA || after === close || p >= this.len) continue;
      if (after === AT && this.entryOpenAfter(p) >= 0) continue;
      if (after === PERCENT) continue;
      damaged = true;
      if (isIdentChar(after)) {
        // Most likely a forgotten comma before the next field: keep reading fields.
        this.report('error', 'missing-comma', valueEnd, p + 1, `Missing ',' after the value of '${name}' in ${this.currentLabel}; found ${describeChar(after)}.`);
        continue;
      }
      this.report('error', 'unexpected-text', p, p + 1, `Unexpected ${describeChar(after)} after the value of '${name}' in ${this.currentLabel}; skipped to the next field.`);
      const r = this.skipToNextField(p + 1, close);
      if (r.stop) return { fields, end: r.end, stop: r.stop, damaged };
      p = r.end;
    }
  }

  /**
   * The lower-cased field name at [start, end), interned: a big library repeats a few dozen
   * names a million times, and slicing and lower-casing each one was a large share of GC.
   */
  private fieldName(start: number, end: number): string {
    const text = this.text;
    let hash = 0;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + (text.charCodeAt(i) | 0x20)) | 0;
    const slot = hash & (NAME_SLOTS - 1);
    const known = this.names[slot];
    if (known !== undefined && known.length === end - start) {
      let same = true;
      for (let i = 0; i < known.length; i++) {
        const c = text.charCodeAt(start + i);
        if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== known.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    const name = text.slice(start, end).toLowerCase();
    this.names[slot] = name;
    return name;
  }

  /** Recovery inside an entry: skip to just after the next `,` at brace depth 0. */
  private skipToNextField(from: number, close: number): { end: number; stop?: Stop } {
    const text = this.text;
    // Reading may already stand on the next entry (after skipping line breaks): stop there.
    if (this.entryStartsLineAt(from)) return { end: from, stop: Stop.NextEntry };
    let depth = 0;
    for (let p = from; p < this.len; p++) {
      const c = text.charCodeAt(p);
      if (c === BACKSLASH) {
        // `\x` is one character, but a line break stays one: a line after it may start the next entry.
        if (text.charCodeAt(p + 1) !== NEWLINE) p++;
      } else if (c === LBRACE) depth++;
      else if (c === RBRACE) {
        if (depth === 0) {
          if (close === RBRACE) return { end: p };
        } else depth--;
      } else if (depth === 0 && c === COMMA) return { end: p + 1 };
      else if (depth === 0 && c === close) return { end: p };
      else if (c === NEWLINE) {
        const next = this.entryStartOnNextLine(p);
        if (next >= 0) return { end: next, stop: Stop.NextEntry };
      }
    }
    return { end: this.len, stop: Stop.EndOfFile };
  }

  /**
   * Reads a value: parts (`{…}`, `"…"`, a number, a macro name) joined by `#`. Returns the
   * offset after it, with the text in `valueRaw` (and `scanStop` set when the value ran into
   * the next entry or the end of the text); -1 (after reporting) when no value is there.
   */
  private readValue(from: number, fieldName: string): number {
    const text = this.text;
    let p = from;
    let raw = '';
    let parts = 0;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === LBRACE || c === QUOTE) {
        this.scanStop = 0;
        const end = c === LBRACE ? this.scanBraced(p) : this.scanQuoted(p);
        const stop = this.scanStop;
        if (stop) {
          this.report('error', c === LBRACE ? 'unbalanced-braces' : 'unclosed-quote', p, p + 1,
            c === LBRACE
              ? `The '{' opening the value of '${fieldName}' in ${this.currentLabel} is never closed${stop === Stop.NextEntry ? ` before the next entry on line ${this.lineOf(end)}` : ' before the end of the file'}; that value is dropped, the fields before it are kept.`
              : `The '"' opening the value of '${fieldName}' in ${this.currentLabel} is never closed${stop === Stop.NextEntry ? ` before the next entry on line ${this.lineOf(end)}` : ' before the end of the file'}; that value is dropped, the fields before it are kept.`);
          this.stopReported = true;
          this.valueRaw = '';
          return end;
        }
        raw = parts === 0 ? text.slice(p + 1, end - 1) : raw + text.slice(p + 1, end - 1);
        p = end;
      } else if (c >= 48 && c <= 57) {
        const start = p;
        while (p < this.len && isIdentChar(text.charCodeAt(p))) p++;
        raw += text.slice(start, p);
      } else if (isIdentChar(c)) {
        const start = p;
        while (p < this.len && isIdentChar(text.charCodeAt(p))) p++;
        const macro = text.slice(start, p);
        const lower = macro.toLowerCase();
        const expansion = this.strings[lower] ?? MONTH_MACROS[lower];
        if (expansion === undefined) {
          this.report('warning', 'undefined-macro', start, p, `Undefined @string macro '${macro}' in the value of '${fieldName}' in ${this.currentLabel}; its name is used as the text.`);
          raw += macro;
        } else {
          raw += expansion;
        }
      } else {
        const what = parts === 0 ? `a value for '${fieldName}'` : `a value after '#' in '${fieldName}'`;
        this.report('error', 'missing-value', p, p + 1, `Expected ${what} in ${this.currentLabel} ({…}, "…", a number or a @string name), found ${describeChar(c)}; that field is skipped.`);
        return -1;
      }
      parts++;
      const q = this.skipSpace(p);
      if (text.charCodeAt(q) !== HASH) {
        this.valueRaw = raw;
        return p;
      }
      p = this.skipSpace(q + 1);
    }
  }

  /**
   * `{…}` with nested braces. Returns the offset after the closing brace, or where it stopped
   * with `scanStop` set. (Numbers, not result objects: this runs a million times per 50 MB.)
   */
  private scanBraced(open: number): number {
    const text = this.text;
    const len = this.len;
    let depth = 0;
    for (let p = open + 1; p < len; p++) {
      const c = text.charCodeAt(p);
      if (c === BACKSLASH) {
        // `\{` and `\}` are literal braces (as biber reads them); they do not nest. A line
        // break after `\` stays a line break: the next line may start the next entry.
        if (text.charCodeAt(p + 1) !== NEWLINE) p++;
      } else if (c === RBRACE) {
        if (depth === 0) return p + 1;
        depth--;
      } else if (c === LBRACE) depth++;
      else if (c <= NEWLINE) {
        // One comparison for both rare characters: a line break, or a NUL (damage, reported per entry).
        if (c === NEWLINE) {
          const next = this.entryStartOnNextLine(p);
          if (next >= 0) return this.stopAt(next, Stop.NextEntry);
        } else if (c === 0 && this.nulAt < 0) this.nulAt = p;
      }
    }
    return this.stopAt(len, Stop.EndOfFile);
  }

  private stopAt(offset: number, stop: Stop): number {
    this.scanStop = stop;
    return offset;
  }

  /** `"…"`: ends at a `"` outside braces (same contract as scanBraced). */
  private scanQuoted(open: number): number {
    const text = this.text;
    const len = this.len;
    let depth = 0;
    for (let p = open + 1; p < len; p++) {
      const c = text.charCodeAt(p);
      if (c === BACKSLASH) {
        // `\x` is one character, but a line break stays one: a line after it may start the next entry.
        if (text.charCodeAt(p + 1) !== NEWLINE) p++;
      } else if (c === QUOTE && depth === 0) return p + 1;
      else if (c === LBRACE) depth++;
      else if (c === RBRACE) {
        if (depth > 0) depth--;
      } else if (c <= NEWLINE) {
        if (c === NEWLINE) {
          const next = this.entryStartOnNextLine(p);
          if (next >= 0) return this.stopAt(next, Stop.NextEntry);
        } else if (c === 0 && this.nulAt < 0) this.nulAt = p;
      }
    }
    return this.stopAt(len, Stop.EndOfFile);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

/** The span of a field value without its outer delimiters (for rename and hover ranges). */
export function innerSpan(text: string, span: Span): Span {
  const first = text.charCodeAt(span.start);
  const last = text.charCodeAt(span.end - 1);
  if ((first === LBRACE && last === RBRACE) || (first === QUOTE && last === QUOTE)) {
    return { start: span.start + 1, end: span.end - 1 };
  }
  return span;
}
