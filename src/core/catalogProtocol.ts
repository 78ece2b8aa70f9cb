/**
 * The typed messages between the extension host and the catalog (catalog.ts), wherever the
 * catalog runs: a worker thread (Node host), or the host's own thread (web host fallback).
 * One request, one answer: `{ id, method, args }` → `{ id, ok: true, value }` or
 * `{ id, ok: false, error }`. A malformed or unknown request gets an error answer, never
 * silence, so no caller waits for ever. `CatalogService` answers them; it owns the catalog
 * and the per-file reading state. Pure TypeScript: it runs in every host.
 */
import { ApplyOptions, Catalog, CatalogChange, CatalogStatus, CollectionKeyAt, KeyInfo, KeyVerdict, LibraryAnswer, PaperView, ProblemView } from './catalog';
import { Card, FACET_KINDS, FacetKind, FacetList, isNumber, isString, isStringArray, LibraryQuery, validQuery } from './libraryProtocol';
import { CollectionPatch, IncrementalCollection } from './incremental';
import { binaryReason } from './encoding';
import { decodeCollectionInSlices } from './slicedDecode';
import { SerialPerKey } from './serial';
import type { IndexSegment } from './search';
import { CitationStyle, FormattedReference, RichText, StyleInfo, loadCitationStyle } from './formatReference';
import type { CslItem } from './csl-export';

/** What reading a collection found. */
export type ReadOutcome =
  | { kind: 'read'; patch: CollectionPatch; encoding: string; source: 'disk' | 'document' | 'cache'; index?: IndexSegment; stamp?: FileStamp }
  | { kind: 'folder' }
  | { kind: 'missing' }
  | { kind: 'unreadable'; message: string };

export type ReadFailure = Exclude<ReadOutcome, { kind: 'read' }>;

/** Read `file` from one of: an open document's `text`, its `bytes`, or (worker thread only) its `fsPath`. */
export interface ReadRequest {
  file: string;
  /** The file's label in the library (a workspace-relative path). */
  label: string;
  text?: string;
  bytes?: Uint8Array;
  fsPath?: string;
  /** The host could not read it (then nothing else is given). */
  failure?: ReadFailure;
  /** An open document's changes since a text the catalog holds (instead of its whole `text`). */
  edits?: DocumentEdits;
  /** With `text`: the document's version (later `edits` name it as their base). */
  version?: number;
  /** With `bytes`: the file's size and modification time (a first edit of its clean document names them). */
  stamp?: FileStamp;
}

/** A file on disk as a reading found it (modification time in milliseconds: VS Code's are whole, Node's have a fraction). */
export interface FileStamp {
  size: number;
  mtime: number;
}

/**
 * An open document's changes, in the order VS Code reported them, since a text the catalog
 * holds: a version of the document it was sent, or the file on disk when the document was
 * clean (its text then is the file's). A base the catalog does not hold, or a result of
 * another length, is answered `needsText`: the host sends the whole text.
 */
export interface DocumentEdits {
  base: { version: number } | { disk: FileStamp };
  version: number;
  /** The document's length after the changes (a check that they were applied as VS Code did). */
  length: number;
  changes: Array<{ offset: number; length: number; text: string }>;
}

/** The answer to a reading: what it found and, when it read entries, what changed. */
export type ReadAnswer =
  | ReadFailure
  | {
      kind: 'read';
      source: 'disk' | 'document' | 'cache';
      encoding: string;
      full: boolean;
      entries: number;
      /** Entries parsed by this reading (all of them for a full one). */
      reRead: number;
      problems: number;
      /** The first problems of a full reading, for the log. */
      firstProblems: ProblemView[];
      change: CatalogChange;
      /** Milliseconds the catalog's thread spent reading (parse, decode or cache) and applying. */
      timing: { readMs: number; applyMs: number };
    }
  /** A patch against a reading the catalog no longer had: read the file again, whole. */
  | { kind: 'stale' }
  /** Edits against a text the catalog does not hold: send the document's whole text. */
  | { kind: 'needsText' };

export interface CatalogMemory {
  heapUsedMB: number;
  heapTotalMB: number;
  /** Where the catalog runs. */
  thread: 'worker' | 'host';
}

