/**
 * The in-host half of the end-to-end benchmark (issue 6): loaded by VS Code as
 * `extensionTestsPath` (bundled by bench/vscode/run.js into out/bench/vscode/suite.js), it
 * measures the extension through the real `vscode` API only, in whichever extension host runs it:
 *   - the longest block of the extension host's event loop while indexing (a lag monitor that
 *     starts when this module loads, which may be after activation: the gap is reported);
 *   - activation time and activation → first completion returning a known key (polled);
 *   - completion p50/p95 over 200 queries and hover p50/p95 over 200 keys, through
 *     `vscode.executeCompletionItemProvider` / `vscode.executeHoverProvider`;
 *   - edit-to-current: one entry's title changed on disk (and in an open document + save)
 *     until completion for a new title word returns that entry;
 *   - the extension host's memory after indexing.
 * Reads .bench/plan.json and .bench/run.json from the workspace (written by prepare.ts and
 * run.js), writes .bench/result-<phase>.json. A benchmark, not a test: nothing is asserted
 * beyond what is needed to measure (run() rejects only when it cannot measure).
 */
import * as vscode from 'vscode';
import { LagMonitor, Probe, round } from './lag';
import type { Plan, Query } from './prepare';

/** What the extension's activate() returns (only what the benchmark uses; timings may be absent). */
interface Api {
  collections: {
    whenReady(): Promise<void>;
    readonly isReady: boolean;
    readonly timeline?: ReadonlyArray<{ at: number; event: string }>;
    /** Before the catalog moved off the host (issue 11): the host's own model. */
    readonly library?: { readonly size: number };
    /** Since: the catalog's status and the catalog itself, asked by messages. */
    readonly status?: { readonly papers: number };
    readonly catalog?: { call(method: 'memory'): Promise<{ heapUsedMB: number; heapTotalMB: number; thread: string }> };
    readonly onDidChange: vscode.Event<void>;
  };
  timings?: { activateStart: number; activateEnd: number; hoverProviderMs?: readonly number[]; completionProviderMs?: readonly number[] };
}

function papersOf(api: Api): number | null {
  return api.collections.status?.papers ?? api.collections.library?.size ?? null;
}

interface RunConfig {
  phase: string;
  /** Measure edit-to-current (changes acl-anthology.bib; done in the last run only). */
  edits: boolean;
  /** After the measurements, time left to the extension to persist its cache before exit. */
  persistWaitMs: number;
  /** Only activation, first completion, indexing, event loop and memory (no latency series). */
  memoryOnly?: boolean;
}

const EXTENSION_ID = 'citelens.citelens';
const perfNow = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// First thing: the earliest the host lets a test module observe its event loop. When run.js
// installed the probe extension (activates on `*`, before CiteLens's workspaceContains), its
// monitor, started earlier, is used instead.
const moduleLoadedAt = Date.now();
const probe = (globalThis as { __citelensBenchProbe?: Probe }).__citelensBenchProbe;
const indexingLag: LagMonitor = probe?.monitor ?? new LagMonitor().start();

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
function stats(xs: number[]): Record<string, number | null> {
  return { n: xs.length, p50: round(percentile(xs, 50), 2), p95: round(percentile(xs, 95), 2), p99: round(percentile(xs, 99), 2), max: round(Math.max(...xs), 2), mean: round(xs.reduce((a, c) => a + c, 0) / xs.length, 2) };
}

function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** Node host only; the web-worker host has neither `process` nor `require`. */
function nodeProcess(): NodeJS.Process | undefined {
  return typeof process !== 'undefined' && typeof process.memoryUsage === 'function' ? process : undefined;
}

/** A gc function: the host's if exposed, else V8's flag set at run time (Node host only). */
function findGc(): { gc?: () => void; how: string } {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return { gc: g, how: 'global.gc' };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v8 = require('v8') as typeof import('v8');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vm = require('vm') as typeof import('vm');
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as () => void;
    return { gc: fn, how: "v8.setFlagsFromString('--expose-gc')" };
  } catch (e) {
    return { how: `no gc: ${(e as Error).message}` };
  }
}

function memory(): Record<string, number> | undefined {
  const p = nodeProcess();
  if (!p) return undefined;
  const m = p.memoryUsage();
  const mb = (x: number) => Math.round(x / 1048576);
  return { rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal), externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers) };
}

