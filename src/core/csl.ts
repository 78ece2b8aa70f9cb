/**
 * CSL-JSON reader (Zotero's "CSL JSON" export, Pandoc's `--bibliography x.json`).
 *
 * JSON.parse reports no source offsets and gives up at the first error, so this file has
 * its own scanner: iterative (an explicit stack, so 100,000 nested `[` cannot overflow the
 * call stack), recording spans only where the model needs them (items and their top-level
 * properties), and recovering from syntax errors so one bad item does not hide the rest.
 */

import { Diagnostic, Entry, Field, LineIndex, ParseResult, Span } from './model';

export function parseCslJson(text: string, file: string): ParseResult {
  const lineIndex = new LineIndex(text);
  const reader = new CslReader(text, file, lineIndex);
  reader.read();
  return {
    file,
    format: 'csl-json',
    entries: reader.entries,
    diagnostics: reader.diagnostics,
    strings: {},
    preambles: [],
    lineIndex,
  };
}

/** CSL item types and the BibTeX entry types they correspond to. */
const ENTRY_TYPE_BY_CSL_TYPE = new Map([
  ['article-journal', 'article'],
  ['article-magazine', 'article'],
  ['article-newspaper', 'article'],
  ['paper-conference', 'inproceedings'],
  ['chapter', 'incollection'],
  ['book', 'book'],
  ['thesis', 'phdthesis'],
  ['report', 'techreport'],
  ['webpage', 'online'],
]);

/** CSL variables whose BibTeX field name differs from the lower-cased CSL name. */
const FIELD_NAME_BY_CSL_NAME = new Map([
  ['issue', 'number'],
  ['page', 'pages'],
  ['keyword', 'keywords'],
  ['publisher-place', 'address'],
  ['collection-title', 'series'],
]);

/**
 * Keys that open the objects nested inside an item (names, dates). During error recovery
 * in single-line JSON, a `{` whose first key is one of these is not the start of an item.
 */
const NESTED_OBJECT_KEYS = new Set([
  'family',
  'given',
  'literal',
  'non-dropping-particle',
  'dropping-particle',
  'suffix',
  'comma-suffix',
  'static-ordering',
  'parse-names',
  'date-parts',
  'raw',
  'season',
  'circa',
]);

/**
 * Item values nested deeper than this are syntax-checked but not built: no CSL variable
 * needs them, and a pathological file would otherwise make a huge garbage-collected tree.
 */
const MAX_VALUE_DEPTH = 16;

/** Past this many syntax errors the file is probably not JSON at all; stop reporting. */
const MAX_SYNTAX_ERRORS = 100;

/** A top-level property of an item; offsets are kept flat and made into spans only for fields. */
interface Property {
  name: string;
  value: unknown;
  nameStart: number;
  nameEnd: number;
  /** Span of the value, delimiters included. */
  start: number;
  end: number;
}

const enum Role {
  /** A value nested in an item (author list, date object...): built as a plain JS value. */
  Plain,
  /** The array whose elements are items. */
  ItemList,
  /** An item: only its properties (with spans) are kept. */
  Item,
  /** The top-level object: either a single item or a `{"items": [...]}` wrapper. */
  TopObject,
}

interface Frame {
  isArray: boolean;
  role: Role;
  /** Offset of the `[` or `{`. */
  start: number;
  /** Nesting below the item for a Plain value that is built, 0 for one that is only checked. */
  valueDepth: number;
  array: unknown[] | null;
  object: Record<string, unknown> | null;
  /** Item and TopObject frames: properties in source order. */
  properties: Property[] | null;
  /** Object frames: the key awaiting its value. */
  key: string;
  keyStart: number;
  keyEnd: number;
  /** TopObject: it held an `items` array, so it is a wrapper and not an item. */
  hasItemList: boolean;
  /** ItemList made up during error recovery when no real list had been opened. */
  synthetic: boolean;
}

/** What the scanner expects next. */
const enum Expect {
  Value,
  /** Right after `[`: a value or `]`. */
  ValueOrArrayEnd,
  /** After a value: `,` or the closing bracket of the enclosing container. */
  CommaOrEnd,
  /** Right after `{`: a key or `}`. */
  KeyOrObjectEnd,
  /** After `,` in an object. */
  Key,
  Colon,
  /** The top-level value is complete. */
  Done,
}