/** Every request the catalog answers: its arguments and its answer. */
export interface CatalogApi {
  read(request: ReadRequest): ReadAnswer;
  forget(file: string): CatalogChange;
  status(): CatalogStatus;
  search(query: string, limit: number): PaperView[];
  newest(limit: number): PaperView[];
  paper(key: string): PaperView | undefined;
  papers(keys: string[]): Array<PaperView | undefined>;
  keyInfo(key: string): KeyInfo;
  judge(keys: string[], scope: string[] | null): Record<string, KeyVerdict>;
  nearest(key: string, limit: number): string[];
  keyAt(file: string, offset: number): CollectionKeyAt | undefined;
  libraryQuery(query: LibraryQuery, limit: number): LibraryAnswer;
  libraryPage(query: LibraryQuery, offset: number, limit: number): { offset: number; cards: Card[] };
  facetValues(query: LibraryQuery, kind: FacetKind, filter: string): FacetList;
  paperLink(key: string): string | undefined;
  fileEntries(file: string): ReturnType<Catalog['fileEntries']>;
  memory(): CatalogMemory;
  /**
   * Builds a citation style here (citeproc parses it: hundreds of milliseconds for APA, which
   * would block the extension host) and keeps it under `id`; idempotent.
   */
  styleBuild(id: string, xml: string, locales: Record<string, string>): StyleInfo;
  /** Formats items in a style built before; fails with `unknown style` when it was not (or the thread restarted). */
  styleFormat(id: string, kind: 'bibliography' | 'citation', items: CslItem[]): FormattedReference[] | RichText;
}

/** The error message of a `styleFormat` whose style is not built in this catalog. */
export const UNKNOWN_STYLE = 'unknown style';

export type CatalogMethod = keyof CatalogApi;
export type CatalogArgs<M extends CatalogMethod> = Parameters<CatalogApi[M]>;
export type CatalogResult<M extends CatalogMethod> = ReturnType<CatalogApi[M]>;

export interface CatalogRequest<M extends CatalogMethod = CatalogMethod> {
  id: number;
  method: M;
  args: CatalogArgs<M>;
}

export type CatalogReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** The one queue of changes to the catalog (readings and removals). */
const CHANGES = 'changes';

/** Longest lists a request may carry (a hostile or buggy caller cannot make the catalog loop for ever). */
const MAX_KEYS = 100_000;
const MAX_LIMIT = 10_000;

/** Longest CSL style or locale a request may carry (a real style is under 100 KB). */
const MAX_STYLE_CHARS = 2_000_000;
/** Styles kept built (each one is a citeproc engine). */
const MAX_STYLES = 8;

const isStyleText = (v: unknown) => isString(v) && v.length <= MAX_STYLE_CHARS;
const isLocales = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every(isStyleText);
const isItems = (v: unknown) => Array.isArray(v) && v.length <= MAX_KEYS && v.every((i) => !!i && typeof i === 'object' && (isString((i as { id?: unknown }).id) || isNumber((i as { id?: unknown }).id)));
const isLimit = (v: unknown) => isNumber(v) && v >= 0 && v <= MAX_LIMIT;
const isKeys = (v: unknown) => isStringArray(v) && v.length <= MAX_KEYS;
const isBytes = (v: unknown) => v instanceof Uint8Array;
const isFailure = (v: unknown): boolean => {
  if (!v || typeof v !== 'object') return false;
  const k = (v as { kind?: unknown }).kind;
  return k === 'folder' || k === 'missing' || (k === 'unreadable' && isString((v as { message?: unknown }).message));
};
const isReadRequest = (v: unknown): boolean => {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  if (!isString(r.file) || !isString(r.label)) return false;
  const given = [r.text !== undefined, r.bytes !== undefined, r.fsPath !== undefined, r.failure !== undefined, r.edits !== undefined].filter(Boolean).length;
  if (given !== 1) return false;
  return (
    (r.text === undefined || isString(r.text)) &&
    (r.bytes === undefined || isBytes(r.bytes)) &&
    (r.fsPath === undefined || isString(r.fsPath)) &&
    (r.failure === undefined || isFailure(r.failure)) &&
    (r.edits === undefined || isEdits(r.edits)) &&
    (r.version === undefined || isNumber(r.version)) &&
    (r.stamp === undefined || isStamp(r.stamp))
  );
};
const isStamp = (v: unknown): boolean => !!v && typeof v === 'object' && isNumber((v as FileStamp).size) && isNumber((v as FileStamp).mtime);
const isEdits = (v: unknown): boolean => {
  if (!v || typeof v !== 'object') return false;
  const e = v as DocumentEdits;
  const base = e.base as { version?: unknown; disk?: unknown } | undefined;
  if (!base || typeof base !== 'object' || !(isNumber(base.version) || isStamp(base.disk))) return false;
  if (!isNumber(e.version) || !isNumber(e.length) || !Array.isArray(e.changes) || e.changes.length > MAX_KEYS) return false;
  return e.changes.every((c) => !!c && typeof c === 'object' && isNumber(c.offset) && c.offset >= 0 && isNumber(c.length) && c.length >= 0 && isString(c.text));
};

