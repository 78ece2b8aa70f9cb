/**
 * `citelens` command line, built on the same core as the extension.
 *   citelens parse FILE… [--json | --csl]
 *   citelens search PATH… -- "query" [--limit N] [--json]
 *   citelens check DOC… [--json]
 * Exit status: 0 everything read (and, for `check`, every key defined); 1 `check` found
 * undefined keys; 2 a file could not be read, no collection was found, or bad arguments.
 * 2 wins over 1: a run that could not read everything has not checked everything.
 */
import { Writable } from 'node:stream';
import { toCslItem } from '../core/csl-export';
import { Catalog } from '../core/catalog';
import { Library } from '../core/library';
import { Diagnostic, Entry } from '../core/model';
import { formatAuthorsShort } from '../core/names';
import { checkDocuments } from './check';
import { buildLibrary, EntryOutput, ReadCollection } from './entryOutput';
import { bibFilesUnder, collectCollectionFiles, describeProblem, FileProblem, readTextBytes, SourceFile } from './files';
import { Output, StreamOutput } from './output';

const USAGE = `Usage:
  citelens parse FILE… [--json | --csl]     read collections (.bib, CSL-JSON .json, Hayagriva .yml); print entries and problems
  citelens search PATH… -- "query" [--limit N] [--json]
                                             best matches in the collections under PATH (files or folders)
  citelens check DOC|DIR… [--json] [--cite-command NAME]…
                                             undefined citation keys in LaTeX/Markdown/Typst documents
                                             (a folder: its documents that no other includes)
Options:
  --json     machine-readable output (see README: "citelens --json output")
  --csl      entries as CSL-JSON (parse only)
  --limit N  how many matches to print (search; default 10)
Exit status: 0 all read; 1 check found undefined keys; 2 a file could not be read,
no collection was found, or bad arguments (2 wins over 1).`;

/** Exit statuses (README: "Exit status"). */
export const EXIT_OK = 0;
export const EXIT_UNDEFINED_KEYS = 1;
export const EXIT_TROUBLE = 2;

class UsageError extends Error {
  constructor(message: string, readonly showUsage = false) {
    super(message);
  }
}

function fail(message: string, showUsage = false): never {
  throw new UsageError(message, showUsage);
}

/** Records are written in batches of this many, with the output's backpressure checked between them. */
const RECORDS_PER_BATCH = 256;

interface LoadedLibrary {
  catalog: Catalog;
  library: Library;
  /** Files read, in order, with their encodings. */
  read: Array<SourceFile & { encoding: string }>;
  /** Every entry of the files read, in order. */
  entries: Entry[];
  problems: FileProblem[];
  diagnostics: Diagnostic[];
}

/** Reads every collection it can; each file that cannot be read is reported on stderr and kept as a problem. */
function loadLibrary(paths: readonly string[]): LoadedLibrary {
  const { files, problems } = collectCollectionFiles(paths);
  const sources: SourceFile[] = [];
  const collections: ReadCollection[] = [];
  for (const f of files) {
    const outcome = readTextBytes(f.file);
    if ('problem' in outcome) {
      problems.push({ file: f.display, problem: outcome.problem });
      continue;
    }
    sources.push(f);
    collections.push({ display: f.display, bytes: outcome.bytes });
  }
  const { catalog, library, encodings, entries } = buildLibrary(collections);
  const read = sources.map((f, i) => ({ ...f, encoding: encodings[i] }));
  for (const f of read) if (f.encoding === 'Windows-1252') process.stderr.write(`citelens: ${f.display} is not valid UTF-8; read as Windows-1252\n`);
  for (const p of problems) process.stderr.write(`citelens: ${describeProblem(p)}\n`);
  const diagnostics = read.flatMap((f) => library.diagnostics(f.display));
  return { catalog, library, read, entries, problems, diagnostics };
}

function statusOf(problems: readonly FileProblem[]): number {
  return problems.length > 0 ? EXIT_TROUBLE : EXIT_OK;
}

function jsonDiagnostic(d: Diagnostic): Record<string, unknown> {
  return { file: d.file, line: d.line + 1, column: d.column + 1, severity: d.severity, message: d.message, code: d.code };
}

function diagnosticLine(d: Diagnostic): string {
  return `${d.file}:${d.line + 1}:${d.column + 1}: ${d.severity}: ${d.message}`;
}

