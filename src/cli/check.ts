/**
 * `citelens check DOC…`: every citation of the documents (a LaTeX main file with the files it
 * includes, or Markdown), checked against the collections they name — or, when they name
 * none, against the .bib files under the document's folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
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
      // \input paths are relative to the main file's folder; \subfile/\import ones to the includer's.
      const candidates = [resolve(root, inc.path), resolve(dirname(path), inc.path)];
      const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (found) visit(found, depth + 1);
      else warnings.push(`${relative(process.cwd(), path)}: \\${inc.command}{${inc.path}} not found`);
    }
  };
  visit(main, 0);
  return out;
}

export function checkDocuments(docs: string[], findCollections: (dir: string) => string[], extraCommands: readonly string[] = []): CheckResult {
  const result: CheckResult = { citations: [], undefined: [], warnings: [] };
  for (const doc of docs) {
    const main = resolve(doc);
    const syntax = syntaxOfPath(main);
    if (!syntax) throw new Error(`'${doc}' is not a LaTeX or Markdown document (.tex, .md, .qmd, .Rmd)`);
    if (!existsSync(main)) throw new Error(`cannot read '${doc}': no such file`);
    const files = scanProject(main, syntax, extraCommands, result.warnings);
    const named = files.flatMap((f) => f.scan.bibliographies.map((b) => resolve(dirname(main), b.path)));
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
