/**
 * `citelens` command line, built on the same core as the extension.
 *   citelens parse FILE… [--json | --csl]
 *   citelens search PATH… -- "query" [--limit N] [--json]
 *   citelens check DOC… [--json]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isCollectionFile, isCslJsonFile, isHayagrivaFile, parseCollection } from '../core/collection';
import { looksLikeHayagriva } from '../core/hayagriva';
import { decodeCollection } from '../core/encoding';
import { checkDocuments } from './check';
import { toCslItem } from '../core/csl-export';
import { latexToUnicode } from '../core/latex';
import { Library } from '../core/library';
import { Diagnostic } from '../core/model';
import { formatAuthorsShort } from '../core/names';
import { PaperIndex } from '../core/search';

const USAGE = `Usage:
  citelens parse FILE… [--json | --csl]     read collections (.bib, CSL-JSON .json, Hayagriva .yml); print entries and problems
  citelens search PATH… -- "query" [--limit N] [--json]
                                             best matches in the collections under PATH (files or folders)
  citelens check DOC|DIR… [--json] [--cite-command NAME]…
                                             undefined citation keys in LaTeX/Markdown/Typst documents
                                             (a folder: its documents that no other includes); exit 1 when any
Options:
  --json     machine-readable output (see README: "citelens --json output")
  --csl      entries as CSL-JSON (parse only)
  --limit N  how many matches to print (search; default 10)`;

class UsageError extends Error {
  constructor(message: string, readonly showUsage = false) {
    super(message);
  }
}

interface LoadedFile {
  file: string;
  display: string;
}

function fail(message: string, showUsage = false): never {
  throw new UsageError(message, showUsage);
}

/** Expands folders to the collection files under them (skipping node_modules and dot folders). */
function collectFiles(paths: string[]): LoadedFile[] {
  const out: LoadedFile[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      fail(`cannot read '${p}': no such file or folder`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(abs, found, 0);
      if (found.length === 0) fail(`no .bib collections found in folder '${p}'`);
      for (const f of found.sort()) out.push({ file: f, display: relative(process.cwd(), f) || f });
    } else {
      out.push({ file: abs, display: p });
    }
  }
  return out;
}

function walk(dir: string, out: string[], depth: number): void {
  if (depth > 20) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    let stat;
    try {
      stat = statSync(full);
    } catch {
      continue;
    }
    if (stat.isDirectory()) walk(full, out, depth + 1);
    // Folders contribute .bib files, and .yml files that are Hayagriva collections by their
    // content; a CSL-JSON file is read when named (other .json files abound).
    else if (isCollectionFile(name) && !isCslJsonFile(name) && (!isHayagrivaFile(name) || isHayagrivaContent(full))) out.push(full);
  }
}