async function readJson<T>(uri: vscode.Uri): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as T;
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  const benchDir = vscode.Uri.joinPath(folder.uri, '.bench');
  const config = await readJson<RunConfig>(vscode.Uri.joinPath(benchDir, 'run.json'));
  const plan = await readJson<Plan>(vscode.Uri.joinPath(benchDir, 'plan.json'));
  const out: Record<string, unknown> = { phase: config.phase, host: nodeProcess() ? 'node' : 'web', notes: [] as string[] };
  const notes = out.notes as string[];
  try {
    await measure(folder, config, plan, out, notes);
  } catch (e) {
    out.error = (e as Error).stack ?? String(e);
    console.log(`[bench] FAILED: ${out.error}`);
  }
  const resultUri = vscode.Uri.joinPath(benchDir, `result-${config.phase}.json`);
  await vscode.workspace.fs.writeFile(resultUri, new TextEncoder().encode(JSON.stringify(out, null, 1)));
  console.log(`[bench] wrote ${resultUri.fsPath}`);
  if (out.error) throw new Error('benchmark failed (see the result file)');
}

async function measure(folder: vscode.WorkspaceFolder, config: RunConfig, plan: Plan, out: Record<string, unknown>, notes: string[]): Promise<void> {
  const log = (s: string) => console.log(`[bench:${config.phase}] ${s}`);
  const runStartedAt = Date.now();
  const p = nodeProcess();
  // When the extension host process started (Node host): an upper bound for activation's start.
  const hostStartedAt = p ? Date.now() - p.uptime() * 1000 : undefined;
  const memoryAtModuleLoad = memory();

  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  const activeWhenSuiteRan = ext.isActive;
  let activatedBySuite = false;
  // The extension activates on workspaceContains:**/*.bib; wait for that instead of
  // activating it ourselves, so that activation happens as it does for a user.
  const waitUntil = Date.now() + 60_000;
  while (!ext.isActive && Date.now() < waitUntil) await sleep(5);
  let activatedObservedAt = Date.now();
  let suiteActivateMs: number | undefined;
  if (!ext.isActive) {
    notes.push('the extension had not activated 60 s after the suite started; the suite activated it');
    activatedBySuite = true;
    const t = Date.now();
    await ext.activate();
    activatedObservedAt = Date.now();
    suiteActivateMs = activatedObservedAt - t;
  }
  const api = ext.exports;
  let readyAt: number | undefined;
  void api.collections.whenReady().then(() => (readyAt = Date.now()));
  const changes: number[] = [];
  const changeSub = api.collections.onDidChange(() => changes.push(Date.now()));

  const timings = api.timings;
  let origin: number;
  let originIs: string;
  if (timings && typeof timings.activateStart === 'number') {
    origin = timings.activateStart;
    originIs = 'activateStart (exports.timings)';
  } else if (activatedBySuite) {
    origin = activatedObservedAt - (suiteActivateMs ?? 0);
    originIs = 'the suite calling ext.activate() (no exports.timings)';
  } else if (probe?.citelensActiveObservedAt) {
    origin = probe.citelensActiveObservedAt;
    originIs = 'CiteLens seen active by the probe extension, i.e. when activate() returned (polled every 5 ms; no exports.timings)';
    notes.push('no exports.timings: times are from the end of activate() as the probe saw it, not its start; activation time itself is unknown');
  } else if (!activeWhenSuiteRan) {
    origin = activatedObservedAt;
    originIs = 'the suite seeing ext.isActive become true (polled every 5 ms; no exports.timings): activation had ended by then';
    notes.push('no exports.timings: times are from when the suite saw the extension active, i.e. after activate() returned; activation time itself is unknown');
  } else {
    origin = hostStartedAt ?? moduleLoadedAt;
    originIs = hostStartedAt ? 'the extension host process start (no exports.timings, extension already active when the suite loaded): an upper bound' : 'the suite module load';
    notes.push(`no exports.timings and the extension was already active when the suite loaded: times are from ${originIs}`);
  }
  const rel = (t: number | undefined) => (t === undefined ? null : Math.round(t - origin));
  out.origin = originIs;
  out.globalStorageRoot = probe?.globalStorageRoot ?? null;
  out.activation = {
    activateMs: timings ? timings.activateEnd - timings.activateStart : (suiteActivateMs ?? null),
    source: timings ? 'exports.timings' : activatedBySuite ? 'ext.activate() called by the suite' : 'unknown (no exports.timings)',
    activeWhenSuiteLoaded: activeWhenSuiteRan,
    hostStartToActivateStartMs: timings && hostStartedAt ? round(timings.activateStart - hostStartedAt, 0) : null,
    // Negative: the monitor was running before activation began (everything is covered).
    activateStartToLagMonitorStartMs: timings ? indexingLag.startedAt - timings.activateStart : null,
    lagMonitorStartedBy: probe ? 'probe extension (activates on *)' : 'suite module load',
    lagMonitorStartedAtMs: rel(indexingLag.startedAt),
    citelensActiveWhenMonitorStarted: probe ? probe.citelensActive : activeWhenSuiteRan,
    suiteModuleLoadedAtMs: rel(moduleLoadedAt),
    suiteRunStartedAtMs: rel(runStartedAt),
  };
  log(`extension active (${originIs}); activate ${JSON.stringify(out.activation)}`);

  // paper.tex in an editor, cursor inside \cite{…}.
  const texUri = vscode.Uri.joinPath(folder.uri, 'paper.tex');
  const texOpenedAt = Date.now();
  const doc = await vscode.workspace.openTextDocument(texUri);
  await vscode.window.showTextDocument(doc, { preview: false });
  const LINE = 2;
  async function setCite(text: string): Promise<vscode.Position> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, doc.lineAt(LINE).range, `See \\cite{${text}}.`);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('applyEdit failed');
    return new vscode.Position(LINE, 10 + text.length);
  }
  async function complete(position: vscode.Position): Promise<{ ms: number; labels: string[]; incomplete: boolean }> {
    const t = perfNow();
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, position);
    const ms = perfNow() - t;
    // Other providers (word-based suggestions) may add items; ours are references.
    const labels = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Reference).map(label);
    return { ms, labels, incomplete: !!list.isIncomplete };
  }

  // Activation → first completion that returns the expected key, polled.
  const pos = await setCite(plan.firstQuery);
  let attempts = 0;
  let firstAt: number | undefined;
  const firstDeadline = Date.now() + 180_000;
  const firstCalls: number[] = [];
  while (Date.now() < firstDeadline) {
    attempts++;
    const r = await complete(pos);
    firstCalls.push(r.ms);
    if (r.labels.includes(plan.firstKey)) {
      firstAt = Date.now();
      break;
    }
    await sleep(10);
  }
  out.firstCompletion = {
    query: plan.firstQuery,
    key: plan.firstKey,
    msFromOrigin: rel(firstAt),
    msFromTexOpen: firstAt === undefined ? null : firstAt - texOpenedAt,
    texOpenedAtMs: rel(texOpenedAt),
    attempts,
    longestCallMs: round(Math.max(...firstCalls)),
    readyBeforeFirstCompletion: readyAt !== undefined && firstAt !== undefined && readyAt <= firstAt,
  };
  log(`first completion with ${plan.firstKey}: ${rel(firstAt)} ms after origin (${attempts} attempts)`);
  if (firstAt === undefined) notes.push('the first completion never returned the expected key within 180 s');

  // Indexing done: whenReady, then no change event for 2 s (a second phase, e.g. abstracts).
  await api.collections.whenReady();
  const settleDeadline = Date.now() + 60_000;
  while (Date.now() < settleDeadline) {
    const last = Math.max(readyAt ?? 0, changes[changes.length - 1] ?? 0);
    if (Date.now() - last >= 2000) break;
    await sleep(100);
  }
  const lastChange = changes[changes.length - 1];
  out.indexing = {
    whenReadyMs: rel(readyAt),
    lastChangeEventMs: rel(lastChange),
    changeEventsMs: changes.slice(0, 20).map((t) => t - origin),
    papers: papersOf(api),
    // The extension's own record of the first read (scan, files found, each reading answered).
    timeline: (api.collections.timeline ?? []).map((e) => ({ ms: rel(e.at), event: e.event })),
  };
  for (const e of (out.indexing as { timeline: Array<{ ms: number; event: string }> }).timeline) log(`  ${e.ms} ms: ${e.event}`);
  // The monitor ran through whenReady and the 2 s without changes (which it also covers).
  out.eventLoopWhileIndexing = indexingLag.stop(origin);
  if (probe?.profiler) {
    // Written beside run.json; run.js summarises it (the longest busy stretch, by function).
    const profile = await probe.profiler.stop();
    const stoppedAt = Date.now();
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, '.bench', `profile-${config.phase}.cpuprofile`), new TextEncoder().encode(JSON.stringify(profile)));
    out.profile = { file: `profile-${config.phase}.cpuprofile`, originEpochMs: origin, stoppedAtEpochMs: stoppedAt };
  }
  log(`ready at ${rel(readyAt)} ms; ${papersOf(api)} papers; longest block ${(out.eventLoopWhileIndexing as { maxBlockMs: number }).maxBlockMs} ms`);

  const gc = findGc();
  const before = memory();
  if (gc.gc) {
    gc.gc();
    await sleep(50);
    gc.gc();
  }
  out.memory = p
    ? { atProbe: probe?.memory ?? null, atSuiteLoad: memoryAtModuleLoad, afterIndexing: before, afterIndexingAfterGc: gc.gc ? memory() : null, gc: gc.how, note: 'process.memoryUsage() of the whole extension host process (all extensions in it, worker threads included in rss)' }
    : { note: 'web-worker host: no process.memoryUsage()' };
  // The catalog's own heap (its worker thread's in the Node host), where the extension has one.
  try {
    if (api.collections.catalog) (out.memory as Record<string, unknown>).catalog = await api.collections.catalog.call('memory');
  } catch (e) {
    notes.push(`catalog memory: ${(e as Error).message}`);
  }

  if (config.memoryOnly) {
    changeSub.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    return;
  }

  // Completion latency: warm-up (not timed), then the 200 queries.
  const runQuery = async (q: Query) => {
    const position = await setCite(q.text);
    const r = await complete(position);
    const rank = r.labels.indexOf(q.key);
    return { ms: r.ms, items: r.labels.length, rank };
  };
  for (const q of plan.warmup) await runQuery(q);
  const perQuery: Array<{ kind: string; text: string; ms: number; items: number; rank: number }> = [];
  for (const q of plan.queries) perQuery.push({ kind: q.kind, text: q.text, ...(await runQuery(q)) });
  const byKind: Record<string, unknown> = {};
  for (const kind of [...new Set(perQuery.map((q) => q.kind))]) {
    const qs = perQuery.filter((q) => q.kind === kind);
    byKind[kind] = { ...stats(qs.map((q) => q.ms)), sourceInTop20: qs.filter((q) => q.rank >= 0 && q.rank < 20).length };
  }
  const completionProvider = api.timings?.completionProviderMs?.slice(-perQuery.length) ?? [];
  out.completion = {
    ...stats(perQuery.map((q) => q.ms)),
    ...(completionProvider.length ? { provider: stats([...completionProvider]) } : {}),
    sourceEntryInTop20: perQuery.filter((q) => q.rank >= 0 && q.rank < 20).length,
    emptyResults: perQuery.filter((q) => q.items === 0).length,
    byKind,
    slowest: [...perQuery].sort((a, b) => b.ms - a.ms).slice(0, 5).map((q) => ({ kind: q.kind, text: q.text, ms: round(q.ms, 2) })),
  };
  log(`completion ${JSON.stringify(stats(perQuery.map((q) => q.ms)))}`);

  // Hover latency over 200 cited keys (cursor in the middle of the key).
  const hoverMs: number[] = [];
  let emptyHovers = 0;
  for (const [i, { key }] of [...plan.hoverKeys.slice(0, 10), ...plan.hoverKeys].entries()) {
    await setCite(key);
    const position = new vscode.Position(LINE, 10 + Math.floor(key.length / 2));
    const t = perfNow();
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
    const ms = perfNow() - t;
    if (i < 10) continue; // warm-up
    hoverMs.push(ms);
    if (!hovers.length) emptyHovers++;
  }
  // The provider's own time (formatting in the document's citation style included), as the
  // extension recorded it: the round trip above adds the workbench connection.
  const providerMs = api.timings?.hoverProviderMs?.slice(-hoverMs.length) ?? [];
  out.hover = { ...stats(hoverMs), emptyHovers, ...(providerMs.length ? { provider: stats([...providerMs]) } : {}) };
  log(`hover ${JSON.stringify(out.hover)}`);

  if (config.edits) await measureEdits(folder, plan, doc, setCite, complete, origin, out, notes, log);

  await setCite('');
  await doc.save();
  changeSub.dispose();
  // Comparable runs: nothing restored into the next start but what the extension stores itself.
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  if (config.persistWaitMs > 0) {
    log(`waiting ${config.persistWaitMs} ms so the extension can persist its cache before the host exits`);
    await sleep(config.persistWaitMs);
  }
}

