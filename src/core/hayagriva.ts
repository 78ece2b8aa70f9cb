/**
 * Hayagriva YAML reader (Typst's own bibliography format, `#bibliography("refs.yml")`).
 *
 * A Hayagriva file is one YAML mapping: entry keys to mappings of fields. The `yaml` package
 * (eemeli) parses it with source ranges and keeps going after errors. A file that parses
 * cleanly is read in one piece (aliases between entries work); a file with errors is read
 * again one top-level entry at a time, so that one broken entry costs only itself, with the
 * YAML error at its position.
 *
 * Entries map to the shared model: `author`/`editor` as a BibTeX-style name list, `date` to
 * `year`/`month`/`date`, the `parent` (the containing work) to the venue (`journal` or
 * `booktitle`) and to the volume, issue and publisher it carries, `serial-number` to `doi`,
 * `isbn`, `eprint`… Field spans point at the YAML that gave them.
 */
import { Alias, Document, isAlias, isMap, isScalar, isSeq, Node, Pair, parseDocument, Scalar, YAMLMap } from 'yaml';
import { Diagnostic, Entry, Field, LineIndex, ParseResult, Span } from './model';

/** Past this many YAML errors the file is probably not YAML at all; stop reporting. */
const MAX_SYNTAX_ERRORS = 100;
/** Values nested deeper than this are not built (no Hayagriva field needs them). */
const MAX_DEPTH = 12;
/** Aliases resolved per entry (a billion-laughs file must not expand). */
const MAX_ALIASES = 200;

export function parseHayagriva(text: string, file: string): ParseResult {
  const lineIndex = new LineIndex(text);
  const reader = new HayagrivaReader(text, file, lineIndex);
  reader.read();
  return { file, format: 'hayagriva', entries: reader.entries, diagnostics: reader.diagnostics, strings: {}, preambles: [], lineIndex };
}

/**
 * `parseHayagriva` that calls `pause` between entries once `sliceMs` has passed, so a large
 * file does not hold the web extension host (which has no worker thread) for long.
 */
export async function parseHayagrivaInSlices(text: string, file: string, pause: () => Promise<void>, sliceMs = 20, clock: () => number = Date.now): Promise<ParseResult> {
  const lineIndex = new LineIndex(text);
  const reader = new HayagrivaReader(text, file, lineIndex);
  let sliceStart = clock();
  for (const _ of reader.steps()) {
    if (clock() - sliceStart >= sliceMs) {
      await pause();
      sliceStart = clock();
    }
  }
  return { file, format: 'hayagriva', entries: reader.entries, diagnostics: reader.diagnostics, strings: {}, preambles: [], lineIndex };
}

/**
 * Anchors and aliases (`&name`, `*name`) may cross entries, directives and flow or list
 * documents are not a column of keys: such files are parsed whole.
 */
