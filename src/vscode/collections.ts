/**
 * Finds, reads and watches the workspace's paper collections and keeps the library model
 * and the search index current. Uses only `vscode.workspace.fs`, so it runs in the desktop
 * and the web-worker extension hosts alike.
 */
import * as vscode from 'vscode';
import { bibReferences } from '../core/bibrefs';
import { LineIndexHolder, MovableEntry } from '../core/entries';
import { FlatEntryReader } from '../core/flat';
import { hasGlobCharacters, matchesGlob } from '../core/glob';
import { CollectionPatch, spliceEntries } from '../core/incremental';
import { FileChange, Library } from '../core/library';
import { Diagnostic as CoreDiagnostic, LineIndex, ParseResult } from '../core/model';
import { PaperIndex } from '../core/search';
import { CollectionReader, InThreadReader, pause, ReadOutcome, SLICE_MS } from './collectionReader';
import { CiteLensContext, readSettings, syntaxOf } from './context';
import { folderOf, namedCollectionUris, resolveRelative } from './paths';
import { applyCollectionSetting, readDiagnosticSettings } from './diagnosticSettings';

const WORKSPACE_GLOB = '**/*.{bib,bibtex,biblatex}';
/** Typst documents whose `#bibliography` collections are read from the start (see findWorkspaceCollections). */
const TYPST_GLOB = '**/*.typ';
const MAX_TYPST_FILES = 2000;
/** Debounce for re-reading an edited `.bib` or a document's bibliography lines. */
const EDIT_DELAY_MS = 250;
/** Debounce for a collection changed on disk (saves and tools write in bursts, not keystrokes). */
const DISK_DELAY_MS = 50;

type Origin = 'workspace' | 'setting' | 'document';
/** A reader's answer and when the reading started (for the log). */
type Reading = { outcome: ReadOutcome; started: number };

export class WorkspaceCollections implements vscode.Disposable {
  readonly library = new Library();
  readonly index = new PaperIndex();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the library and the index changed. */
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('citelens');
  /** Why each tracked collection is read (a file may have several reasons). */
  private readonly origins = new Map<string, Set<Origin>>();
  private readonly namedWatchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly encodings = new Map<string, string>();
  /** Reads are serialised so the model sees file versions in order. */
  private queue: Promise<void> = Promise.resolve();
  private abstractsRunning = false;
  private readyPromise: Promise<void> | undefined;
  private initialDone = false;
  private disposed = false;

  /** Counts readings requested or scheduled per file (older failed readings are then ignored). */
  private readonly readSequence = new Map<string, number>();
  /** Each tracked file's entries (in source order) and its current line index. */
  private readonly fileStates = new Map<string, { entries: MovableEntry[]; holder: LineIndexHolder }>();

  constructor(
    private readonly ctx: CiteLensContext,
    private readonly reader: CollectionReader = new InThreadReader(),
  ) {
    ctx.own(this);
    ctx.own(reader);
  }

  /** Resolves when the first full read has finished (completion waits for it). */
  whenReady(): Promise<void> {
    return this.readyPromise ?? Promise.resolve();
  }

  get isReady(): boolean {
    return this.initialDone;
  }

  /** Starts the first scan after activation returns, and the watchers. */
  start(): void {
    this.readyPromise = new Promise((resolve) => {
      setTimeout(() => {
        this.initialScan().then(
          () => {
            this.initialDone = true;
            resolve();
          },
          (e) => {
            this.ctx.log(`Indexing failed: ${(e as Error).stack ?? e}`);
            this.initialDone = true;
            resolve();
          },
        );
      }, 0);
    });
    this.watch();
  }