class CslReader {
  readonly entries: Entry[] = [];
  readonly diagnostics: Diagnostic[] = [];

  private readonly stack: Frame[] = [];
  private expect = Expect.Value;
  private syntaxErrors = 0;
  /** Column of the first item's `{` when it began its line (pretty-printed JSON), else -1. */
  private itemIndent = -1;
  private itemIndentKnown = false;
  /** End offset of the last string or number scanned. */
  private tokenEnd = 0;
  /** Set by a scan that failed: offset and message of the error. */
  private failure: { offset: number; message: string } | null = null;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lineIndex: LineIndex,
  ) {}

  read(): void {
    const text = this.text;
    const length = text.length;
    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

    while (true) {
      let c = text.charCodeAt(pos);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++pos);
      if (pos >= length) break;

      switch (this.expect) {
        case Expect.Value:
        case Expect.ValueOrArrayEnd: {
          if (c === 123 /* { */) {
            this.openContainer(false, pos);
            this.expect = Expect.KeyOrObjectEnd;
            pos++;
          } else if (c === 91 /* [ */) {
            this.openContainer(true, pos);
            this.expect = Expect.ValueOrArrayEnd;
            pos++;
          } else if (c === 34 /* " */) {
            const value = this.scanString(pos);
            if (value === undefined) {
              pos = this.recover(this.failure!.offset, this.failure!.message);
            } else {
              this.completeValue(value, pos, this.tokenEnd);
              pos = this.tokenEnd;
            }
          } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
            const value = this.scanNumber(pos);
            if (value === undefined) {
              pos = this.recover(this.failure!.offset, this.failure!.message);
            } else {
              this.completeValue(value, pos, this.tokenEnd);
              pos = this.tokenEnd;
            }
          } else if (c === 116 /* t */ && text.startsWith('true', pos)) {
            this.completeValue(true, pos, pos + 4);
            pos += 4;
          } else if (c === 102 /* f */ && text.startsWith('false', pos)) {
            this.completeValue(false, pos, pos + 5);
            pos += 5;
          } else if (c === 110 /* n */ && text.startsWith('null', pos)) {
            this.completeValue(null, pos, pos + 4);
            pos += 4;
          } else if (c === 93 /* ] */ && this.topIsArray()) {
            if (this.expect === Expect.Value) this.syntaxError(pos, "Unexpected ',' before ']'");
            pos = this.closeContainer(pos);
          } else {
            pos = this.recover(pos, `Expected a value but found ${describeChar(text, pos)}`);
          }
          break;
        }

        case Expect.CommaOrEnd: {
          const top = this.stack[this.stack.length - 1];
          if (c === 44 /* , */) {
            this.expect = top.isArray ? Expect.Value : Expect.Key;
            pos++;
          } else if (top.isArray) {
            if (c === 93 /* ] */) {
              pos = this.closeContainer(pos);
            } else if (startsValue(c)) {
              // A forgotten comma between elements: report it and read on as if it were there.
              this.syntaxError(pos, "Expected ',' or ']' after an array element");
              this.expect = Expect.Value;
            } else {
              pos = this.recover(pos, `Expected ',' or ']' after an array element but found ${describeChar(text, pos)}`);
            }
          } else if (c === 125 /* } */) {
            pos = this.closeContainer(pos);
          } else if (c === 34 /* " */) {
            this.syntaxError(pos, "Expected ',' or '}' after a property value");
            this.expect = Expect.Key;
          } else {
            pos = this.recover(pos, `Expected ',' or '}' after a property value but found ${describeChar(text, pos)}`);
          }
          break;
        }

        case Expect.KeyOrObjectEnd:
        case Expect.Key: {
          if (c === 34 /* " */) {
            const key = this.scanString(pos);
            if (key === undefined) {
              pos = this.recover(this.failure!.offset, this.failure!.message);
            } else {
              const top = this.stack[this.stack.length - 1];
              top.key = key;
              top.keyStart = pos + 1;
              top.keyEnd = this.tokenEnd - 1;
              this.expect = Expect.Colon;
              pos = this.tokenEnd;
            }
          } else if (c === 125 /* } */) {
            if (this.expect === Expect.Key) this.syntaxError(pos, "Unexpected ',' before '}'");
            pos = this.closeContainer(pos);
          } else {
            pos = this.recover(pos, `Expected a property name in double quotes but found ${describeChar(text, pos)}`);
          }
          break;
        }

        case Expect.Colon: {
          if (c === 58 /* : */) {
            this.expect = Expect.Value;
            pos++;
          } else if (startsValue(c)) {
            this.syntaxError(pos, "Expected ':' after a property name");
            this.expect = Expect.Value;
          } else {
            pos = this.recover(pos, `Expected ':' after a property name but found ${describeChar(text, pos)}`);
          }
          break;
        }

        case Expect.Done: {
          this.syntaxError(pos, 'Unexpected text after the end of the JSON value');
          pos = length;
          break;
        }
      }
      if (pos < 0 || this.syntaxErrors >= MAX_SYNTAX_ERRORS) break;
    }

    this.finishAtEndOfText();
  }

  private topIsArray(): boolean {
    const top = this.stack[this.stack.length - 1];
    return top !== undefined && top.isArray;
  }

  private openContainer(isArray: boolean, start: number): void {
    const parent = this.stack[this.stack.length - 1];
    let role = Role.Plain;
    let valueDepth = 0;
    if (parent === undefined) {
      role = isArray ? Role.ItemList : Role.TopObject;
    } else if (parent.role === Role.ItemList) {
      // An array inside the list is reported as not an item when it closes.
      if (!isArray) role = Role.Item;
    } else if (parent.role === Role.TopObject && isArray && parent.key === 'items') {
      role = Role.ItemList;
      parent.hasItemList = true;
    } else if (parent.role === Role.Item || parent.role === Role.TopObject) {
      valueDepth = 1;
    } else if (parent.valueDepth > 0 && parent.valueDepth < MAX_VALUE_DEPTH) {
      valueDepth = parent.valueDepth + 1;
    }
    if (role === Role.Item && !this.itemIndentKnown) {
      this.itemIndentKnown = true;
      this.itemIndent = this.columnIfFirstOnLine(start);
    }
    const keepsProperties = role === Role.Item || role === Role.TopObject;
    this.stack.push({
      isArray,
      role,
      start,
      valueDepth,
      array: isArray && valueDepth > 0 ? [] : null,
      object: !isArray && valueDepth > 0 ? {} : null,
      properties: keepsProperties ? [] : null,
      key: '',
      keyStart: 0,
      keyEnd: 0,
      hasItemList: false,
      synthetic: false,
    });
  }

  /** Closes the container whose closing bracket is at `pos`; returns the offset after it. */
  private closeContainer(pos: number): number {
    const frame = this.stack.pop()!;
    const end = pos + 1;
    if (frame.role === Role.Item) {
      this.addItem(frame.properties!, frame.start, end, false);
      this.expect = Expect.CommaOrEnd;
    } else if (frame.role === Role.TopObject) {
      if (!frame.hasItemList) this.addItem(frame.properties!, frame.start, end, false);
      this.expect = Expect.Done;
    } else if (frame.role === Role.ItemList) {
      this.completeValue(undefined, frame.start, end);
    } else {
      this.completeValue(frame.array ?? frame.object, frame.start, end);
    }
    return end;
  }

  /** Hands a finished value to its container. */
  private completeValue(value: unknown, start: number, end: number): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      this.expect = Expect.Done;
      return;
    }
    this.expect = Expect.CommaOrEnd;
    switch (parent.role) {
      case Role.Plain:
        if (parent.array) parent.array.push(value);
        else if (parent.object) setProperty(parent.object, parent.key, value);
        break;
      case Role.ItemList:
        // Objects become items when they close; anything else in the list is not an item.
        if (value !== undefined) this.invalidItem(start);
        break;
      case Role.Item:
      case Role.TopObject:
        if (value !== undefined) {
          parent.properties!.push({ name: parent.key, value, nameStart: parent.keyStart, nameEnd: parent.keyEnd, start, end });
        }
        break;
    }
  }

  /**
   * Reports a syntax error, keeps what can be kept of the item being read, and skips to the
   * next `{` that starts an item. Returns the offset to go on from, or -1 to stop.
   */
  private recover(errorOffset: number, message: string): number {
    this.syntaxError(errorOffset, message);
    const stack = this.stack;
    let listDepth = -1;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i].role === Role.ItemList) {
        listDepth = i;
        break;
      }
    }
    for (let i = listDepth + 1; i < stack.length; i++) {
      const frame = stack[i];
      if (frame.role === Role.Item || (frame.role === Role.TopObject && !frame.hasItemList)) {
        this.addItem(frame.properties!, frame.start, errorOffset, true);
      }
    }
    if (listDepth >= 0) {
      stack.length = listDepth + 1;
    } else {
      stack.length = 0;
      this.openContainer(true, errorOffset);
      stack[0].synthetic = true;
    }

    const next = this.findItemStart(errorOffset);
    if (next < 0) {
      // Nothing left to read; the error is reported, so the end of text needs no second one.
      stack.length = 0;
      return -1;
    }
    this.openContainer(false, next);
    this.expect = Expect.KeyOrObjectEnd;
    return next + 1;
  }

  private findItemStart(from: number): number {
    const text = this.text;
    let candidate = text.indexOf('{', from);
    while (candidate !== -1) {
      if (this.itemIndent >= 0) {
        // Pretty-printed: items are the objects at the first item's indentation.
        if (this.columnIfFirstOnLine(candidate) === this.itemIndent) return candidate;
      } else if (this.looksLikeItemStart(candidate)) {
        return candidate;
      }
      candidate = text.indexOf('{', candidate + 1);
    }
    return -1;
  }

  private looksLikeItemStart(brace: number): boolean {
    const text = this.text;
    let i = brace + 1;
    let c = text.charCodeAt(i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
    if (c !== 34) return false;
    const keyEnd = text.indexOf('"', i + 1);
    if (keyEnd < 0 || keyEnd - i > 40) return false;
    return !NESTED_OBJECT_KEYS.has(text.slice(i + 1, keyEnd));
  }

  /** The column of `offset` if only spaces or tabs precede it on its line, else -1. */
  private columnIfFirstOnLine(offset: number): number {
    const text = this.text;
    let i = offset - 1;
    while (i >= 0) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (c !== 32 && c !== 9 && c !== 13) return -1;
      i--;
    }
    return offset - (i + 1);
  }

  private finishAtEndOfText(): void {
    const stack = this.stack;
    if (stack.length === 0 || (stack.length === 1 && stack[0].synthetic)) return;
    const end = this.text.length;
    if (this.syntaxErrors < MAX_SYNTAX_ERRORS) {
      const innermost = stack[stack.length - 1];
      const opened = this.lineIndex.positionAt(innermost.start).line + 1;
      const message = innermost.isArray
        ? `Unexpected end of file: expected ']' to close the array opened on line ${opened}`
        : `Unexpected end of file: expected '}' to close the object opened on line ${opened}`;
      this.syntaxError(end, message);
    }
    for (const frame of stack) {
      if (frame.role === Role.Item || (frame.role === Role.TopObject && !frame.hasItemList)) {
        this.addItem(frame.properties!, frame.start, end, true);
      }
    }
    stack.length = 0;
  }

  private syntaxError(offset: number, message: string): void {
    this.syntaxErrors++;
    const end = Math.min(offset + 1, this.text.length);
    this.diagnostic({ start: offset, end: Math.max(offset, end) }, 'error', message, 'json-syntax', this.currentKey());
  }

  private invalidItem(offset: number): void {
    this.diagnostic({ start: offset, end: offset + 1 }, 'warning', 'Expected a CSL item (an object) here', 'invalid-item');
  }

  private diagnostic(span: Span, severity: Diagnostic['severity'], message: string, code: string, key?: string): void {
    const { line, column } = this.lineIndex.positionAt(span.start);
    const diagnostic: Diagnostic = { file: this.file, span, line, column, severity, message, code };
    if (key !== undefined) diagnostic.key = key;
    this.diagnostics.push(diagnostic);
  }

  /** The id of the item being read, for diagnostics. */
  private currentKey(): string | undefined {
    for (const frame of this.stack) {
      if (frame.properties) {
        const id = frame.properties.find((property) => property.name === 'id');
        if (id && (typeof id.value === 'string' || typeof id.value === 'number')) return String(id.value);
      }
    }
    return undefined;
  }

  private addItem(properties: Property[], start: number, end: number, broken: boolean): void {
    const idProperty = properties.find((property) => property.name === 'id');
    const span = { start, end };
    let key = '';
    let keySpan: Span = span;
    if (idProperty) {
      if (typeof idProperty.value === 'string') {
        key = idProperty.value;
        keySpan = { start: idProperty.start + 1, end: idProperty.end - 1 };
      } else if (typeof idProperty.value === 'number') {
        keySpan = { start: idProperty.start, end: idProperty.end };
        key = this.text.slice(keySpan.start, keySpan.end);
      }
    }
    if (key === '') {
      // A broken item's syntax error is already reported; its missing id adds nothing.
      if (!broken) {
        const message = idProperty ? 'CSL item id must be a non-empty string or a number' : 'CSL item has no id';
        this.diagnostic({ start, end: start + 1 }, 'error', `${message}; the item is skipped`, 'missing-key');
      }
      return;
    }
    const { line, column } = this.lineIndex.positionAt(start);
    const type = entryTypeOf(properties);
    const entry: Entry = {
      type,
      key,
      file: this.file,
      format: 'csl-json',
      span,
      keySpan,
      line,
      column,
      fields: fieldsOf(properties, type, this.text),
    };
    if (broken) entry.broken = true;
    this.entries.push(entry);
  }

  private scanString(quote: number): string | undefined {
    const text = this.text;
    let i = quote + 1;
    while (true) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        this.tokenEnd = i + 1;
        return text.slice(quote + 1, i);
      }
      if (c === 92) return this.scanEscapedString(quote, i);
      if (!(c >= 32)) return this.unterminatedString(i);
      i++;
    }
  }

  /** The slow path for strings with backslash escapes; `backslash` is the first one. */
  private scanEscapedString(quote: number, backslash: number): string | undefined {
    const text = this.text;
    const parts: string[] = [text.slice(quote + 1, backslash)];
    let i = backslash;
    let chunkStart = i;
    while (true) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        parts.push(text.slice(chunkStart, i));
        this.tokenEnd = i + 1;
        return parts.join('');
      }
      if (c === 92) {
        parts.push(text.slice(chunkStart, i));
        const escape = text.charCodeAt(i + 1);
        let decoded: string | undefined = ESCAPES[escape];
        let length = 2;
        if (escape === 117 /* u */) {
          const hex = text.slice(i + 2, i + 6);
          if (/^[0-9a-fA-F]{4}$/.test(hex)) {
            // A surrogate pair arrives as two escapes; JS strings are UTF-16, so appending
            // each code unit reassembles the character.
            decoded = String.fromCharCode(parseInt(hex, 16));
            length = 6;
          } else {
            this.syntaxError(i, 'Invalid \\u escape: expected four hexadecimal digits');
            decoded = 'u';
          }
        } else if (decoded === undefined) {
          if (!(escape >= 32)) return this.unterminatedString(i + 1);
          // Keep the character as if unescaped: an unknown escape is a typo, not a reason to drop the item.
          this.syntaxError(i, `Invalid escape sequence '\\${text[i + 1]}' in a string`);
          decoded = text[i + 1];
        }
        parts.push(decoded);
        i += length;
        chunkStart = i;
        continue;
      }
      if (!(c >= 32)) return this.unterminatedString(i);
      i++;
    }
  }

  private unterminatedString(at: number): undefined {
    this.failure = {
      offset: at,
      message: at >= this.text.length ? 'Unexpected end of file inside a string' : 'Unterminated string: a line break or control character before the closing quote',
    };
    return undefined;
  }

  private scanNumber(start: number): number | undefined {
    const text = this.text;
    let i = start;
    if (text.charCodeAt(i) === 45) i++;
    const integerStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    let valid = i > integerStart;
    if (text.charCodeAt(i) === 46 /* . */) {
      const fractionStart = ++i;
      while (isDigit(text.charCodeAt(i))) i++;
      valid = valid && i > fractionStart;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 43 || sign === 45) i++;
      const exponentStart = i;
      while (isDigit(text.charCodeAt(i))) i++;
      valid = valid && i > exponentStart;
    }
    if (!valid) {
      this.failure = { offset: start, message: `Invalid number '${text.slice(start, Math.max(i, start + 1))}'` };
      return undefined;
    }
    this.tokenEnd = i;
    return Number(text.slice(start, i));
  }
}