function readText(f: LoadedFile): string {
  let buf: Buffer;
  try {
    buf = readFileSync(f.file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(`cannot read '${f.display}': ${code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
  const decoded = decodeCollection(buf);
  if (decoded.encoding.startsWith('UTF-16') ? false : buf.includes(0)) fail(`cannot read '${f.display}': it is a binary file, not a text collection`);
  if (decoded.encoding === 'Windows-1252') process.stderr.write(`citelens: ${f.display} is not valid UTF-8; read as Windows-1252\n`);
  return decoded.text;
}

function loadLibrary(files: LoadedFile[]): { library: Library; diagnostics: Array<Diagnostic & { display: string }> } {
  const library = new Library();
  for (const f of files) library.setFile(parseCollection(readText(f), f.display));
  const diagnostics = files.flatMap((f) => library.diagnostics(f.display).map((d) => ({ ...d, display: f.display })));
  return { library, diagnostics };
}

function jsonDiagnostic(d: Diagnostic): Record<string, unknown> {
  return { file: d.file, line: d.line + 1, column: d.column + 1, severity: d.severity, message: d.message, code: d.code };
}

function parseCommand(args: string[], out: (s: string) => void): number {
  const json = args.includes('--json');
  const csl = args.includes('--csl');
  const paths = args.filter((a) => !a.startsWith('--'));
  if (paths.length === 0) fail('parse needs at least one file', true);
  const { library, diagnostics } = loadLibrary(collectFiles(paths));
  const files = library.files;
  if (csl) {
    const items = files.flatMap((f) => library.papersOf(f)).map(toCslItem);
    out(JSON.stringify(items, null, 2));
    for (const d of diagnostics) process.stderr.write(`${d.file}:${d.line + 1}:${d.column + 1}: ${d.severity}: ${d.message}\n`);
    return 0;
  }
  if (json) {
    const entries = files.flatMap((f) =>
      library.entriesOf(f).map((e) => {
        const fields: Record<string, string> = {};
        const effective = library.fields(e);
        for (const name of Object.keys(effective)) {
          const raw = effective[name].raw;
          fields[name] = e.format === 'bibtex' && !/^(url|doi|file|eprint)$/.test(name) ? latexToUnicode(raw) : raw;
        }
        return { key: e.key, type: e.type, file: e.file, line: e.line + 1, column: e.column + 1, fields };
      }),
    );
    out(JSON.stringify({ entries, diagnostics: diagnostics.map(jsonDiagnostic) }, null, 2));
    return 0;
  }
  for (const f of files) {
    for (const e of library.entriesOf(f)) {
      const p = library.paper(e.key);
      const who = p ? formatAuthorsShort(p.authors, p.etAl) : '';
      out(`${e.file}:${e.line + 1}: @${e.type}{${e.key}} ${who}${p?.year ? ` (${p.year})` : ''}${p?.title ? ` ${p.title}` : ''}`);
    }
  }
  for (const d of diagnostics) out(`${d.file}:${d.line + 1}:${d.column + 1}: ${d.severity}: ${d.message}`);
  const count = files.reduce((n, f) => n + library.entriesOf(f).length, 0);
  out(`${count} entries in ${files.length} file${files.length === 1 ? '' : 's'}, ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}`);
  return 0;
}

async function searchCommand(args: string[], out: (s: string) => void): Promise<number> {
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
  const { library, diagnostics } = loadLibrary(collectFiles(paths));
  for (const d of diagnostics) if (d.severity === 'error') process.stderr.write(`${d.file}:${d.line + 1}:${d.column + 1}: ${d.severity}: ${d.message}\n`);
  const index = new PaperIndex();
  index.addPapers(library.files.flatMap((f) => library.papersOf(f)));
  await index.indexAbstracts({ sliceMs: 1000 });
  const hits = index.search(query, limit);
  if (json) {
    out(JSON.stringify({ query, results: hits.map((h) => ({ key: h.key, score: h.score, authors: formatAuthorsShort(h.paper.authors, h.paper.etAl), year: h.paper.year, title: h.paper.title, file: h.paper.file })) }, null, 2));
    return 0;
  }
  if (hits.length === 0) out(`no matches for "${query}"`);
  for (const h of hits) out(`${h.key}  ${formatAuthorsShort(h.paper.authors, h.paper.etAl) || '(no author)'} (${h.paper.year || 'n.d.'})  ${h.paper.title}`);
  return 0;
}

function checkCommand(args: string[], out: (s: string) => void): number {
  const json = args.includes('--json');
  const extra: string[] = [];
  const docs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--cite-command') extra.push(args[++i] ?? '');
    else if (!args[i].startsWith('--')) docs.push(args[i]);
  }
  if (docs.length === 0) fail('check needs at least one document', true);
  let result;
  try {
    result = checkDocuments(docs, (dir) => {
      const found: string[] = [];
      walk(dir, found, 0);
      return found.filter((f) => !isCslJsonFile(f));
    }, extra);
  } catch (e) {
    fail((e as Error).message);
  }
  for (const w of result.warnings) process.stderr.write(`citelens: warning: ${w}\n`);
  if (json) {
    out(JSON.stringify({ citations: result.citations, undefined: result.undefined.map(({ file, line, column, key }) => ({ file, line, column, key })) }, null, 2));
  } else {
    for (const u of result.undefined) out(`${u.file}:${u.line}:${u.column}: undefined citation key '${u.key}'${u.suggestion ? ` (did you mean '${u.suggestion}'?)` : ''}`);
    const n = result.undefined.length;
    out(`${result.citations.length} citation${result.citations.length === 1 ? '' : 's'}, ${n} undefined`);
  }
  return result.undefined.length > 0 ? 1 : 0;
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'parse':
        return parseCommand(args, out);
      case 'search':
        return await searchCommand(args, out);
      case 'check':
        return checkCommand(args, out);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        fail(`unknown command '${command}'`, true);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`citelens: ${e.message}\n`);
      if (e.showUsage) process.stderr.write(USAGE + '\n');
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`citelens: unexpected error: ${(e as Error).stack ?? e}\n`);
      process.exit(70);
    },
  );
}

/** Is this `.yml` file a Hayagriva collection (and not, say, a CI workflow)? */
function isHayagrivaContent(file: string): boolean {
  try {
    return looksLikeHayagriva(decodeCollection(readFileSync(file)).text);
  } catch {
    return false;
  }
}
