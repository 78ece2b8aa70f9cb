/**
 * `citelens check DOC…|DIR…`: every citation of the documents (a LaTeX main file with the files
 * it includes, a Typst file with the files it `#include`s, or Markdown), checked against the
 * collections they name — or, when they name none, against the .bib files under the
 * document's folder. A folder stands for the documents in it that are not included by
 * another: Typst files, LaTeX main files, and Markdown files that name a bibliography.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { DocumentScan, scanDocument, syntaxOfPath } from '../core/citations';
import { DocumentSyntax } from '../core/citeContext';
import { parseCollection } from '../core/collection';
import { Catalog } from '../core/catalog';
import { LineIndex } from '../core/model';
import { filesUnder, readTextFile } from './files';

export interface CheckedCitation {
  file: string;
  line: number;
  column: number;
  key: string;
  command: string;
}

export interface CheckResult {
  citations: CheckedCitation[];
  undefined: Array<{ file: string; line: number; column: number; key: string; suggestion?: string }>;
  /** Problems that are not undefined keys (a named collection missing, an unreadable include). */
  warnings: string[];
  /**
   * Documents that could not be checked (unreadable, binary, not a document, no collection
   * found): exit status 2. The other documents are checked in full.
   */
  problems: Array<{ file: string; problem: string }>;
}

interface ScannedFile {
  path: string;
  text: string;
  scan: DocumentScan;
}

/** The document and, for LaTeX, every file it includes (depth-first, each once). */
function scanProject(main: string, syntax: DocumentSyntax, extraCommands: readonly string[], warnings: string[]): ScannedFile[] {
  const out: ScannedFile[] = [];
  const seen = new Set<string>();
  const root = dirname(main);
  const visit = (path: string, depth: number) => {
    if (seen.has(path) || depth > 50) return;
    seen.add(path);
    const read = readTextFile(path);
    if ('problem' in read) {
      // The main document's own problem is reported by the caller; an include's is a warning.
      if (depth === 0) throw new DocumentProblem(read.problem);
      warnings.push(`${relative(process.cwd(), path)}: cannot read this included file: ${read.problem}`);
      return;
    }
    const text = read.text;
    const scan = scanDocument(text, syntax, extraCommands);
    out.push({ path, text, scan });
    for (const inc of scan.includes) {
      // \input paths are relative to the main file's folder; \subfile/\import ones (and Typst's) to the includer's.
      const candidates = syntax === 'typst' ? [resolve(dirname(path), inc.path)] : [resolve(root, inc.path), resolve(dirname(path), inc.path)];
      const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (found) visit(found, depth + 1);
      else warnings.push(syntax === 'typst' ? `${relative(process.cwd(), path)}: #include "${inc.path}" not found` : `${relative(process.cwd(), path)}: \\${inc.command}{${inc.path}} not found`);
    }
  };
  visit(main, 0);
  return out;
}

class DocumentProblem extends Error {}

function display(path: string): string {
  return relative(process.cwd(), path) || path;
}

export function checkDocuments(docs: string[], findCollections: (dir: string) => string[], extraCommands: readonly string[] = []): CheckResult {
  const result: CheckResult = { citations: [], undefined: [], warnings: [], problems: [] };
  const expanded: string[] = [];
  for (const doc of docs) {
    const path = resolve(doc);
    if (existsSync(path) && statSync(path).isDirectory()) {
      const found = documentsIn(path, extraCommands);
      if (found.length === 0) result.problems.push({ file: doc, problem: `no documents to check in folder '${doc}' (.typ, LaTeX main files, Markdown with a bibliography)` });
      expanded.push(...found.map(display));
    } else expanded.push(doc);
  }
  for (const doc of expanded) {
    const problem = checkDocument(doc, findCollections, extraCommands, result);
    if (problem) result.problems.push({ file: doc, problem });
  }
  return result;
}