/** Decoded JSON escapes by the character code after the backslash (`\u` is handled apart). */
const ESCAPES: (string | undefined)[] = [];
ESCAPES[34] = '"';
ESCAPES[92] = '\\';
ESCAPES[47] = '/';
ESCAPES[98] = '\b';
ESCAPES[102] = '\f';
ESCAPES[110] = '\n';
ESCAPES[114] = '\r';
ESCAPES[116] = '\t';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function startsValue(c: number): boolean {
  return c === 123 || c === 91 || c === 34 || c === 45 || isDigit(c) || c === 116 || c === 102 || c === 110;
}

function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  const c = text[offset];
  return c === "'" ? `"'"` : `'${c}'`;
}

/** Sets a property without letting a `__proto__` key replace the object's prototype. */
function setProperty(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

// ---------------------------------------------------------------------------------------
// CSL item → Entry fields

/**
 * The entry of one CSL item given its properties with their spans in `text` and its key (the
 * CSL YAML reader's way in; the JSON reader builds the same in addItem).
 */
export function cslEntry(properties: CslProperty[], text: string, file: string, lineIndex: LineIndex, span: Span, keySpan: Span, key: string): Entry {
  const { line, column } = lineIndex.positionAt(span.start);
  const type = entryTypeOf(properties);
  return { type, key, file, format: 'csl-json', span, keySpan, line, column, fields: fieldsOf(properties, type, text) };
}

export type CslProperty = Property;

function entryTypeOf(properties: Property[]): string {
  const type = propertyValue(properties, 'type');
  if (typeof type !== 'string') return 'misc';
  if (type === 'thesis') {
    const genre = propertyValue(properties, 'genre');
    if (typeof genre === 'string' && /master/i.test(genre)) return 'mastersthesis';
  }
  return ENTRY_TYPE_BY_CSL_TYPE.get(type) ?? 'misc';
}

function propertyValue(properties: Property[], name: string): unknown {
  for (const property of properties) if (property.name === name) return property.value;
  return undefined;
}

function fieldsOf(properties: Property[], entryType: string, text: string): Record<string, Field> {
  const fields: Record<string, Field> = {};
  const isArticle = entryType === 'article';
  for (const property of properties) {
    const { name, value } = property;
    switch (name) {
      case 'id':
      case 'type':
        break;
      case 'author':
      case 'editor': {
        const names = formatNameList(value);
        if (names) addField(fields, name, names, property);
        break;
      }
      case 'issued': {
        const date = readDate(value);
        if (date.year) addField(fields, 'year', date.year, property);
        if (date.month) addField(fields, 'month', date.month, property);
        if (date.iso) addField(fields, 'date', date.iso, property);
        break;
      }
      case 'accessed': {
        const date = readDate(value);
        if (date.iso) addField(fields, 'urldate', date.iso, property);
        break;
      }
      case 'container-title': {
        const title = plainText(value, property, text);
        if (title !== undefined) addField(fields, isArticle ? 'journal' : 'booktitle', title, property);
        break;
      }
      default: {
        const raw = plainText(value, property, text);
        if (raw !== undefined) addField(fields, FIELD_NAME_BY_CSL_NAME.get(name) ?? name.toLowerCase(), raw, property);
      }
    }
  }
  return fields;
}

/** The first occurrence of a field name wins, as in the BibTeX reader. */
function addField(fields: Record<string, Field>, name: string, raw: string, property: Property): void {
  if (name === '__proto__' || Object.hasOwn(fields, name)) return;
  fields[name] = {
    name,
    raw,
    span: { start: property.start, end: property.end },
    nameSpan: { start: property.nameStart, end: property.nameEnd },
  };
}

/** Strings as they are, numbers as written in the source; anything else has no plain text. */
function plainText(value: unknown, property: Property, text: string): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return text.slice(property.start, property.end);
  return undefined;
}

