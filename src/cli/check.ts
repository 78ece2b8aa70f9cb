/**
 * `citelens check DOC…|DIR…`: every citation of the documents (a LaTeX main file with the files
 * it includes, a Typst file with the files it `#include`s, or Markdown), checked against the
 * collections they name — or, when they name none, against the .bib files under the
 * document's folder. A folder stands for the documents in it that are not included by
 * another: Typst files, LaTeX main files, and Markdown files that name a bibliography.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DocumentScan, scanDocument, syntaxOfPath } from '../core/citations';
import { DocumentSyntax } from '../core/citeContext';
import { parseCollection } from '../core/collection';
import { decodeCollection } from '../core/encoding';
import { Library } from '../core/library';
import { LineIndex } from '../core/model';

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
    const text = decodeCollection(readFileSync(path)).text;
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

export function checkDocuments(docs: string[], findCollections: (dir: string) => string[], extraCommands: readonly string[] = []): CheckResult {
  const result: CheckResult = { citations: [], undefined: [], warnings: [] };
  const expanded: string[] = [];
  for (const doc of docs) {
    const path = resolve(doc);
    if (existsSync(path) && statSync(path).isDirectory()) {
      const found = documentsIn(path, extraCommands);
      if (found.length === 0) throw new Error(`no documents to check in folder '${doc}' (.typ, LaTeX main files, Markdown with a bibliography)`);
      expanded.push(...found.map((f) => relative(process.cwd(), f) || f));
    } else expanded.push(doc);
  }
  for (const doc of expanded) {
    const main = resolve(doc);
    const syntax = syntaxOfPath(main);
    if (!syntax) throw new Error(`'${doc}' is not a LaTeX, Markdown or Typst document (.tex, .md, .qmd, .Rmd, .typ)`);
    if (!existsSync(main)) throw new Error(`cannot read '${doc}': no such file`);
    const files = scanProject(main, syntax, extraCommands, result.warnings);
    // Typst resolves `#bibliography` paths relative to the file that names them.
    const named = files.flatMap((f) => f.scan.bibliographies.map((b) => resolve(syntax === 'typst' ? dirname(f.path) : dirname(main), b.path)));
    // Typst: a key no collection has but a label of the document is a reference (`@intro`).
    const labels = new Set(files.flatMap((f) => f.scan.labels ?? []));
    const collections = named.length ? [...new Set(named)] : findCollections(dirname(main));
    const library = new Library();
    for (const c of collections) {
      if (!existsSync(c)) {
        result.warnings.push(`${relative(process.cwd(), c) || c}: named by ${doc} but not found`);
        continue;
      }
      library.setFile(parseCollection(decodeCollection(readFileSync(c)).text, c));
    }
    for (const f of files) {
      const lines = new LineIndex(f.text);
      const display = relative(process.cwd(), f.path) || f.path;
      for (const c of f.scan.citations) {
        if (syntax === 'typst' && !library.has(c.key) && library.keysIgnoringCase(c.key).length === 0) {
          const reference = c.command === '@' || c.command === 'ref';
          if (labels.has(c.key) || (reference && named.length === 0)) continue;
        }
        const pos = lines.positionAt(c.start);
        const where = { file: display, line: pos.line + 1, column: pos.column + 1 };
        result.citations.push({ ...where, key: c.key, command: c.command });
        if (!library.has(c.key)) {
          const sameButCase = library.keysIgnoringCase(c.key)[0];
          result.undefined.push({ ...where, key: c.key, ...(sameButCase ? { suggestion: sameButCase } : {}) });
        }
      }
    }
  }
  return result;
}

/** The documents of a folder to check: those no other document includes. */
export function documentsIn(dir: string, extraCommands: readonly string[] = []): string[] {
  const all: string[] = [];
  walkDocuments(dir, all, 0);
  const included = new Set<string>();
  const candidates: string[] = [];
  for (const path of all.sort()) {
    const syntax = syntaxOfPath(path)!;
    let text: string;
    try {
      text = decodeCollection(readFileSync(path)).text;
    } catch {
      continue;
    }
    const scan = scanDocument(text, syntax, extraCommands);
    for (const inc of scan.includes) {
      included.add(resolve(dirname(path), inc.path));
      if (syntax === 'latex') included.add(resolve(dir, inc.path));
    }
    if (syntax === 'typst' || (syntax === 'latex' && /\\documentclass\s*[[{]/.test(text)) || (syntax === 'markdown' && scan.bibliographies.length > 0)) candidates.push(path);
  }
  return candidates.filter((p) => !included.has(p));
}

function walkDocuments(dir: string, out: string[], depth: number): void {
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
    if (stat.isDirectory()) walkDocuments(full, out, depth + 1);
    else if (syntaxOfPath(name) && !/\.(sty|cls)$/i.test(name)) out.push(full);
  }
}