/** Argument checks per method: a request whose arguments do not fit is answered with an error. */
const ARGUMENTS: { [M in CatalogMethod]: Array<(v: unknown) => boolean> } = {
  read: [isReadRequest],
  forget: [isString],
  status: [],
  search: [isString, isLimit],
  newest: [isLimit],
  paper: [isString],
  papers: [isKeys],
  keyInfo: [isString],
  judge: [isKeys, (v) => v === null || isKeys(v)],
  nearest: [isString, isLimit],
  keyAt: [isString, (v) => isNumber(v) && v >= 0],
  libraryQuery: [validQuery, isLimit],
  libraryPage: [validQuery, (v) => isNumber(v) && v >= 0, isLimit],
  facetValues: [validQuery, (v) => (FACET_KINDS as readonly unknown[]).includes(v), isString],
  paperLink: [isString],
  fileEntries: [isString],
  memory: [],
  styleBuild: [isString, isStyleText, isLocales],
  styleFormat: [isString, (v) => v === 'bibliography' || v === 'citation', isItems],
};

/** Why a raw message is not a request the catalog answers, or undefined when it is one. */
export function requestProblem(raw: unknown): string | undefined {
  if (!raw || typeof raw !== 'object') return 'a request must be an object';
  const r = raw as Record<string, unknown>;
  if (!isNumber(r.id)) return 'a request needs a numeric id';
  if (!isString(r.method) || !Object.prototype.hasOwnProperty.call(ARGUMENTS, r.method)) return `unknown method ${JSON.stringify(String(r.method)).slice(0, 80)}`;
  const checks = ARGUMENTS[r.method as CatalogMethod];
  if (!Array.isArray(r.args) || r.args.length > checks.length) return `${r.method}: expected ${checks.length} argument(s)`;
  for (let i = 0; i < checks.length; i++) if (!checks[i](r.args[i])) return `${r.method}: argument ${i + 1} is not valid`;
  return undefined;
}

/** How the service reads: by the environment (a path needs Node's fs and the cache; bytes and text work anywhere). */
export interface ReadEnvironment {
  pause: () => Promise<void>;
  sliceMs: number;
  /** Reads a local path (the Node worker: with the persistent cache). Without it, paths are refused. */
  readPath?(file: string, fsPath: string, collection: IncrementalCollection): Promise<ReadOutcome>;
  /** A text was read that differs from the disk (the cache must not describe it). */
  documentRead?(file: string): void;
  /** A file is no longer tracked. */
  forgotten?(file: string): void;
  memory(): CatalogMemory;
  /**
   * After each reading, applied (true) or found stale: for example to store it in the cache
   * with its index lists, or to collect the garbage a big one left.
   */
  afterRead?(file: string, applied: boolean): void;
}

/** Answers catalog requests: reads collections into the catalog and answers questions about it. */
export class CatalogService {
  readonly catalog = new Catalog();
  private readonly collections = new Map<string, IncrementalCollection>();
  private readonly serial = new SerialPerKey();
  private abstractsRunning = false;
  private readonly styles = new Map<string, Promise<CitationStyle>>();
  /** What each file's last reading was read from: a document version, or the file on disk as stamped. */
  private readonly bases = new Map<string, { version: number } | { disk: FileStamp }>();