/** CSL names → a BibTeX name list (`von Family, Suffix, Given and {Literal}`). */
function formatNameList(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  const names: string[] = [];
  for (const name of value) {
    const formatted = formatName(name);
    if (formatted) names.push(formatted);
  }
  return names.join(' and ');
}

function formatName(name: unknown): string {
  if (typeof name === 'string') return name.trim();
  if (name === null || typeof name !== 'object') return '';
  const parts = name as Record<string, unknown>;
  let family = nameText(parts.family);
  let given = nameText(parts.given);
  if (!family) {
    const literal = nameText(parts.literal);
    if (literal) return `{${literal}}`;
    // A single name given only as `given` (a mononym) is a family name to BibTeX.
    family = given;
    given = '';
    if (!family) return '';
  }
  let formatted = protectNamePart(family);
  const droppingParticle = nameText(parts['dropping-particle']);
  const nonDroppingParticle = nameText(parts['non-dropping-particle']);
  if (nonDroppingParticle) formatted = `${protectNamePart(nonDroppingParticle)} ${formatted}`;
  if (droppingParticle) formatted = `${protectNamePart(droppingParticle)} ${formatted}`;
  const suffix = nameText(parts.suffix);
  if (suffix) formatted += `, ${protectNamePart(suffix)},${given ? ' ' + protectNamePart(given) : ''}`;
  else if (given) formatted += `, ${protectNamePart(given)}`;
  return formatted;
}