  private async initialScan(): Promise<void> {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'CiteLens: indexing papers' }, async (progress) => {
      const started = Date.now();
      const files = await this.findWorkspaceCollections();
      for (const doc of vscode.workspace.textDocuments) this.collectNamed(doc, files);
      const total = files.size;
      let done = 0;
      // All readings are requested at once (the reader thread works ahead); they apply in order.
      const applied: Promise<void>[] = [];
      for (const [uri, origins] of files) {
        for (const o of origins) this.addOrigin(uri, o);
        if (origins.has('document')) this.watchNamed(vscode.Uri.parse(uri));
        applied.push(
          this.enqueueRead(vscode.Uri.parse(uri)).then(() => progress.report({ message: `${++done}/${total} ${vscode.workspace.asRelativePath(vscode.Uri.parse(uri))}` })),
        );
      }
      await Promise.all(applied);
      this.ctx.log(`Indexed ${this.library.size} papers from ${this.library.files.length} collection(s) in ${Date.now() - started} ms.`);
    });
  }

  /** Every `.bib` in the workspace folders (minus excludes), the collections Typst documents name, and the files of `citelens.bibliographies`. */
  private async findWorkspaceCollections(): Promise<Map<string, Set<Origin>>> {
    const found = new Map<string, Set<Origin>>();
    const add = (uri: vscode.Uri, origin: Origin) => {
      const key = uri.toString();
      let set = found.get(key);
      if (!set) found.set(key, (set = new Set()));
      set.add(origin);
    };
    // `undefined` as exclude applies `files.exclude`; ours are applied on top.
    for (const uri of await vscode.workspace.findFiles(WORKSPACE_GLOB, undefined)) {
      if (!this.isExcluded(uri)) add(uri, 'workspace');
    }
    // Typst projects keep their Hayagriva files beside the documents and name them only in
    // the main file: a chapter opened alone must still see them.
    for (const uri of await vscode.workspace.findFiles(TYPST_GLOB, undefined, MAX_TYPST_FILES)) {
      if (this.isExcluded(uri)) continue;
      let text: string;
      try {
        text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      for (const named of namedCollectionUris(uri, bibReferences(text, 'typst'))) add(named, 'document');
    }
    const settings = readSettings();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const entry of settings.bibliographies) {
        if (hasGlobCharacters(entry)) {
          for (const uri of await vscode.workspace.findFiles(new vscode.RelativePattern(folder, entry), undefined)) add(uri, 'setting');
        } else {
          const uri = resolveRelative(folder.uri, entry);
          if (uri) add(uri, 'setting');
          else this.ctx.log(`citelens.bibliographies: cannot resolve '${entry}' (use a path relative to the workspace folder, or an absolute one).`);
        }
      }
    }
    return found;
  }

  private isExcluded(uri: vscode.Uri): boolean {
    const relative = vscode.workspace.asRelativePath(uri, false);
    if (/(^|\/)node_modules\//.test(relative)) return true;
    return readSettings().exclude.some((glob) => matchesGlob(relative, glob));
  }

  private addOrigin(uri: string, origin: Origin): void {
    let set = this.origins.get(uri);
    if (!set) this.origins.set(uri, (set = new Set()));
    set.add(origin);
  }

  private watch(): void {
    const watcher = this.ctx.own(vscode.workspace.createFileSystemWatcher(WORKSPACE_GLOB));
    const onFile = (uri: vscode.Uri) => {
      if (this.isExcluded(uri) && !this.origins.has(uri.toString())) return;
      this.addOrigin(uri.toString(), 'workspace');
      this.scheduleRead(uri);
    };
    watcher.onDidCreate(onFile);
    watcher.onDidChange((uri) => {
      // An open, unsaved document is the truth until it is saved or closed.
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.isDirty) return;
      onFile(uri);
    });
    watcher.onDidDelete((uri) => this.forget(uri.toString(), 'workspace'));

    this.ctx.own(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const uri = e.document.uri.toString();
        if (this.origins.has(uri) && e.contentChanges.length) this.scheduleRead(e.document.uri, e.document);
        else if (syntaxOf(e.document)) this.scheduleNamedScan(e.document);
      }),
    );
    this.ctx.own(vscode.workspace.onDidOpenTextDocument((doc) => syntaxOf(doc) && this.scheduleNamedScan(doc)));
    this.ctx.own(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        // Unsaved edits were discarded: the file on disk is the truth again.
        if (this.origins.has(doc.uri.toString())) this.scheduleRead(doc.uri);
      }),
    );
    this.ctx.own(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('citelens.exclude') || e.affectsConfiguration('citelens.bibliographies') || e.affectsConfiguration('files.exclude')) void this.rescan();
      }),
    );
    this.ctx.own(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan()));
  }

  /** Re-reads everything (settings or folders changed). */
  async rescan(): Promise<void> {
    const files = await this.findWorkspaceCollections();
    for (const [uri, set] of this.origins) {
      for (const o of ['workspace', 'setting'] as const) if (set.has(o) && !files.get(uri)?.has(o)) this.forget(uri, o);
    }
    const applied: Promise<void>[] = [];
    for (const [uri, origins] of files) {
      for (const o of origins) this.addOrigin(uri, o);
      if (origins.has('document')) this.watchNamed(vscode.Uri.parse(uri));
      applied.push(this.enqueueRead(vscode.Uri.parse(uri)));
    }
    await Promise.all(applied);
  }

  private scheduleNamedScan(doc: vscode.TextDocument): void {
    this.debounce(`named:${doc.uri.toString()}`, () => {
      const files = new Map<string, Set<Origin>>();
      this.collectNamed(doc, files);
      for (const [uri] of files) {
        if (!this.origins.get(uri)?.has('document')) {
          this.addOrigin(uri, 'document');
          this.watchNamed(vscode.Uri.parse(uri));
          void this.enqueueRead(vscode.Uri.parse(uri));
        }
      }
    });
  }

  /** Adds the collections a LaTeX/Markdown/Typst document names to `into`. */
  private collectNamed(doc: vscode.TextDocument, into: Map<string, Set<Origin>>): void {
    const syntax = syntaxOf(doc);
    if (!syntax) return;
    for (const resolved of namedCollectionUris(doc.uri, bibReferences(doc.getText(), syntax))) {
      const uri = resolved.toString();
      if (!into.has(uri)) into.set(uri, new Set());
      into.get(uri)!.add('document');
    }
  }

  /** Collections outside the workspace, and named ones the workspace watcher does not look for (CSL-JSON, Hayagriva), get a watcher of their own. */
  private watchNamed(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.namedWatchers.has(key) || (vscode.workspace.getWorkspaceFolder(uri) && /\.(bib|bibtex|biblatex)$/i.test(uri.path))) return;
    const dir = folderOf(uri);
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, name));
    w.onDidChange(() => this.scheduleRead(uri));
    w.onDidCreate(() => this.scheduleRead(uri));
    w.onDidDelete(() => this.forget(key, 'document'));
    this.namedWatchers.set(key, w);
  }

  private debounce(id: string, fn: () => void, delay = EDIT_DELAY_MS): void {
    const old = this.timers.get(id);
    if (old) clearTimeout(old);
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        if (!this.disposed) fn();
      }, delay),
    );
  }

  private scheduleRead(uri: vscode.Uri, doc?: vscode.TextDocument): void {
    // A reading is coming: an older one that found the file missing must not drop it now.
    const key = uri.toString();
    this.readSequence.set(key, (this.readSequence.get(key) ?? 0) + 1);
    this.debounce(`read:${uri.toString()}`, () => void this.enqueueRead(uri, doc), doc ? EDIT_DELAY_MS : DISK_DELAY_MS);
  }

  /**
   * Reading starts at once (the reader thread parses the next file while the main thread
   * applies the previous one); readings are applied one at a time, in the order requested.
   */
  private enqueueRead(uri: vscode.Uri, doc?: vscode.TextDocument): Promise<void> {
    const key = uri.toString();
    const sequence = (this.readSequence.get(key) ?? 0) + 1;
    this.readSequence.set(key, sequence);
    const reading = this.startReading(uri, doc);
    const run = this.queue.then(() => this.applyReading(uri, reading, sequence));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts reading a collection (from the open document when it has unsaved edits). */
  private startReading(uri: vscode.Uri, doc?: vscode.TextDocument): Promise<Reading | undefined> {
    const key = uri.toString();
    if (this.disposed || !this.origins.has(key)) return Promise.resolve(undefined);
    const open = doc ?? vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && d.isDirty);
    const started = Date.now();
    return this.reader.read(uri, open?.getText()).then((outcome) => ({ outcome, started }));
  }

  /** Applies one reading (a collection changed, missing or unreadable) to the library, the index and the log. */
  private async applyReading(uri: vscode.Uri, pending: Promise<Reading | undefined>, sequence: number): Promise<void> {
    const reading = await pending;
    const key = uri.toString();
    if (!reading || this.disposed || !this.origins.has(key)) return;
    const { outcome, started } = reading;
    // A file missing (or unreadable) when this reading started may exist again by now: a
    // newer reading is queued and decides.
    if (outcome.kind !== 'read' && this.readSequence.get(key) !== sequence) return;
    switch (outcome.kind) {
      case 'folder':
        this.ctx.log(`Skipped ${this.label(uri)}: it is a folder, not a collection file.`);
        this.drop(key);
        return;
      case 'missing':
        this.ctx.log(`${this.label(uri)} does not exist${this.origins.get(key)?.has('document') ? ' (named by a document)' : ''}.`);
        this.drop(key);
        return;
      case 'unreadable':
        this.ctx.log(`Cannot read ${this.label(uri)}: ${outcome.message}.`);
        this.drop(key);
        // One clear problem on the file itself (a binary file named .bib, permission denied);
        // it goes when the file is read again or deleted.
        this.diagnostics.set(uri, [unreadableDiagnostic(outcome.message)]);
        return;
    }
    const { patch, encoding } = outcome;
    const result = await this.applyPatch(key, patch, encoding);
    if (!result) return;
    this.encodings.set(key, encoding);
    const problems = result.diagnostics.length;
    const how = outcome.source === 'cache' ? ', from the cache' : patch.full ? '' : `, ${patch.added.count} re-read`;
    this.ctx.log(`Read ${this.label(uri)}: ${result.entries.length} entries, ${problems} problem${problems === 1 ? '' : 's'} (${Date.now() - started} ms${how}).`);
    if (patch.full) {
      for (const d of result.diagnostics.slice(0, 50)) this.ctx.log(`  ${this.label(uri)}:${d.line + 1}:${d.column + 1} ${d.severity}: ${d.message}`);
      if (problems > 50) this.ctx.log(`  … and ${problems - 50} more (see the Problems view).`);
    }
  }

  /**
   * Applies a reading to the library and the index: rebuilds the new entries, moves the
   * kept ones, and for a large reading works in slices of about SLICE_MS, yielding between
   * them so the extension host stays responsive.
   */
  private async applyPatch(key: string, patch: CollectionPatch, encoding: string): Promise<ParseResult | undefined> {
    const dependents = new Set<string>();
    const keys = new Set<string>();
    const record = (change: FileChange) => {
      change.dependentFiles.forEach((f) => dependents.add(f));
      change.keys.forEach((k) => keys.add(k));
    };
    let state = this.fileStates.get(key);
    if (!patch.full && !state) {
      // A change to a reading this side no longer has (the file was dropped meanwhile): read it whole.
      this.reader.forget(vscode.Uri.parse(key));
      this.scheduleRead(vscode.Uri.parse(key));
      return undefined;
    }
    if (patch.full || !state) {
      const previous = state;
      state = { entries: [], holder: { lineIndex: LineIndex.fromStarts(patch.lineStarts, patch.lineCount) } };
      this.fileStates.set(key, state);
      if (previous) {
        // Everything goes: drop the old entries first (in slices), then add as for a new file.
        const old = this.library.fileResult(key);
        await this.inSlices(previous.entries, (batch) => {
          if (old) record(this.library.patchFile(old, batch, []));
          this.index.patchFile(key, batch, []);
        });
      }
    } else {
      state.holder.lineIndex = LineIndex.fromStarts(patch.lineStarts, patch.lineCount);
    }
    const reader = new FlatEntryReader(patch.added, key, patch.format, state.holder);
    while (reader.next(SLICE_MS)) await pause();
    if (this.disposed || this.fileStates.get(key) !== state) return undefined;
    const spliced = patch.full ? { entries: reader.entries, removed: [] as MovableEntry[] } : spliceEntries(state.entries, patch, reader.entries);
    state.entries = spliced.entries;
    const diagnostics = patch.diagnostics.slice();
    if (encoding !== 'UTF-8' && encoding !== 'UTF-16LE' && encoding !== 'UTF-16BE') {
      diagnostics.unshift({ file: key, span: { start: 0, end: 0 }, line: 0, column: 0, severity: 'information', code: 'encoding', message: `This file is not valid UTF-8; it was read as ${encoding}.` });
    }
    const holder = state.holder;
    const result: ParseResult = {
      file: key,
      format: patch.format,
      entries: state.entries,
      diagnostics,
      strings: patch.strings,
      preambles: patch.preambles,
      get lineIndex() {
        return holder.lineIndex;
      },
    };

    // The library sees the new reading at once (entries added below are attached in slices).
    record(this.library.patchFile(result, spliced.removed, []));
    if (spliced.removed.length) this.index.patchFile(key, spliced.removed, []);
    await this.inSlices(reader.entries, (batch) => {
      record(this.library.patchFile(result, [], batch));
      this.index.patchFile(key, [], this.library.papersFor(batch));
    });
    dependents.delete(key);
    for (const file of dependents) this.index.replaceFile(file, this.library.papersOf(file));
    this.afterChange(this.library.filesAffectedBy(key, keys));
    return result;
  }

  /** Runs `work` over `items` in batches, yielding whenever SLICE_MS has passed. */
  private async inSlices<T>(items: readonly T[], work: (batch: T[]) => void): Promise<void> {
    const BATCH = 250;
    let sliceStart = Date.now();
    for (let i = 0; i < items.length; i += BATCH) {
      work(items.slice(i, i + BATCH));
      if (i + BATCH < items.length && Date.now() - sliceStart >= SLICE_MS) {
        await pause();
        sliceStart = Date.now();
      }
    }
  }

  private label(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri);
  }

  private forget(uri: string, origin: Origin): void {
    const set = this.origins.get(uri);
    if (!set) {
      // Untracked, but an unreadable file keeps its one problem until it goes.
      this.diagnostics.delete(vscode.Uri.parse(uri));
      return;
    }
    set.delete(origin);
    if (set.size === 0) this.drop(uri);
  }

  private drop(uri: string): void {
    this.origins.delete(uri);
    this.fileStates.delete(uri);
    this.reader.forget(vscode.Uri.parse(uri));
    this.namedWatchers.get(uri)?.dispose();
    this.namedWatchers.delete(uri);
    const change = this.library.removeFile(uri);
    this.index.removeFile(uri);
    if (change) for (const file of change.dependentFiles) this.index.replaceFile(file, this.library.papersOf(file));
    this.diagnostics.delete(vscode.Uri.parse(uri));
    this.afterChange();
  }

  /** `affected`: the only files whose problems may have changed (default: all). */
  private afterChange(affected?: Iterable<string>): void {
    this.publishDiagnostics(affected);
    this.indexAbstractsSoon();
    this.changed.fire();
  }

  /** Also called when `citelens.diagnostics.*` change (documentDiagnostics.ts). */
  publishDiagnostics(files: Iterable<string> = this.library.files): void {
    const settings = readDiagnosticSettings();
    for (const file of files) {
      const result = this.library.fileResult(file);
      if (!result) continue;
      const uri = vscode.Uri.parse(file);
      const shown: vscode.Diagnostic[] = [];
      for (const d of this.library.diagnostics(file)) {
        const v = applyCollectionSetting(toVscodeDiagnostic(d, result), settings);
        if (v) shown.push(v);
      }
      this.diagnostics.set(uri, shown);
    }
  }

  private indexAbstractsSoon(): void {
    if (this.abstractsRunning) return;
    this.abstractsRunning = true;
    setTimeout(() => {
      this.index.indexAbstracts({ sliceMs: 30 }).finally(() => {
        this.abstractsRunning = false;
        if (this.index.abstractsPending > 0 && !this.disposed) this.indexAbstractsSoon();
      });
    }, 0);
  }

  /** Tracked collections with their entry counts, for the status bar. */
  summary(): Array<{ uri: vscode.Uri; entries: number; encoding: string }> {
    return this.library.files.map((f) => ({ uri: vscode.Uri.parse(f), entries: this.library.entriesOf(f).length, encoding: this.encodings.get(f) ?? 'UTF-8' }));
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    for (const w of this.namedWatchers.values()) w.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}

const SEVERITY: Record<CoreDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(d: CoreDiagnostic, result: ParseResult): vscode.Diagnostic {
  const end = result.lineIndex.positionAt(d.span.end);
  const range = new vscode.Range(d.line, d.column, end.line, end.column);
  const diagnostic = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
  diagnostic.source = 'CiteLens';
  diagnostic.code = d.code;
  return diagnostic;
}

function unreadableDiagnostic(reason: string): vscode.Diagnostic {
  const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `CiteLens cannot read this collection: ${reason}. None of it is indexed.`, vscode.DiagnosticSeverity.Warning);
  d.source = 'CiteLens';
  d.code = 'unreadable';
  return d;
}