  constructor(private readonly env: ReadEnvironment) {}

  /** One answer per request, whatever it holds. */
  async handle(raw: unknown): Promise<CatalogReply> {
    const id = raw && typeof raw === 'object' && isNumber((raw as { id?: unknown }).id) ? (raw as { id: number }).id : -1;
    const problem = requestProblem(raw);
    if (problem) return { id, ok: false, error: `Bad catalog request: ${problem}.` };
    const request = raw as CatalogRequest;
    try {
      return { id, ok: true, value: await this.answer(request) };
    } catch (e) {
      return { id, ok: false, error: (e as Error)?.message ?? String(e) };
    }
  }

  private async answer(r: CatalogRequest): Promise<unknown> {
    const c = this.catalog;
    const a = r.args as unknown[];
    switch (r.method) {
      case 'read':
        return this.read(a[0] as ReadRequest);
      case 'forget':
        return this.forget(a[0] as string);
      case 'status':
        return c.status();
      case 'search':
        return c.search(a[0] as string, a[1] as number);
      case 'newest':
        return c.newest(a[0] as number);
      case 'paper':
        return c.paper(a[0] as string);
      case 'papers':
        return c.papers(a[0] as string[]);
      case 'keyInfo':
        return c.keyInfo(a[0] as string);
      case 'judge':
        return c.judge(a[0] as string[], (a[1] as string[] | null) ?? undefined);
      case 'nearest':
        return c.nearest(a[0] as string, a[1] as number);
      case 'keyAt':
        return c.keyAt(a[0] as string, a[1] as number);
      case 'libraryQuery':
        await c.preparePages();
        return c.libraryQuery(a[0] as LibraryQuery, a[1] as number);
      case 'libraryPage':
        await c.preparePages();
        return c.libraryPage(a[0] as LibraryQuery, a[1] as number, a[2] as number);
      case 'facetValues':
        await c.preparePages();
        return c.facetValues(a[0] as LibraryQuery, a[1] as FacetKind, a[2] as string);
      case 'paperLink':
        return c.paperLink(a[0] as string);
      case 'fileEntries':
        return c.fileEntries(a[0] as string);
      case 'memory':
        return this.env.memory();
      case 'styleBuild':
        return (await this.buildStyle(a[0] as string, a[1] as string, a[2] as Record<string, string>)).info;
      case 'styleFormat': {
        const style = this.styles.get(a[0] as string);
        if (!style) throw new Error(`${UNKNOWN_STYLE} ${a[0] as string}`);
        const items = a[2] as CslItem[];
        return a[1] === 'citation' ? (await style).citation(items) : (await style).bibliography(items);
      }
    }
  }

  /**
   * Readings run one after another (each of a file is a change to the one before; and each
   * answer's status then includes every reading answered before it). Questions are answered
   * in between, while a reading pauses.
   */
  private read(req: ReadRequest): Promise<ReadAnswer> {
    return this.serial.run(CHANGES, async () => {
      const readStart = Date.now();
      const outcome = await this.readOutcome(req);
      const applyStart = Date.now();
      if (outcome.kind === 'needsText') return outcome;
      this.bases.delete(req.file);
      if (outcome.kind !== 'read') {
        // Whatever comes next is read whole; the entries stay until the host forgets the file.
        this.collections.delete(req.file);
        return outcome;
      }
      const { patch, encoding, source, index } = outcome;
      const options: ApplyOptions = { pause: this.env.pause, sliceMs: this.env.sliceMs, label: req.label, encoding, index };
      const change = await this.catalog.apply(req.file, patch, options);
      this.env.afterRead?.(req.file, change !== undefined);
      if (!change) {
        this.collections.delete(req.file);
        return { kind: 'stale' };
      }
      const stamp = outcome.stamp ?? req.stamp;
      if (req.edits) this.bases.set(req.file, { version: req.edits.version });
      else if (req.text !== undefined && req.version !== undefined) this.bases.set(req.file, { version: req.version });
      // An editor shows a UTF-8 file's text as it was read here (other encodings it may decode otherwise).
      else if (req.text === undefined && stamp && encoding === 'UTF-8') this.bases.set(req.file, { disk: stamp });
      this.indexAbstractsSoon();
      const problems = this.catalog.problemsOf(req.file);
      return {
        kind: 'read',
        source,
        encoding,
        full: patch.full,
        entries: patch.entryCount,
        reRead: patch.added.count,
        problems: problems.length,
        firstProblems: patch.full ? problems.slice(0, 50) : [],
        change,
        timing: { readMs: applyStart - readStart, applyMs: Date.now() - applyStart },
      };
    });
  }