/**
 * Writes records as a JSON array, one per line, minding the output's backpressure. Records
 * are stringified a batch at a time: one `JSON.stringify` of 256 small records is about twice
 * as fast as 256 calls. Every record's first property must be `firstKey`, and no nested
 * object may start with it: `},{"firstKey":` then only occurs between records (inside a
 * string a quote is always escaped), which is where the line breaks go.
 */
async function writeJsonArray<T>(out: Output, items: Iterable<T>, firstKey: string, toRecord: (item: T) => object): Promise<void> {
  const between = `},{${JSON.stringify(firstKey)}:`;
  const betweenLines = `},\n{${JSON.stringify(firstKey)}:`;
  out.write('[');
  let batch: object[] = [];
  let first = true;
  const flush = () => {
    if (batch.length === 0) return;
    const json = JSON.stringify(batch);
    out.write(first ? '\n' : ',\n');
    out.write(json.slice(1, -1).replaceAll(between, betweenLines));
    first = false;
    batch = [];
  };
  for (const item of items) {
    batch.push(toRecord(item));
    if (batch.length === RECORDS_PER_BATCH) {
      flush();
      await out.ready();
      if (out.closed) return;
    }
  }
  flush();
  out.write(first ? ']' : '\n]');
}

/** Writes one line per item, minding the output's backpressure. */
async function writeLines<T>(out: Output, items: Iterable<T>, toLine: (item: T) => string): Promise<void> {
  let n = 0;
  for (const item of items) {
    out.line(toLine(item));
    if (++n % RECORDS_PER_BATCH === 0) {
      await out.ready();
      if (out.closed) return;
    }
  }
}

async function parseCommand(args: string[], out: Output): Promise<number> {
  const json = args.includes('--json');
  const csl = args.includes('--csl');
  const paths = args.filter((a) => !a.startsWith('--'));
  if (paths.length === 0) fail('parse needs at least one file', true);
  const { library, read, entries, problems, diagnostics } = loadLibrary(paths);
  const files = read.map((f) => f.display);
  if (csl) {
    await writeJsonArray(out, files.flatMap((f) => library.papersOf(f)), 'id', toCslItem);
    out.write('\n');
    for (const d of diagnostics) process.stderr.write(diagnosticLine(d) + '\n');
    return statusOf(problems);
  }
  if (json) {
    const view = new EntryOutput(library);
    out.write('{"entries": ');
    await writeJsonArray(out, entries, 'key', (e) => view.record(e));
    out.write(',\n"diagnostics": ');
    await writeJsonArray(out, diagnostics, 'file', jsonDiagnostic);
    out.write(',\n"files": ');
    const outcomes = [
      ...read.map((f) => ({ file: f.display, entries: library.entriesOf(f.display).length, encoding: f.encoding })),
      ...problems.map((p) => ({ file: p.file, problem: p.problem })),
    ];
    await writeJsonArray(out, outcomes, 'file', (o) => o);
    out.write('}\n');
    return statusOf(problems);
  }
  const view = new EntryOutput(library);
  await writeLines(out, entries, (e) => view.line(e));
  if (out.closed) return statusOf(problems);
  for (const d of diagnostics) out.line(diagnosticLine(d));
  const unread = problems.length ? `; ${problems.length} file${problems.length === 1 ? '' : 's'} could not be read` : '';
  out.line(`${entries.length} entries in ${files.length} file${files.length === 1 ? '' : 's'}, ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}${unread}`);
  return statusOf(problems);
}