/** Checks one document into `result`; returns why it could not be checked, if it could not. */
function checkDocument(doc: string, findCollections: (dir: string) => string[], extraCommands: readonly string[], result: CheckResult): string | undefined {
  const main = resolve(doc);
  const syntax = syntaxOfPath(main);
  if (!syntax) return `'${doc}' is not a LaTeX, Markdown or Typst document (.tex, .md, .qmd, .Rmd, .typ)`;
  if (!existsSync(main)) return `cannot read '${doc}': no such file`;
  let files: ScannedFile[];
  try {
    files = scanProject(main, syntax, extraCommands, result.warnings);
  } catch (e) {
    if (e instanceof DocumentProblem) return `cannot read '${doc}': ${e.message}`;
    throw e;
  }
  // Typst resolves `#bibliography` paths relative to the file that names them.
  const named = [...new Set(files.flatMap((f) => f.scan.bibliographies.map((b) => resolve(syntax === 'typst' ? dirname(f.path) : dirname(main), b.path))))];
  // Typst: a key no collection has but a label of the document is a reference (`@intro`).
  const labels = new Set(files.flatMap((f) => f.scan.labels ?? []));
  const collections = named.length ? named : findCollections(dirname(main));
  const catalog = new Catalog();
  const library = catalog.model;
  let readable = 0;
  for (const c of collections) {
    const read = existsSync(c) ? readTextFile(c) : { problem: 'not found' };
    if ('problem' in read) {
      result.warnings.push(`${display(c)}: ${named.length ? `named by ${doc} but ` : ''}${read.problem === 'not found' ? 'not found' : `cannot be read: ${read.problem}`}`);
      continue;
    }
    catalog.setFile(parseCollection(read.text, c));
    readable++;
  }
  const citations: CheckedCitation[] = [];
  const undefinedKeys: CheckResult['undefined'] = [];
  for (const f of files) {
    const lines = new LineIndex(f.text);
    const shown = display(f.path);
    for (const c of f.scan.citations) {
      if (syntax === 'typst' && !library.has(c.key) && library.keysIgnoringCase(c.key).length === 0) {
        const reference = c.command === '@' || c.command === 'ref';
        if (labels.has(c.key) || (reference && named.length === 0)) continue;
      }
      const pos = lines.positionAt(c.start);
      const where = { file: shown, line: pos.line + 1, column: pos.column + 1 };
      citations.push({ ...where, key: c.key, command: c.command });
      if (!library.has(c.key)) {
        const sameButCase = library.keysIgnoringCase(c.key)[0];
        undefinedKeys.push({ ...where, key: c.key, ...(sameButCase ? { suggestion: sameButCase } : {}) });
      }
    }
  }
  result.citations.push(...citations);
  if (readable === 0 && citations.length > 0) {
    // Without a collection every key would be "undefined": say what is missing instead.
    const looked = named.length ? named.map(display).join(', ') : `collection files under ${display(dirname(main))}`;
    return `no collection found for ${doc} (looked in ${looked})`;
  }
  result.undefined.push(...undefinedKeys);
  return undefined;
}

/** The documents of a folder to check: those no other document includes. */
export function documentsIn(dir: string, extraCommands: readonly string[] = []): string[] {
  const all = filesUnder(dir, (name) => !!syntaxOfPath(name) && !/\.(sty|cls)$/i.test(name));
  const included = new Set<string>();
  const candidates: string[] = [];
  for (const path of all) {
    const syntax = syntaxOfPath(path)!;
    const read = readTextFile(path);
    // Unreadable and binary files are no documents of the folder.
    if ('problem' in read) continue;
    const text = read.text;
    const scan = scanDocument(text, syntax, extraCommands);
    for (const inc of scan.includes) {
      included.add(resolve(dirname(path), inc.path));
      if (syntax === 'latex') included.add(resolve(dir, inc.path));
    }
    if (syntax === 'typst' || (syntax === 'latex' && /\\documentclass\s*[[{]/.test(text)) || (syntax === 'markdown' && scan.bibliographies.length > 0)) candidates.push(path);
  }
  return candidates.filter((p) => !included.has(p));
}
