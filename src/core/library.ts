/**
 * All entries of all collections, by key. Replacing one file's parse result updates the
 * model without re-reading the others. Duplicate keys (within and across files), `ids`
 * aliases and missing `crossref`/`xdata` targets are tracked here.
 */
import { effectiveFields, inheritedFields, splitKeyList } from './inherit';
import { Diagnostic, Entry, Field, ParseResult, Paper, Span } from './model';
import { toPaper } from './paper';

export interface FileChange {
  file: string;
  /** Keys defined by the file before and after the change. */
  keys: Set<string>;
  /**
   * Other files whose entries inherit (`crossref`/`xdata`) from a key of this file, so a
   * consumer that caches derived data (the search index) refreshes them too.
   */
  dependentFiles: Set<string>;
}

export class Library {
  private readonly results = new Map<string, ParseResult>();
  /** Every entry with a key, in file insertion order; the first is the one cited. */
  private readonly byKey = new Map<string, Entry[]>();
  private readonly aliasToKey = new Map<string, string>();
  private readonly paperCache = new Map<string, Paper>();
  /** Parent key → keys of entries that crossref/xdata it. */
  private readonly children = new Map<string, Set<string>>();

  /** Adds or replaces a file's entries. */
  setFile(result: ParseResult): FileChange {
    this.lowerKeys = undefined;
    const keys = new Set<string>();
    const old = this.results.get(result.file);
    if (old) this.detach(old, keys);
    this.results.set(result.file, result);
    for (const entry of result.entries) {
      keys.add(entry.key);
      const list = this.byKey.get(entry.key);
      if (list) list.push(entry);
      else this.byKey.set(entry.key, [entry]);
      this.attachLinks(entry);
    }
    return this.change(result.file, keys);
  }

  /**
   * An edit to part of a file: `result` is the file's new reading, whose entries are the old
   * ones minus `removed` plus `added` (the others kept as they are, moved in place).
   * Called in batches for a large first read (`removed` empty, `added` a slice each time).
   */
  patchFile(result: ParseResult, removed: readonly Entry[], added: readonly Entry[]): FileChange {
    this.lowerKeys = undefined;
    const keys = new Set<string>();
    this.results.set(result.file, result);
    this.detachEntries(removed, keys);
    let order: Map<string, number> | undefined;
    for (const entry of added) {
      keys.add(entry.key);
      const list = this.byKey.get(entry.key);
      if (!list) this.byKey.set(entry.key, [entry]);
      else {
        // Duplicates stay in reading order: files in insertion order, then source order.
        list.push(entry);
        order ??= new Map([...this.results.keys()].map((f, i) => [f, i]));
        const o = order;
        list.sort((a, b) => (o.get(a.file) ?? 0) - (o.get(b.file) ?? 0) || a.span.start - b.span.start);
      }
      this.attachLinks(entry);
    }
    return this.change(result.file, keys);
  }

  removeFile(file: string): FileChange | undefined {
    const old = this.results.get(file);
    if (!old) return undefined;
    this.lowerKeys = undefined;
    const keys = new Set<string>();
    this.detach(old, keys);
    this.results.delete(file);
    return this.change(file, keys);
  }

  private detach(old: ParseResult, keys: Set<string>): void {
    this.detachEntries(old.entries, keys);
  }

  private detachEntries(entries: readonly Entry[], keys: Set<string>): void {
    for (const entry of entries) {
      keys.add(entry.key);
      const list = this.byKey.get(entry.key);
      if (!list) continue;
      const rest = list.filter((e) => e !== entry);
      if (rest.length) this.byKey.set(entry.key, rest);
      else this.byKey.delete(entry.key);
      this.detachLinks(entry);
    }
  }

  private attachLinks(entry: Entry): void {
    const ids = entry.fields.ids;
    if (ids) for (const alias of splitKeyList(ids.raw)) if (!this.aliasToKey.has(alias)) this.aliasToKey.set(alias, entry.key);
    for (const parent of parentKeys(entry)) {
      let set = this.children.get(parent);
      if (!set) this.children.set(parent, (set = new Set()));
      set.add(entry.key);
    }
  }

  private detachLinks(entry: Entry): void {
    const ids = entry.fields.ids;
    if (ids) for (const alias of splitKeyList(ids.raw)) if (this.aliasToKey.get(alias) === entry.key) this.aliasToKey.delete(alias);
    for (const parent of parentKeys(entry)) this.children.get(parent)?.delete(entry.key);
  }

