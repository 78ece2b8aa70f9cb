/**
 * Finds and watches the workspace's paper collections and has the catalog read them (in its
 * worker thread in the Node host: catalogConnection.ts); publishes the collections' problems
 * and keeps the catalog's status for the status bar. Keeps no entries, papers or postings:
 * features ask `catalog`. Uses only `vscode.workspace.fs`, so it runs in both hosts.
 */
import * as vscode from 'vscode';
import { bibReferences } from '../core/bibrefs';
import { RememberedCollections, rememberedFor, rememberedName } from '../core/rememberedCollections';
import { CatalogChange, CatalogStatus, ProblemView, ReadAnswer, ReadFailure, ReadRequest } from '../core/catalogProtocol';
import { hasGlobCharacters, matchesGlob } from '../core/glob';
import { DocumentEditLog } from './documentEdits';
import { isCollectionFile } from '../core/collection';
import { InOrder } from '../core/serial';
import { CatalogConnection, InThreadCatalog } from './catalogConnection';
import { CiteLensContext, readSettings, syntaxOf } from './context';
import { folderOf, namedCollectionUris, resolveRelative } from './paths';
import { applyCollectionSetting, readDiagnosticSettings } from './diagnosticSettings';

const WORKSPACE_GLOB = '**/*.{bib,bibtex,biblatex}';
/** A file name WORKSPACE_GLOB matches. */
const WORKSPACE_COLLECTION_NAME = /\.(bib|bibtex|biblatex)$/;
/** Typst documents whose `#bibliography` collections are read from the start (see findWorkspaceCollections). */
const TYPST_GLOB = '**/*.typ';
const MAX_TYPST_FILES = 2000;
/** Debounce for re-reading an edited `.bib` or a document's bibliography lines. */
const EDIT_DELAY_MS = 250;
/** Debounce for a collection changed on disk (saves and tools write in bursts, not keystrokes). */
const DISK_DELAY_MS = 50;
/** At most this many collections found by the last search are read before the next search answers. */
const MAX_REMEMBERED = 1000;
/** How long a reading's request waits for the one requested before it to be sent (a stat that never answers holds the others up for this long only). */
const SEND_ORDER_WAIT_MS = 3000;
/** How many folders the first start's shallow look lists at most (see shallowLook). */
const SHALLOW_LOOK_FOLDERS = 40;
/** Timeline events kept (the first read of a workspace; later events are not needed). */
const MAX_TIMELINE = 200;

type Origin = 'workspace' | 'setting' | 'document';
/** A reader's answer and when the reading started (for the log). */
type Reading = { answer: ReadAnswer; started: number };