function nameText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  return '';
}

/** Braces keep a comma or a stand-alone "and" inside a name part from splitting the name. */
function protectNamePart(part: string): string {
  if (part.includes(',')) return `{${part}}`;
  // The cheap test first: most name parts contain no "nd" at all.
  if ((part.includes('nd') || part.includes('ND') || part.includes('Nd') || part.includes('nD')) && /(^|\s)and(\s|$)/i.test(part)) {
    return `{${part}}`;
  }
  return part;
}

interface CslDate {
  year: string;
  month: string;
  /** ISO 8601, as precise as the source: `2019`, `2019-03`, `2019-03-05`, ranges as `a/b`. */
  iso: string;
}

function readDate(value: unknown): CslDate {
  const date: CslDate = { year: '', month: '', iso: '' };
  if (typeof value === 'string' || typeof value === 'number') return dateFromText(String(value), false);
  if (value === null || typeof value !== 'object') return date;
  const parts = (value as Record<string, unknown>)['date-parts'];
  if (Array.isArray(parts) && parts.length > 0) {
    const from = datePartsToIso(parts[0]);
    if (from) {
      const first = parts[0] as unknown[];
      const to = parts.length > 1 ? datePartsToIso(parts[1]) : '';
      date.year = String(datePart(first[0]));
      const month = first.length > 1 ? datePart(first[1]) : undefined;
      if (month !== undefined && month >= 1 && month <= 12) date.month = String(month);
      date.iso = to && to !== from ? `${from}/${to}` : from;
      return date;
    }
  }
  const raw = (value as Record<string, unknown>).raw;
  if (typeof raw === 'string') return dateFromText(raw, false);
  const literal = (value as Record<string, unknown>).literal;
  if (typeof literal === 'string') return dateFromText(literal, true);
  return date;
}