function needsWholeParse(text: string): boolean {
  if (/(?:^|[\s[{,:-])[&*][^\s,[\]{}]/m.test(text)) return true;
  if (/^%/m.test(text)) return true;
  const first = /^(?!\s*(?:#|$))[^\n]*/m.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  return !first || /^\s*(?:-\s|-$|\[|\{|---)/.test(first[0]);
}

/**
 * Does this YAML text look like a Hayagriva collection (top-level keys with indented fields
 * such as `type:` or `title:`) rather than some other YAML file, e.g. CSL YAML's
 * `references:` list? Decides from the first entries only.
 */
export function looksLikeHayagriva(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  if (/^references[ \t]*:/m.test(head)) return false;
  return /^[^\s#\-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]+(?:type|title|author|date|parent|url|doi|editor|publisher)[ \t]*:/m.test(head);
}

/** Hayagriva entry types and the BibTeX types they correspond to (by parent type where it matters). */
const ENTRY_TYPE: Record<string, string> = {
  article: 'article',
  chapter: 'incollection',
  entry: 'inreference',
  anthos: 'incollection',
  report: 'techreport',
  thesis: 'thesis',
  web: 'online',
  scene: 'misc',
  artwork: 'artwork',
  patent: 'patent',
  case: 'jurisdiction',
  newspaper: 'periodical',
  legislation: 'legislation',
  manuscript: 'unpublished',
  tweet: 'online',
  misc: 'misc',
  periodical: 'periodical',
  proceedings: 'proceedings',
  book: 'book',
  blog: 'online',
  reference: 'reference',
  conference: 'inproceedings',
  anthology: 'collection',
  repository: 'software',
  thread: 'online',
  video: 'video',
  audio: 'audio',
  exhibition: 'misc',
};

/** Hayagriva field names whose model (BibLaTeX) name differs. */
const FIELD_NAME: Record<string, string> = {
  'page-range': 'pages',
  'page-total': 'pagetotal',
  'volume-total': 'volumes',
  issue: 'number',
  location: 'address',
};

/** Fields of the parent that the child takes when it has none of its own. */
const INHERITED_FROM_PARENT = ['volume', 'issue', 'publisher', 'location', 'editor', 'date', 'organization', 'isbn', 'issn'];

interface Chunk {
  start: number;
  end: number;
}

class HayagrivaReader {
  readonly entries: Entry[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private syntaxErrors = 0;
  private aliasesResolved = 0;
  /** The document being read (aliases resolve in it). */
  private doc: Document.Parsed | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lineIndex: LineIndex,
  ) {}

  read(): void {
    for (const _ of this.steps()) {
      /* run to the end */
    }
  }

  /**
   * Reads the file, yielding after each top-level entry (so a caller can pause between them).
   * A file with anchors or aliases, or that is not a block mapping, is parsed whole first
   * (aliases cross entries); otherwise, and when the whole parse has errors, entry by entry,
   * which is also faster with the `yaml` package.
   */
  *steps(): Generator<void> {
    const text = this.text;
    if (text.trim() === '') return;
    if (needsWholeParse(text)) {
      const whole = this.parse(text, 0);
      if (whole && whole.errors.length === 0) {
        this.readDocument(whole.contents, whole, 0, true);
        for (const w of whole.warnings) this.yamlProblem(w.pos, w.message, 'warning', 0);
        return;
      }
    }
    // Each top-level entry on its own, so a broken one costs only itself.
    for (const chunk of topLevelChunks(text)) {
      const slice = text.slice(chunk.start, chunk.end);
      if (slice.trim() === '' || /^\s*(#[^\n]*\s*)*$/.test(slice)) continue;
      const doc = this.parse(slice, chunk.start);
      if (!doc) continue;
      const keyName = /^["']?([^"'\n:]*)/.exec(slice)?.[1].trim() ?? '';
      const contentEnd = chunk.start + slice.trimEnd().length;
      for (const e of doc.errors) {
        // An error found only at the end (an unclosed quote or bracket) is put on the entry's key.
        const atEnd = chunk.start + e.pos[0] >= contentEnd;
        this.yamlProblem(atEnd ? [0, Math.max(1, keyName.length)] : e.pos, keyName ? `Entry '${keyName}': ${e.message}` : e.message, 'error', chunk.start);
      }
      for (const w of doc.warnings) this.yamlProblem(w.pos, w.message, 'warning', chunk.start);
      // A chunk holds one entry; what a broken one seems to add after it is debris.
      const contents = doc.contents;
      if (isMap(contents) && contents.items.length > 1) contents.items.length = 1;
      this.readDocument(contents, doc, chunk.start, doc.errors.length === 0);
      yield;
    }
  }

  /** parseDocument, or undefined (with a diagnostic) when the parser itself gives up. */
  private parse(source: string, offset: number): Document.Parsed | undefined {
    try {
      return parseDocument(source, { uniqueKeys: false, prettyErrors: false, strict: false });
    } catch (e) {
      this.diagnostic({ start: offset, end: offset + Math.min(1, source.length) }, 'error', `Cannot read this YAML: ${(e as Error).message}`, 'yaml-syntax');
      return undefined;
    }
  }

  private yamlProblem(pos: [number, number], message: string, severity: Diagnostic['severity'], offset: number): void {
    if (++this.syntaxErrors > MAX_SYNTAX_ERRORS) return;
    const start = Math.min(offset + pos[0], this.text.length);
    const end = Math.min(Math.max(offset + pos[1], start), this.text.length);
    // The parser's messages end with a position excerpt on later lines; the first line says it.
    this.diagnostic({ start, end }, severity, message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), 'yaml-syntax');
  }

  private diagnostic(span: Span, severity: Diagnostic['severity'], message: string, code: string, key?: string): void {
    const { line, column } = this.lineIndex.positionAt(span.start);
    const d: Diagnostic = { file: this.file, span, line, column, severity, message, code };
    if (key !== undefined) d.key = key;
    this.diagnostics.push(d);
  }

  private readDocument(contents: unknown, doc: Document.Parsed, offset: number, clean: boolean): void {
    this.doc = doc;
    if (contents === null || contents === undefined) return;
    if (!isMap(contents)) {
      const node = contents as Node;
      const start = offset + (node.range?.[0] ?? 0);
      const what = isSeq(contents) ? 'a list' : 'a single value';
      this.diagnostic(
        { start, end: Math.min(start + 1, this.text.length) },
        'error',
        `A Hayagriva file is a mapping from entry keys to entries, but this is ${what}${isSeq(contents) ? ' (CSL YAML is not supported; use CSL-JSON or BibTeX)' : ''}`,
        'invalid-item',
      );
      return;
    }
    for (const pair of contents.items) this.readEntry(pair, offset, clean);
  }

  private readEntry(pair: Pair<unknown, unknown>, offset: number, clean: boolean): void {
    this.aliasesResolved = 0;
    const keyNode = pair.key;
    if (!isScalar(keyNode) || keyNode.value === null || keyNode.value === undefined || String(keyNode.value) === '') {
      const start = offset + ((keyNode as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0);
      if (clean) this.diagnostic({ start, end: Math.min(start + 1, this.text.length) }, 'error', 'An entry needs a key (a plain name before the colon); the entry is skipped', 'missing-key');
      return;
    }
    const key = String(keyNode.value);
    const keySpan = scalarContentSpan(keyNode, this.text, offset);
    const value = this.deref(pair.value);
    const start = offset + keyNode.range![0];
    const end = offset + ((pair.value as Node | null)?.range?.[1] ?? keyNode.range![1]);
    if (!isMap(value)) {
      this.diagnostic(
        { start: keySpan.start, end: keySpan.end },
        'error',
        `Entry '${key}' has no fields: its value must be a mapping of fields (type, title, author…); the entry is skipped`,
        'invalid-item',
        key,
      );
      return;
    }
    const fields: Record<string, Field> = {};
    const typeNode = this.field(value, 'type');
    const typeName = typeNode && isScalar(typeNode.value) ? String(typeNode.value.value ?? '').toLowerCase() : '';
    const parent = this.firstParent(value);
    const parentType = parent ? String(this.scalarOf(this.field(parent, 'type')?.value) ?? '').toLowerCase() : '';
    let type = ENTRY_TYPE[typeName] ?? 'misc';
    if (typeName && !(typeName in ENTRY_TYPE)) {
      const span = this.valueSpan(typeNode!, offset);
      this.diagnostic(span, 'warning', `Unknown Hayagriva entry type '${typeName}'; read as misc`, 'unknown-type', key);
    }
    if (typeName === 'article' && (parentType === 'proceedings' || parentType === 'conference')) type = 'inproceedings';
    if (typeName === 'thesis') type = 'phdthesis';
    this.addFields(fields, value, offset);
    if (parent) {
      const titlePair = this.field(parent, 'title');
      if (titlePair) {
        const title = this.text_(titlePair.value);
        if (title) this.add(fields, typeName === 'article' && type === 'article' ? 'journal' : 'booktitle', title, titlePair, offset);
      }
      for (const name of INHERITED_FROM_PARENT) {
        const p = this.field(parent, name);
        if (p) this.addField(fields, name, p, offset);
      }
    }
    const entry: Entry = { type, key, file: this.file, format: 'hayagriva', span: { start, end: Math.max(end, keySpan.end) }, keySpan, ...this.lineIndex.positionAt(start), fields };
    if (!clean) entry.broken = true;
    this.entries.push(entry);
  }

  private addFields(fields: Record<string, Field>, map: YAMLMap<unknown, unknown>, offset: number): void {
    for (const pair of map.items) {
      const name = this.scalarOf(pair.key);
      if (typeof name !== 'string' && typeof name !== 'number') continue;
      const lower = String(name).toLowerCase();
      if (lower === 'type' || lower === 'parent') continue;
      this.addField(fields, lower, pair, offset);
    }
  }

  /** One Hayagriva field into the model's fields (a few become several). */
  private addField(fields: Record<string, Field>, name: string, pair: Pair<unknown, unknown>, offset: number): void {
    const value = this.deref(pair.value);
    switch (name) {
      case 'author':
      case 'editor': {
        const names = this.personList(value);
        if (names) this.add(fields, name, names, pair, offset);
        return;
      }
      case 'date': {
        const iso = this.text_(value);
        const m = /^(-?\d{1,4})(?:-(\d{1,2}))?/.exec(iso.trim());
        if (m) {
          this.add(fields, 'year', String(Number(m[1])), pair, offset);
          if (m[2] && Number(m[2]) >= 1 && Number(m[2]) <= 12) this.add(fields, 'month', String(Number(m[2])), pair, offset);
          this.add(fields, 'date', iso.trim(), pair, offset);
        } else if (iso) this.add(fields, 'date', iso, pair, offset);
        return;
      }
      case 'url': {
        if (isMap(value)) {
          const url = this.text_(this.field(value, 'value')?.value);
          const date = this.text_(this.field(value, 'date')?.value);
          if (url) this.add(fields, 'url', url, pair, offset);
          if (date) this.add(fields, 'urldate', date, pair, offset);
        } else {
          const url = this.text_(value);
          if (url) this.add(fields, 'url', url, pair, offset);
        }
        return;
      }
      case 'serial-number': {
        if (isMap(value)) {
          for (const p of value.items) {
            const sub = String(this.scalarOf(p.key) ?? '').toLowerCase();
            const v = this.text_(p.value);
            if (!v) continue;
            if (sub === 'arxiv') {
              this.add(fields, 'eprint', v, pair, offset);
              this.add(fields, 'eprinttype', 'arxiv', pair, offset);
            } else if (sub) this.add(fields, sub, v, pair, offset);
          }
        } else {
          const v = this.text_(value);
          if (v) this.add(fields, 'serial-number', v, pair, offset);
        }
        return;
      }
      case 'affiliated':
        return;
      default: {
        const v = this.text_(value);
        if (v) this.add(fields, FIELD_NAME[name] ?? name, v, pair, offset);
      }
    }
  }

  /** The first occurrence of a field name wins, as in the other readers. */
  private add(fields: Record<string, Field>, name: string, raw: string, pair: Pair<unknown, unknown>, offset: number): void {
    if (name === '__proto__' || Object.hasOwn(fields, name)) return;
    const keyRange = (pair.key as Node | null)?.range;
    const span = this.valueSpan(pair, offset);
    const nameSpan = keyRange ? { start: offset + keyRange[0], end: offset + keyRange[1] } : span;
    fields[name] = { name, raw, span, nameSpan };
  }

  private valueSpan(pair: Pair<unknown, unknown>, offset: number): Span {
    const range = (pair.value as Node | null)?.range ?? (pair.key as Node | null)?.range;
    if (!range) return { start: offset, end: offset };
    return { start: offset + range[0], end: offset + range[1] };
  }

  private field(map: YAMLMap<unknown, unknown>, name: string): Pair<unknown, unknown> | undefined {
    for (const pair of map.items) {
      const k = this.scalarOf(pair.key);
      if (typeof k === 'string' && k.toLowerCase() === name) return pair;
    }
    return undefined;
  }

  private firstParent(map: YAMLMap<unknown, unknown>): YAMLMap<unknown, unknown> | undefined {
    const pair = this.field(map, 'parent');
    if (!pair) return undefined;
    const value = this.deref(pair.value);
    if (isMap(value)) return value;
    if (isSeq(value)) {
      for (const item of value.items) {
        const v = this.deref(item);
        if (isMap(v)) return v;
      }
    }
    return undefined;
  }

  /** Follows aliases (a bounded number per entry). */
  private deref(node: unknown): unknown {
    let n = node;
    for (let hops = 0; isAlias(n) && hops < 8; hops++) {
      if (++this.aliasesResolved > MAX_ALIASES) return undefined;
      n = this.doc ? (n as Alias).resolve(this.doc) : undefined;
    }
    return isAlias(n) ? undefined : n;
  }

  private scalarOf(node: unknown): unknown {
    const n = this.deref(node);
    return isScalar(n) ? n.value : undefined;
  }

  /**
   * The text of a value: a scalar as written (numbers as in the source), a formattable
   * string's or title's `value`, case-protecting braces removed; '' for anything else.
   */
  private text_(node: unknown, depth = 0): string {
    const n = this.deref(node);
    if (depth > MAX_DEPTH || n === null || n === undefined) return '';
    if (isScalar(n)) {
      const v = (n as Scalar).value;
      if (v === null || v === undefined) return '';
      const s = typeof v === 'number' && (n as Scalar).source !== undefined ? String((n as Scalar).source) : String(v);
      return stripCaseBraces(s).replace(/\s+/g, ' ').trim();
    }
    if (isMap(n)) return this.text_(this.field(n, 'value')?.value, depth + 1);
    return '';
  }

  /** `author`/`editor`: a person or a list of persons → `Family, Given and …` (BibTeX order). */
  private personList(node: unknown): string {
    const n = this.deref(node);
    const items = isSeq(n) ? n.items : [n];
    const names: string[] = [];
    for (const item of items.slice(0, 10000)) {
      const name = this.person(item);
      if (name) names.push(name);
    }
    return names.join(' and ');
  }

  private person(node: unknown): string {
    const n = this.deref(node);
    if (isScalar(n)) {
      const s = stripCaseBraces(String(n.value ?? '')).trim();
      if (!s) return '';
      // Hayagriva writes `Family, Given, Suffix`; BibTeX `von Family, Suffix, Given`.
      const parts = s.split(',').map((p) => p.trim());
      if (parts.length === 1) return protect(parts[0]);
      if (parts.length === 2) return `${protect(parts[0])}, ${protect(parts[1])}`;
      return `${protect(parts[0])}, ${protect(parts.slice(2).join(' '))}, ${protect(parts[1])}`;
    }
    if (isMap(n)) {
      const family = this.text_(this.field(n, 'name')?.value);
      const given = this.text_(this.field(n, 'given-name')?.value);
      const prefix = this.text_(this.field(n, 'prefix')?.value);
      const suffix = this.text_(this.field(n, 'suffix')?.value);
      if (!family) return given ? protect(given) : '';
      let out = (prefix ? `${protect(prefix)} ` : '') + protect(family);
      if (suffix) out += `, ${protect(suffix)}`;
      if (given) out += `, ${protect(given)}`;
      return out;
    }
    return '';
  }
}

/** Case-protection braces of Hayagriva's formattable strings (`{imagiNary} Publishing`) go. */
function stripCaseBraces(s: string): string {
  return s.indexOf('{') < 0 ? s : s.replace(/[{}]/g, '');
}

/** Braces keep a comma or a stand-alone "and" inside a name part from splitting the name. */
function protect(part: string): string {
  if (part.includes(',') || /(^|\s)and(\s|$)/i.test(part)) return `{${part}}`;
  return part;
}

/** Where a key scalar's content is: inside the quotes of a quoted key. */
function scalarContentSpan(node: Scalar, text: string, offset: number): Span {
  const [s, e] = node.range!;
  const start = offset + s;
  const end = offset + e;
  const first = text[start];
  if ((first === '"' || first === "'") && end - start >= 2 && text[end - 1] === first) return { start: start + 1, end: end - 1 };
  return { start, end };
}

/**
 * Stretches of the text that each hold one top-level entry: a line starting in column 0
 * with anything but a comment, a document marker or white space starts the next one.
 */
function topLevelChunks(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  const re = /\n(?=[^\s#])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const at = m.index + 1;
    if (text.startsWith('---', at) || text.startsWith('...', at)) {
      chunks.push({ start, end: at });
      const nl = text.indexOf('\n', at);
      start = nl < 0 ? text.length : nl + 1;
      re.lastIndex = start;
      continue;
    }
    chunks.push({ start, end: at });
    start = at;
  }
  chunks.push({ start, end: text.length });
  return chunks.filter((c) => c.end > c.start);
}


/**
 * How a new entry key is written in place of an old one in a Hayagriva file: `quote` is the
 * quote character around the old key (`"`, `'`) or '' for a plain key. A plain key that YAML
 * would read otherwise (`&a`, `*a`, `[a]`, `a: b`…) is written in double quotes.
 */
export function hayagrivaKeyText(newKey: string, quote: string): string {
  if (quote === '"') return JSON.stringify(newKey).slice(1, -1);
  if (quote === "'") return newKey.replace(/'/g, "''");
  const plainSafe = /^[^\s&*!|>%@`?[\]{}'",#:-][^\n]*$/.test(newKey) && !/:(\s|$)|\s#/.test(newKey) && newKey.trim() === newKey;
  return plainSafe || /^-[^\s]/.test(newKey) && !/:(\s|$)|\s#/.test(newKey) ? newKey : JSON.stringify(newKey);
}