export class WorkspaceCollections implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the catalog changed (a collection was read or dropped). */
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('citelens');
  /** Why each tracked collection is read (a file may have several reasons). */
  private readonly origins = new Map<string, Set<Origin>>();
  private readonly namedWatchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Reads are serialised so the catalog sees file versions in order. */
  private queue: Promise<void> = Promise.resolve();
  /** Readings' requests go to the catalog in the order they were made (see startReading). */
  private readonly sendOrder = new InOrder(SEND_ORDER_WAIT_MS);
  private readyPromise: Promise<void> | undefined;
  private initialDone = false;
  private disposed = false;
  /** The catalog's last status (papers, files with entry counts), for the status bar. */
  private lastStatus: CatalogStatus = { papers: 0, files: [], indexing: false, abstractsPending: 0 };
  /** Each collection's problems as the catalog last gave them (re-shown when the settings change). */
  private readonly problems = new Map<string, ProblemView[]>();

  /** Counts readings requested or scheduled per file (older failed readings are then ignored). */
  private readonly readSequence = new Map<string, number>();
  /** Open collections' changes, so that an edit sends the catalog its changes, not the whole text. */
  private readonly edits = new DocumentEditLog();
  /** How open documents' readings went to the catalog: as changes, or whole (tests and the benchmark). */
  readonly documentReadings = { edits: 0, texts: 0 };

  constructor(
    private readonly ctx: CiteLensContext,
    /** The catalog: features ask it (by typed messages) what they show. */
    readonly catalog: CatalogConnection = new InThreadCatalog(),
  ) {
    ctx.own(this);
    ctx.own(catalog);
    ctx.own(catalog.onDidRestart(() => this.readAllAgain()));
  }

  /** Resolves when the first full read has finished (completion waits for it). */
  whenReady(): Promise<void> {
    return this.readyPromise ?? Promise.resolve();
  }

  /** What the first read did when (ms since the epoch), for the log and the benchmark. */
  readonly timeline: Array<{ at: number; event: string }> = [];

  private mark(event: string): void {
    if (this.timeline.length < MAX_TIMELINE) this.timeline.push({ at: Date.now(), event });
  }

  get isReady(): boolean {
    return this.initialDone;
  }

  /** The first full read has started and not yet finished. */
  get isFirstReading(): boolean {
    return this.readyPromise !== undefined && !this.initialDone;
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
      this.mark('scan started');
      let done = 0;
      const applied: Promise<void>[] = [];
      const enqueued = new Set<string>();
      // All readings are requested at once (the reader thread works ahead); they apply in order.
      const readAll = (files: Map<string, Set<Origin>>) => {
        for (const [uri, origins] of files) {
          // Read early and still tracked: that reading stands (one dropped as missing is read again).
          const readingStands = enqueued.has(uri) && this.origins.has(uri);
          for (const o of origins) this.addOrigin(uri, o);
          if (origins.has('document')) this.watchNamed(vscode.Uri.parse(uri));
          if (readingStands) continue;
          enqueued.add(uri);
          applied.push(this.enqueueRead(vscode.Uri.parse(uri)).then(() => progress.report({ message: `${++done}/${enqueued.size} ${vscode.workspace.asRelativePath(vscode.Uri.parse(uri))}` })));
        }
      };
      // Searching the workspace for collections takes VS Code a second or two on a big
      // folder: the collections open documents name, and those the last session found, are
      // read meanwhile. What the search does not confirm goes again once it has answered.
      const early = new Map<string, Set<Origin>>();
      for (const doc of vscode.workspace.textDocuments) this.collectNamed(doc, early);
      const remembered = await this.rememberedCollections();
      for (const uri of remembered) {
        if (typeof uri !== 'string' || this.isExcluded(vscode.Uri.parse(uri))) continue;
        if (!early.has(uri)) early.set(uri, new Set());
        early.get(uri)!.add('workspace');
      }
      // A first start has no remembered collections: a shallow look at the folders (a few
      // directory listings) finds a project's .bib beside its documents in milliseconds.
      if (!remembered.length) {
        for (const uri of await this.shallowLook()) {
          if (!early.has(uri)) early.set(uri, new Set());
          early.get(uri)!.add('workspace');
        }
      }
      readAll(early);
      if (early.size) this.mark(`${early.size} collection(s) read before the search (open documents, the last session, a shallow look)`);
      const files = await this.findWorkspaceCollections();
      this.mark(`${files.size} collection(s) found`);
      for (const doc of vscode.workspace.textDocuments) this.collectNamed(doc, files);
      for (const [uri, origins] of early) {
        if (origins.has('workspace') && !files.get(uri)?.has('workspace')) this.forget(uri, 'workspace');
      }
      readAll(files);
      const found = [...files].filter(([, origins]) => origins.has('workspace')).map(([uri]) => uri);
      void this.rememberCollections(found);
      await Promise.all(applied);
      this.ctx.log(`Indexed ${this.lastStatus.papers} papers from ${this.lastStatus.files.length} collection(s) in ${Date.now() - started} ms.`);
    });
  }

  /**
   * Where the collections the last session's search found are kept: global storage, one file
   * per set of workspace folders. Not the workspace's storage, nor its state: code-server
   * names a workspace by its URL (host and port included), so a restart on another port
   * would find nothing; and workspace state is written back lazily.
   */
  private rememberedFile(): { uri: vscode.Uri; folders: string[] } | undefined {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
    if (!folders.length) return undefined;
    return { uri: vscode.Uri.joinPath(this.ctx.extension.globalStorageUri, 'workspaces', `${rememberedName(folders)}.json`), folders };
  }

  /**
   * Collection files in the workspace folders and up to two levels below them, found by
   * listing a bounded number of folders (hidden ones, node_modules and excluded ones skipped).
   * Only a head start: the workspace search decides what stays.
   */
  private async shallowLook(): Promise<string[]> {
    const found: string[] = [];
    const queue = (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri, depth: 0 }));
    const filesExclude = Object.entries(vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {})
      .filter(([, on]) => on === true)
      .map(([glob]) => glob);
    const excluded = (uri: vscode.Uri) => this.isExcluded(uri) || filesExclude.some((glob) => matchesGlob(vscode.workspace.asRelativePath(uri, false), glob));
    for (let listed = 0; queue.length && listed < SHALLOW_LOOK_FOLDERS; listed++) {
      const { uri, depth } = queue.shift()!;
      let entries: [string, vscode.FileType][];
      try {
        entries = await vscode.workspace.fs.readDirectory(uri);
      } catch {
        continue;
      }
      for (const [name, type] of entries) {
        const child = vscode.Uri.joinPath(uri, name);
        if (type & vscode.FileType.Directory) {
          if (depth < 2 && !name.startsWith('.') && name !== 'node_modules' && !(type & vscode.FileType.SymbolicLink) && !excluded(child)) queue.push({ uri: child, depth: depth + 1 });
        } else if (type & vscode.FileType.File && WORKSPACE_COLLECTION_NAME.test(name) && !excluded(child)) {
          found.push(child.toString());
        }
      }
    }
    return found;
  }

  private async rememberedCollections(): Promise<string[]> {
    const at = this.rememberedFile();
    if (!at) return [];
    try {
      return rememberedFor(JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(at.uri))), at.folders, MAX_REMEMBERED);
    } catch {
      return [];
    }
  }

  private async rememberCollections(collections: string[]): Promise<void> {
    const at = this.rememberedFile();
    if (!at) return;
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(at.uri, '..'));
      await vscode.workspace.fs.writeFile(at.uri, new TextEncoder().encode(JSON.stringify({ folders: at.folders, collections: collections.slice(0, MAX_REMEMBERED) } satisfies RememberedCollections)));
    } catch (e) {
      this.ctx.log(`Could not remember the workspace's collections: ${(e as Error).message}`);
    }
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
    // A folder deleted with collections inside is reported as the folder alone; a folder
    // created with files inside (copied, unpacked, checked out) may be too.
    const folders = this.ctx.own(vscode.workspace.createFileSystemWatcher('**/*', false, true, false));
    folders.onDidDelete((uri) => this.forgetInside(uri));
    folders.onDidCreate((uri) => {
      if (!/\.[^/.]+$/.test(uri.path)) void this.findInside(uri, onFile);
    });

    this.ctx.own(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const uri = e.document.uri.toString();
        if (isCollectionFile(e.document.uri.path)) this.edits.record(e);
        if (this.origins.has(uri) && e.contentChanges.length) this.scheduleRead(e.document.uri, e.document);
        else if (syntaxOf(e.document)) this.scheduleNamedScan(e.document);
      }),
    );
    const cleanCollection = (doc: vscode.TextDocument) => {
      if (!doc.isDirty && isCollectionFile(doc.uri.path)) this.edits.clean(doc);
    };
    vscode.workspace.textDocuments.forEach(cleanCollection);
    this.ctx.own(vscode.workspace.onDidSaveTextDocument(cleanCollection));
    this.ctx.own(
      vscode.workspace.onDidOpenTextDocument((doc) => {
        cleanCollection(doc);
        if (syntaxOf(doc)) this.scheduleNamedScan(doc);
      }),
    );
    this.ctx.own(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.edits.forget(doc.uri.toString());
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
    if (!this.initialDone) this.mark(`read of ${this.label(uri)} requested`);
    // Requests reach the catalog in the order they were made, even when one takes longer to
    // prepare (the web host fetches a file's bytes over the workbench connection): otherwise a
    // disk reading prepared before an edit could arrive after it and undo it.
    return this.sendOrder
      .run(this.readRequest(uri, open), (request) => (request === 'current' ? undefined : this.catalog.call('read', request)))
      .then((answer) => {
        if (!answer || answer.kind !== 'needsText' || !open) return answer;
        this.ctx.log(`The catalog did not hold the text ${this.label(uri)}'s changes were made to: sending the whole document.`);
        return this.catalog.call('read', this.textRequest(uri, open));
      })
      .then(
        (answer) => answer && { answer, started },
        (e: Error) => ({ answer: { kind: 'unreadable', message: e.message } as ReadAnswer, started }),
      );
  }

  /** What the catalog is given: the open document's text, a local path (the worker reads it), or the bytes read here. */
  private async readRequest(uri: vscode.Uri, open: vscode.TextDocument | undefined): Promise<ReadRequest | 'current'> {
    const file = uri.toString();
    const label = this.label(uri);
    if (open) {
      const edits = await this.edits.take(open);
      if (edits === 'current') return edits;
      if (!edits) return this.textRequest(uri, open);
      this.documentReadings.edits++;
      return { file, label, edits };
    }
    if (uri.scheme === 'file' && this.catalog.readsPaths) return { file, label, fsPath: uri.fsPath };
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) return { file, label, failure: { kind: 'folder' } };
      return { file, label, bytes: await vscode.workspace.fs.readFile(uri), stamp: { size: stat.size, mtime: stat.mtime } };
    } catch (e) {
      return { file, label, failure: readFailure(e) };
    }
  }

  /** An open document's whole text (its edits could not be sent, or the catalog asked for it). */
  private textRequest(uri: vscode.Uri, open: vscode.TextDocument): ReadRequest {
    this.edits.sentText(open);
    this.documentReadings.texts++;
    return { file: uri.toString(), label: this.label(uri), text: open.getText(), version: open.version };
  }

  /** Applies one reading's answer (a collection changed, missing or unreadable): problems, the log, listeners. */
  private async applyReading(uri: vscode.Uri, pending: Promise<Reading | undefined>, sequence: number): Promise<void> {
    const reading = await pending;
    const key = uri.toString();
    if (!reading || this.disposed) return;
    if (!this.origins.has(key)) {
      // Dropped while it was read (a remembered collection the search did not confirm, a
      // deleted file): its reading may have reached the catalog after the drop did.
      if (reading.answer.kind === 'read') {
        const change = await this.catalog.call('forget', key).catch(() => undefined);
        if (change && !this.disposed) this.afterChange(change);
      }
      return;
    }
    const { answer, started } = reading;
    // A file missing (or unreadable) when this reading started may exist again by now: a
    // newer reading is queued and decides.
    if (answer.kind !== 'read' && answer.kind !== 'stale' && this.readSequence.get(key) !== sequence) return;
    switch (answer.kind) {
      case 'needsText':
        // Only after the whole text was sent too: that is a catalog fault.
        this.ctx.log(`Cannot read ${this.label(uri)}: the catalog did not take the document's text.`);
        return;
      case 'stale':
        // A change to a reading the catalog no longer has (it restarted, or dropped the file): read it whole
        // (an open document's edit log must not answer 'current' for a text the catalog never got).
        this.edits.forget(key);
        await this.catalog.call('forget', key).catch(() => undefined);
        this.scheduleRead(uri);
        return;
      case 'folder':
        this.ctx.log(`Skipped ${this.label(uri)}: it is a folder, not a collection file.`);
        await this.drop(key);
        return;
      case 'missing':
        this.ctx.log(`${this.label(uri)} does not exist${this.origins.get(key)?.has('document') ? ' (named by a document)' : ''}.`);
        await this.drop(key);
        return;
      case 'unreadable':
        this.ctx.log(`Cannot read ${this.label(uri)}: ${answer.message}.`);
        await this.drop(key);
        // One clear problem on the file itself (a binary file named .bib, permission denied);
        // it goes when the file is read again or deleted.
        this.diagnostics.set(uri, [unreadableDiagnostic(answer.message)]);
        return;
    }
    this.afterChange(answer.change);
    this.mark(`read ${this.label(uri)} (${answer.source}; thread: read ${answer.timing.readMs} ms, applied ${answer.timing.applyMs} ms)`);
    const how = answer.source === 'cache' ? ', from the cache' : answer.full ? '' : `, ${answer.reRead} re-read`;
    this.ctx.log(`Read ${this.label(uri)}: ${answer.entries} entries, ${answer.problems} problem${answer.problems === 1 ? '' : 's'} (${Date.now() - started} ms${how}).`);
    for (const d of answer.firstProblems) this.ctx.log(`  ${this.label(uri)}:${d.line + 1}:${d.column + 1} ${d.severity}: ${d.message}`);
    if (answer.full && answer.problems > answer.firstProblems.length) this.ctx.log(`  … and ${answer.problems - answer.firstProblems.length} more (see the Problems view).`);
  }

  /** The catalog started again, empty (its thread died): read every tracked collection again. */
  private readAllAgain(): void {
    if (this.disposed) return;
    this.ctx.log('The catalog restarted: reading every collection again.');
    const applied = [...this.origins.keys()].map((uri) => this.enqueueRead(vscode.Uri.parse(uri)));
    void Promise.all(applied);
  }

  private label(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri);
  }

  /** Every tracked collection inside a deleted folder goes, whatever named it. */
  /** The collections inside a created folder (a file name with an extension is not looked into). */
  private async findInside(folder: vscode.Uri, found: (uri: vscode.Uri) => void): Promise<void> {
    try {
      if ((await vscode.workspace.fs.stat(folder)).type !== vscode.FileType.Directory) return;
      for (const uri of await vscode.workspace.findFiles(new vscode.RelativePattern(folder, WORKSPACE_GLOB), undefined)) {
        if (!this.origins.has(uri.toString())) found(uri);
      }
    } catch {
      // Gone again before we looked: nothing to read.
    }
  }

  private forgetInside(folder: vscode.Uri): void {
    const prefix = folder.toString().replace(/\/?$/, '/');
    for (const uri of [...this.origins.keys()]) {
      if (uri.startsWith(prefix)) void this.drop(uri);
    }
  }

  private forget(uri: string, origin: Origin): void {
    const set = this.origins.get(uri);
    if (!set) {
      // Untracked, but an unreadable file keeps its one problem until it goes.
      this.diagnostics.delete(vscode.Uri.parse(uri));
      return;
    }
    set.delete(origin);
    if (set.size === 0) void this.drop(uri);
  }

  private async drop(uri: string): Promise<void> {
    this.origins.delete(uri);
    this.namedWatchers.get(uri)?.dispose();
    this.namedWatchers.delete(uri);
    this.diagnostics.delete(vscode.Uri.parse(uri));
    this.problems.delete(uri);
    try {
      this.afterChange(await this.catalog.call('forget', uri));
    } catch (e) {
      this.ctx.log(`Dropping ${uri} from the catalog failed: ${(e as Error).message}`);
    }
  }

  private afterChange(change: CatalogChange): void {
    this.lastStatus = change.status;
    for (const file of change.removed) {
      this.problems.delete(file);
      if (!this.origins.has(file)) this.diagnostics.delete(vscode.Uri.parse(file));
    }
    for (const [file, list] of Object.entries(change.problems)) this.problems.set(file, list);
    this.publishDiagnostics(Object.keys(change.problems));
    this.changed.fire();
  }

  /** Shows the collections' problems as the settings want them (also called when `citelens.diagnostics.*` change). */
  publishDiagnostics(files: Iterable<string> = this.problems.keys()): void {
    const settings = readDiagnosticSettings();
    for (const file of files) {
      const list = this.problems.get(file);
      if (!list) continue;
      const shown: vscode.Diagnostic[] = [];
      for (const p of list) {
        const v = applyCollectionSetting(toVscodeDiagnostic(p), settings);
        if (v) shown.push(v);
      }
      this.diagnostics.set(vscode.Uri.parse(file), shown);
    }
  }

  /** The catalog's status after the last change (papers, and each collection's entries). */
  get status(): CatalogStatus {
    return this.lastStatus;
  }

  /** Is `file` a collection the catalog has read? */
  isTracked(file: string): boolean {
    return this.lastStatus.files.some((f) => f.file === file);
  }

  /** Tracked collections with their entry counts, for the status bar. */
  summary(): Array<{ uri: vscode.Uri; entries: number; encoding: string }> {
    return this.lastStatus.files.map((f) => ({ uri: vscode.Uri.parse(f.file), entries: f.entries, encoding: f.encoding }));
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    for (const w of this.namedWatchers.values()) w.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}

const SEVERITY: Record<ProblemView['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(p: ProblemView): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(new vscode.Range(p.line, p.column, p.endLine, p.endColumn), p.message, SEVERITY[p.severity]);
  diagnostic.source = 'CiteLens';
  diagnostic.code = p.code;
  return diagnostic;
}

/** A file the host could not read, as the catalog is told. */
function readFailure(e: unknown): ReadFailure {
  if (e instanceof vscode.FileSystemError && (e.code === 'FileNotFound' || e.code === 'EntryNotFound')) return { kind: 'missing' };
  if (e instanceof vscode.FileSystemError && e.code === 'FileIsADirectory') return { kind: 'folder' };
  return { kind: 'unreadable', message: (e as Error).message };
}

function unreadableDiagnostic(reason: string): vscode.Diagnostic {
  const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `CiteLens cannot read this collection: ${reason}. None of it is indexed.`, vscode.DiagnosticSeverity.Warning);
  d.source = 'CiteLens';
  d.code = 'unreadable';
  return d;
}