async function searchCommand(args: string[], out: Output): Promise<number> {
  const dash = args.indexOf('--');
  if (dash < 0) fail('search needs the query after --, e.g. citelens search refs.bib -- "oh 2024 uncertainty"', true);
  const before = args.slice(0, dash);
  const query = args.slice(dash + 1).join(' ').trim();
  if (!query) fail('the query after -- is empty', true);
  const json = before.includes('--json');
  let limit = 10;
  const paths: string[] = [];
  for (let i = 0; i < before.length; i++) {
    if (before[i] === '--limit') {
      limit = Number(before[++i]);
      if (!Number.isInteger(limit) || limit < 1) fail('--limit takes a whole number ≥ 1');
    } else if (!before[i].startsWith('--')) paths.push(before[i]);
  }
  if (paths.length === 0) fail('search needs at least one file or folder before --', true);
  const { catalog, problems, diagnostics } = loadLibrary(paths);
  for (const d of diagnostics) if (d.severity === 'error') process.stderr.write(diagnosticLine(d) + '\n');
  await catalog.indexAbstracts({ sliceMs: 1000 });
  const hits = catalog.searchHits(query, limit);
  if (json) {
    out.write(`{"query": ${JSON.stringify(query)},\n"results": `);
    await writeJsonArray(out, hits, 'key', (h) => ({ key: h.key, score: h.score, authors: formatAuthorsShort(h.paper.authors, h.paper.etAl), year: h.paper.year, title: h.paper.title, file: h.paper.file }));
    out.write(',\n"problems": ');
    await writeJsonArray(out, problems, 'file', (p) => p);
    out.write('}\n');
    return statusOf(problems);
  }
  if (hits.length === 0) out.line(`no matches for "${query}"`);
  for (const h of hits) out.line(`${h.key}  ${formatAuthorsShort(h.paper.authors, h.paper.etAl) || '(no author)'} (${h.paper.year || 'n.d.'})  ${h.paper.title}`);
  return statusOf(problems);
}

async function checkCommand(args: string[], out: Output): Promise<number> {
  const json = args.includes('--json');
  const extra: string[] = [];
  const docs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--cite-command') extra.push(args[++i] ?? '');
    else if (!args[i].startsWith('--')) docs.push(args[i]);
  }
  if (docs.length === 0) fail('check needs at least one document', true);
  const result = checkDocuments(docs, bibFilesUnder, extra);
  for (const w of result.warnings) process.stderr.write(`citelens: warning: ${w}\n`);
  for (const p of result.problems) process.stderr.write(`citelens: ${p.problem}\n`);
  if (json) {
    out.write('{"citations": ');
    await writeJsonArray(out, result.citations, 'file', (c) => c);
    out.write(',\n"undefined": ');
    await writeJsonArray(out, result.undefined, 'file', ({ file, line, column, key }) => ({ file, line, column, key }));
    out.write(',\n"problems": ');
    await writeJsonArray(out, result.problems, 'file', (p) => p);
    out.write('}\n');
  } else {
    await writeLines(out, result.undefined, (u) => `${u.file}:${u.line}:${u.column}: undefined citation key '${u.key}'${u.suggestion ? ` (did you mean '${u.suggestion}'?)` : ''}`);
    const unchecked = result.problems.length ? `; ${result.problems.length} document${result.problems.length === 1 ? '' : 's'} not checked` : '';
    out.line(`${result.citations.length} citation${result.citations.length === 1 ? '' : 's'}, ${result.undefined.length} undefined${unchecked}`);
  }
  if (result.problems.length > 0) return EXIT_TROUBLE;
  return result.undefined.length > 0 ? EXIT_UNDEFINED_KEYS : EXIT_OK;
}

/** Runs a command, writing to `out`; resolves the exit status. Output is complete once `out.finish()` resolves. */
export async function main(argv: string[], out: Output): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'parse':
        return await parseCommand(args, out);
      case 'search':
        return await searchCommand(args, out);
      case 'check':
        return await checkCommand(args, out);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out.line(USAGE);
        return command === undefined ? EXIT_TROUBLE : EXIT_OK;
      default:
        fail(`unknown command '${command}'`, true);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`citelens: ${e.message}\n`);
      if (e.showUsage) process.stderr.write(USAGE + '\n');
      return EXIT_TROUBLE;
    }
    throw e;
  }
}

/**
 * The process: never `process.exit()` with output pending (a pipe takes 64 KB at a time);
 * the status is set and Node exits once stdout has drained.
 */
async function runProcess(): Promise<void> {
  const out = new StreamOutput(process.stdout as Writable);
  // A closed reader (`| head`) must not become an uncaught error on a later write.
  process.stdout.on('error', () => undefined);
  let status: number;
  try {
    status = await main(process.argv.slice(2), out);
  } catch (e) {
    process.stderr.write(`citelens: unexpected error: ${(e as Error).stack ?? e}\n`);
    status = 70;
  }
  await out.finish();
  process.exitCode = status;
}

if (require.main === module) void runProcess();