  private change(file: string, keys: Set<string>): FileChange {
    const dependentFiles = new Set<string>();
    const invalidate = (key: string, depth: number): void => {
      this.paperCache.delete(key);
      if (depth > 8) return;
      for (const child of this.children.get(key) ?? []) {
        for (const e of this.byKey.get(child) ?? []) if (e.file !== file) dependentFiles.add(e.file);
        invalidate(child, depth + 1);
      }
    };
    for (const key of keys) invalidate(key, 0);
    return { file, keys, dependentFiles };
  }

  get files(): string[] {
    return [...this.results.keys()];
  }

  fileResult(file: string): ParseResult | undefined {
    return this.results.get(file);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The entry cited by `key` (first definition), following `ids` aliases. */
  get(key: string): Entry | undefined {
    const list = this.byKey.get(key);
    if (list) return list[0];
    const target = this.aliasToKey.get(key);
    return target === undefined ? undefined : this.byKey.get(target)?.[0];
  }

  /** Every definition of `key` (more than one when it is a duplicate). */
  definitions(key: string): Entry[] {
    return this.byKey.get(key) ?? [];
  }

  /** The canonical key an alias (`ids`) stands for, or undefined. */
  aliasTarget(alias: string): string | undefined {
    return this.aliasToKey.get(alias);
  }

  has(key: string): boolean {
    return this.byKey.has(key) || this.aliasToKey.has(key);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** The first definition of every key. */
  *entries(): IterableIterator<Entry> {
    for (const list of this.byKey.values()) yield list[0];
  }

  /** The entries of one file, in source order (duplicates included). */
  entriesOf(file: string): Entry[] {
    return this.results.get(file)?.entries ?? [];
  }

  private readonly lookup = (key: string): Entry | undefined => this.get(key);

  /** An entry's fields for display: inherited, with date/year and journal/journaltitle filled both ways. */
  fields(entry: Entry): Record<string, Field> {
    return effectiveFields(entry, this.lookup);
  }

  /** An entry's own fields plus those it inherits through `crossref`/`xdata` (its own object when it inherits nothing). */
  inheritedFields(entry: Entry): Record<string, Field> {
    return inheritedFields(entry, this.lookup);
  }

  /** The display record of a key (inheritance applied), cached until its file changes. */
  paper(key: string): Paper | undefined {
    const entry = this.get(key);
    if (!entry) return undefined;
    let paper = this.paperCache.get(entry.key);
    if (!paper) {
      paper = toPaper(entry, inheritedFields(entry, this.lookup), entry.display);
      this.paperCache.set(entry.key, paper);
    }
    return paper;
  }

  /** Display records of these entries that are their key's first definition. */
  papersFor(entries: readonly Entry[]): Paper[] {
    const out: Paper[] = [];
    for (const entry of entries) {
      const p = this.paperOfEntry(entry);
      if (p) out.push(p);
    }
    return out;
  }

  /** The paper of `entry` when it is its key's first definition (the one the key names), else undefined. */
  paperOfEntry(entry: Entry): Paper | undefined {
    return this.byKey.get(entry.key)?.[0] === entry ? this.paper(entry.key) : undefined;
  }

  /** Display records of a file's entries (first definitions only), for indexing. */
  papersOf(file: string): Paper[] {
    const out: Paper[] = [];
    for (const entry of this.entriesOf(file)) {
      if (this.byKey.get(entry.key)?.[0] !== entry) continue;
      const p = this.paper(entry.key);
      if (p) out.push(p);
    }
    return out;
  }

  /**
   * Problems of one file: its reader diagnostics, duplicate keys (within the file and
   * across files), and `crossref`/`xdata` targets that do not exist.
   */
  diagnostics(file: string): Diagnostic[] {
    const result = this.results.get(file);
    if (!result) return [];
    const out = result.diagnostics.slice();
    for (const entry of result.entries) {
      const defs = this.byKey.get(entry.key);
      if (defs && defs.length > 1) {
        const others = defs.filter((d) => d !== entry);
        const where = others.map((d) => (d.file === file ? `line ${d.line + 1}` : `${d.file}:${d.line + 1}`)).join(', ');
        const pos = result.lineIndex.positionAt(entry.keySpan.start);
        out.push({
          file,
          span: entry.keySpan,
          line: pos.line,
          column: pos.column,
          severity: 'warning',
          code: 'duplicate-key',
          key: entry.key,
          message: `Duplicate key '${entry.key}': also defined at ${where}.${defs[0] === entry ? '' : ' Citations use the first definition.'}`,
        });
      }
      // Most entries inherit nothing: skip the generator for them (90,000 entries per call).
      if (entry.fields.crossref === undefined && entry.fields.xdata === undefined) continue;
      for (const [name, target] of parentReferences(entry)) {
        if (this.has(target)) continue;
        const f = entry.fields[name];
        const pos = result.lineIndex.positionAt(f.span.start);
        out.push({
          file,
          span: f.span,
          line: pos.line,
          column: pos.column,
          severity: 'warning',
          code: 'missing-parent',
          key: entry.key,
          message: `'${entry.key}' has ${name} = '${target}', but no entry has that key.`,
        });
      }
    }
    return out;
  }

  /**
   * The files whose problems a change to `keys` (in `file`) can alter: `file`, the files with
   * other definitions of those keys (duplicates) and those inheriting from them (missing parents).
   */
  filesAffectedBy(file: string, keys: Iterable<string>): Set<string> {
    const files = new Set([file]);
    for (const key of keys) {
      const defs = this.byKey.get(key);
      if (defs) for (const e of defs) files.add(e.file);
      const children = this.children.get(key);
      if (children) for (const child of children) for (const e of this.byKey.get(child) ?? []) files.add(e.file);
    }
    return files;
  }

  /**
   * Where collections refer to `key` through `crossref`/`xdata`: the file and the span of the
   * key inside the field value (for find-references and rename).
   */
  referencesTo(key: string): Array<{ file: string; entryKey: string; field: 'crossref' | 'xdata'; span: Span }> {
    const out: Array<{ file: string; entryKey: string; field: 'crossref' | 'xdata'; span: Span }> = [];
    for (const child of this.children.get(key) ?? []) {
      for (const entry of this.byKey.get(child) ?? []) {
        for (const name of ['crossref', 'xdata'] as const) {
          const field = entry.fields[name];
          if (!field) continue;
          for (const span of keySpansInValue(field)) if (span.key === key) out.push({ file: entry.file, entryKey: entry.key, field: name, span: { start: span.start, end: span.end } });
        }
      }
    }
    return out;
  }

  /** The keys equal to `key` ignoring case (for "did you mean" and case-mismatch warnings). */
  keysIgnoringCase(key: string): string[] {
    if (!this.lowerKeys) {
      this.lowerKeys = new Map();
      for (const k of this.byKey.keys()) {
        const lower = k.toLowerCase();
        const list = this.lowerKeys.get(lower);
        if (list) list.push(k);
        else this.lowerKeys.set(lower, [k]);
      }
    }
    return this.lowerKeys.get(key.toLowerCase()) ?? [];
  }
  private lowerKeys: Map<string, string[]> | undefined;

  /** Every duplicate key with all its definitions. */
  duplicates(): Array<{ key: string; entries: Entry[] }> {
    const out: Array<{ key: string; entries: Entry[] }> = [];
    for (const [key, list] of this.byKey) if (list.length > 1) out.push({ key, entries: list });
    return out;
  }
}

function* parentReferences(entry: Entry): IterableIterator<[string, string]> {
  const crossref = entry.fields.crossref;
  if (crossref && crossref.raw.trim()) yield ['crossref', crossref.raw.trim()];
  const xdata = entry.fields.xdata;
  if (xdata) for (const key of splitKeyList(xdata.raw)) yield ['xdata', key];
}

/** The keys listed in a `crossref`/`xdata` value with their offsets in the source. */
export function keySpansInValue(field: Field): Array<{ key: string; start: number; end: number }> {
  // `{a, b}` or `"a, b"`: the raw value starts one character after the span; a bare value at it.
  const delimited = field.span.end - field.span.start === field.raw.length + 2;
  let offset = field.span.start + (delimited ? 1 : 0);
  const out: Array<{ key: string; start: number; end: number }> = [];
  for (const part of field.raw.split(',')) {
    const lead = part.length - part.trimStart().length;
    const key = part.trim();
    if (key) out.push({ key, start: offset + lead, end: offset + lead + key.length });
    offset += part.length + 1;
  }
  return out;
}

function parentKeys(entry: Entry): string[] {
  return [...parentReferences(entry)].map(([, key]) => key);
}