/** `[2019, 3, 5]` (numbers or numeric strings) → `2019-03-05`; '' when there is no year. */
function datePartsToIso(parts: unknown): string {
  if (!Array.isArray(parts) || parts.length === 0) return '';
  const year = datePart(parts[0]);
  if (year === undefined) return '';
  let iso = year < 0 ? '-' + String(-year).padStart(4, '0') : year < 1000 ? String(year).padStart(4, '0') : String(year);
  const month = parts.length > 1 ? datePart(parts[1]) : undefined;
  if (month !== undefined && month >= 1 && month <= 12) {
    iso += month < 10 ? '-0' + month : '-' + month;
    const day = parts.length > 2 ? datePart(parts[2]) : undefined;
    if (day !== undefined && day >= 1 && day <= 31) iso += day < 10 ? '-0' + day : '-' + day;
  }
  return iso;
}

/** A date part as an integer: Zotero writes years as strings, other tools as numbers. */
function datePart(part: unknown): number | undefined {
  if (typeof part === 'number') return Number.isInteger(part) ? part : undefined;
  if (typeof part === 'string' && /^\s*-?\d+\s*$/.test(part)) return Number(part);
  return undefined;
}

/** Dates written as text (`raw` or `literal`): take an ISO date as it is, else find a year. */
function dateFromText(text: string, isLiteral: boolean): CslDate {
  const trimmed = text.trim();
  const iso = /^(\d{4})(?:-(\d{2}))?(?:-\d{2})?(?:\/\d{4}(?:-\d{2}){0,2})?$/.exec(trimmed);
  if (iso) return { year: String(Number(iso[1])), month: iso[2] ? String(Number(iso[2])) : '', iso: trimmed };
  const year = /(?:^|\D)(\d{4})(?!\d)/.exec(trimmed);
  if (year) return { year: year[1], month: '', iso: year[1] };
  // A literal date such as "forthcoming" is what BibTeX users put in `year` too.
  return { year: isLiteral ? trimmed : '', month: '', iso: '' };
}