  private async readOutcome(req: ReadRequest): Promise<ReadOutcome | { kind: 'needsText' }> {
    if (req.failure) return req.failure;
    let collection = this.collections.get(req.file);
    if (!collection) this.collections.set(req.file, (collection = new IncrementalCollection(req.file)));
    const slices = { pause: this.env.pause, sliceMs: this.env.sliceMs };
    if (req.edits) {
      const text = editedText(collection.currentText(), this.bases.get(req.file), req.edits);
      if (text === undefined) return { kind: 'needsText' };
      this.env.documentRead?.(req.file);
      return { kind: 'read', patch: await collection.update(text, slices), encoding: 'UTF-8', source: 'document' };
    }
    if (req.text !== undefined) {
      this.env.documentRead?.(req.file);
      return { kind: 'read', patch: await collection.update(req.text, slices), encoding: 'UTF-8', source: 'document' };
    }
    if (req.bytes !== undefined) {
      const binary = binaryReason(req.bytes);
      if (binary) return { kind: 'unreadable', message: binary };
      const decoded = await decodeCollectionInSlices(req.bytes, this.env.pause);
      return { kind: 'read', patch: await collection.update(decoded.text, slices), encoding: decoded.encoding, source: 'disk' };
    }
    if (!this.env.readPath) return { kind: 'unreadable', message: 'this reader cannot read local paths' };
    return this.env.readPath(req.file, req.fsPath!, collection);
  }

  private forget(file: string): Promise<CatalogChange> {
    return this.serial.run(CHANGES, async () => {
      this.collections.delete(file);
      this.bases.delete(file);
      this.env.forgotten?.(file);
      return this.catalog.remove(file);
    });
  }

  private buildStyle(id: string, xml: string, locales: Record<string, string>): Promise<CitationStyle> {
    let style = this.styles.get(id);
    if (!style) {
      if (this.styles.size >= MAX_STYLES) this.styles.delete(this.styles.keys().next().value!);
      style = loadCitationStyle(xml, (lang) => locales[lang]);
      this.styles.set(id, style);
      // A style that fails is built again when asked again (the file may be fixed).
      style.catch(() => this.styles.get(id) === style && this.styles.delete(id));
    }
    return style;
  }

  private indexAbstractsSoon(): void {
    if (this.abstractsRunning) return;
    this.abstractsRunning = true;
    setTimeout(() => {
      this.catalog.indexAbstracts({ sliceMs: 30 }).finally(() => {
        this.abstractsRunning = false;
        if (this.catalog.abstractsPending > 0) this.indexAbstractsSoon();
      });
    }, 0);
  }
}

/**
 * The text `edits` make of `text` (the file's last reading, read from `base`), or undefined
 * when that is not their base or they do not fit it.
 */
function editedText(text: string | undefined, base: { version: number } | { disk: FileStamp } | undefined, edits: DocumentEdits): string | undefined {
  if (text === undefined || !base) return undefined;
  const wanted = edits.base;
  const same =
    'version' in wanted ? 'version' in base && base.version === wanted.version : 'disk' in base && base.disk.size === wanted.disk.size && Math.abs(base.disk.mtime - wanted.disk.mtime) < 1;
  if (!same) return undefined;
  for (const c of edits.changes) {
    if (c.offset + c.length > text.length) return undefined;
    text = text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);
  }
  return text.length === edits.length ? text : undefined;
}

export type { CatalogChange, CatalogStatus, KeyInfo, KeyVerdict, PaperView, ProblemView };