async function measureEdits(
  folder: vscode.WorkspaceFolder,
  plan: Plan,
  doc: vscode.TextDocument,
  setCite: (text: string) => Promise<vscode.Position>,
  complete: (position: vscode.Position) => Promise<{ ms: number; labels: string[] }>,
  origin: number,
  out: Record<string, unknown>,
  notes: string[],
  log: (s: string) => void,
): Promise<void> {
  const aclUri = vscode.Uri.joinPath(folder.uri, 'acl-anthology.bib');
  const results: Record<string, unknown> = {};
  out.editToCurrent = results;

  /** Polls completion for `word` every 15 ms until it returns `key`; returns when (Date.now()). */
  async function until(word: string, key: string, limitMs: number): Promise<{ at?: number; polls: number }> {
    const position = await setCite(word);
    const deadline = Date.now() + limitMs;
    let polls = 0;
    while (Date.now() < deadline) {
      polls++;
      if ((await complete(position)).labels.includes(key)) return { at: Date.now(), polls };
      await sleep(15);
    }
    return { polls };
  }

  for (const edit of plan.edits) {
    try {
      // Not current before the edit: the word must be unknown.
      const pre = await complete(await setCite(edit.word));
      if (pre.labels.includes(edit.key)) notes.push(`${edit.word} already finds ${edit.key} before the edit`);
      if (edit.via === 'disk') {
        // The whole 50 MB file written through vscode.workspace.fs, as an external tool would.
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(aclUri));
        const at = text.indexOf(edit.find);
        if (at < 0 || text.indexOf(edit.find, at + 1) >= 0) throw new Error(`the title of ${edit.key} is not unique in the file`);
        const bytes = new TextEncoder().encode(text.slice(0, at) + edit.replace + text.slice(at + edit.find.length));
        await setCite(edit.word);
        const lag = new LagMonitor().start();
        const t0 = Date.now();
        await vscode.workspace.fs.writeFile(aclUri, bytes);
        const written = Date.now();
        const r = await until(edit.word, edit.key, 60_000);
        await sleep(500); // a re-read still running after completion turned current
        results.disk = { key: edit.key, word: edit.word, msFromWriteStart: r.at ? r.at - t0 : null, writeFileMs: written - t0, msFromWriteEnd: r.at ? r.at - written : null, polls: r.polls, eventLoop: lag.stop(t0) };
      } else {
        // The same through an open document: edit its buffer, save, poll. (The document is
        // opened, not shown: a 50 MB file in the browser editor would only load the renderer.)
        const t = Date.now();
        const bib = await vscode.workspace.openTextDocument(aclUri);
        const openMs = Date.now() - t;
        const text = bib.getText();
        const at = text.indexOf(edit.find);
        if (at < 0) throw new Error(`the title of ${edit.key} is not in the open document`);
        await setCite(edit.word);
        const lag = new LagMonitor().start();
        const t0 = Date.now();
        const we = new vscode.WorkspaceEdit();
        we.replace(bib.uri, new vscode.Range(bib.positionAt(at), bib.positionAt(at + edit.find.length)), edit.replace);
        if (!(await vscode.workspace.applyEdit(we))) throw new Error('applyEdit on the .bib failed');
        const edited = Date.now();
        const saveStart = Date.now();
        const saved = await bib.save();
        const savedAt = Date.now();
        const r = await until(edit.word, edit.key, 60_000);
        await sleep(500);
        results.editor = { key: edit.key, word: edit.word, openDocumentMs: openMs, applyEditMs: edited - t0, saveMs: savedAt - saveStart, saved, msFromSaveStart: r.at ? r.at - saveStart : null, msFromEdit: r.at ? r.at - t0 : null, polls: r.polls, eventLoop: lag.stop(t0) };
        // The same edit and save of a 50 MB file CiteLens does not read (a .txt copy): what
        // `save()` costs VS Code itself, whatever the extensions do.
        try {
          const copyUri = vscode.Uri.joinPath(folder.uri, '.bench', 'save-probe.txt');
          await vscode.workspace.fs.writeFile(copyUri, new TextEncoder().encode(bib.getText()));
          const copy = await vscode.workspace.openTextDocument(copyUri);
          const cwe = new vscode.WorkspaceEdit();
          const ca = copy.getText().indexOf(edit.replace);
          cwe.replace(copy.uri, new vscode.Range(copy.positionAt(ca), copy.positionAt(ca + edit.replace.length)), edit.find);
          await vscode.workspace.applyEdit(cwe);
          const c0 = Date.now();
          await copy.save();
          (results.editor as Record<string, unknown>).plainTextSaveMs = Date.now() - c0;
          await vscode.workspace.fs.delete(copyUri);
        } catch (e) {
          notes.push(`plain-text save probe: ${(e as Error).message}`);
        }
      }
      log(`edit via ${edit.via}: ${JSON.stringify(results[edit.via])}`);
    } catch (e) {
      results[edit.via] = { error: (e as Error).message };
      notes.push(`edit via ${edit.via} failed: ${(e as Error).message}`);
    }
  }
  void origin;
  await setCite('');
}
