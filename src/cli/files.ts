/**
 * Finding and reading the files the CLI is given. Each file has its own outcome: a file that
 * cannot be read is a problem of that file (reported, and the exit status says so), never
 * the end of the run for the others.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isCollectionFile, isCslJsonFile, isHayagrivaFile } from '../core/collection';
import { binaryReason, decodeCollection } from '../core/encoding';
import { looksLikeHayagriva } from '../core/hayagriva';

export interface SourceFile {
  /** Absolute path. */
  file: string;
  /** As the user wrote it, or relative to the working folder for files found in a folder. */
  display: string;
}

/** A file (or a path given on the command line) that could not be used, and why. */
export interface FileProblem {
  file: string;
  problem: string;
}

export type ReadText = { text: string; encoding: string } | { problem: string };

/**
 * Expands the paths given to collection files: a file as it is, a folder to the `.bib` files
 * under it (skipping node_modules and dot folders). Paths that do not exist, and folders
 * without collections, become problems.
 */
export function collectCollectionFiles(paths: readonly string[]): { files: SourceFile[]; problems: FileProblem[] } {
  const files: SourceFile[] = [];
  const problems: FileProblem[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let stat;
    try {
      stat = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ file: p, problem: code === 'ELOOP' ? 'a symbolic link that points back to itself (a loop)' : code === 'EACCES' ? 'permission denied' : 'no such file or folder' });
      continue;
    }
    if (stat.isDirectory()) {
      const found = bibFilesUnder(abs);
      if (found.length === 0) problems.push({ file: p, problem: 'no .bib collections found in this folder' });
      for (const f of found) files.push({ file: f, display: relative(process.cwd(), f) || f });
    } else {
      files.push({ file: abs, display: p });
    }
  }
  return { files, problems };
}

/**
 * The files under a folder that `accept` takes (by name and path), sorted; node_modules and
 * dot folders are skipped, and so is anything deeper than 20 folders.
 */
export function filesUnder(dir: string, accept: (name: string, path: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (folder: string, depth: number): void => {
    if (depth > 20) return;
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = join(folder, name);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) walk(full, depth + 1);
      else if (accept(name, full)) out.push(full);
    }
  };
  walk(dir, 0);
  return out.sort();
}

/**
 * The collection files under a folder: `.bib` files, and `.yml` files that are Hayagriva
 * collections by their content; a CSL-JSON file is read when named (other .json files abound).
 */
export function bibFilesUnder(dir: string): string[] {
  return filesUnder(dir, (name, path) => isCollectionFile(name) && !isCslJsonFile(name) && (!isHayagrivaFile(name) || isHayagrivaContent(path)));
}

/** Reads and decodes a text file (a collection or a document) with the extension's binary rule. */
export function readTextFile(file: string): ReadText {
  const read = readTextBytes(file);
  return 'problem' in read ? read : decodeCollection(read.bytes);
}

/** A text file's bytes, or why it cannot be read (the binary rule included). */
export function readTextBytes(file: string): { bytes: Uint8Array } | { problem: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      problem:
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message,
    };
  }
  const binary = binaryReason(bytes);
  return binary ? { problem: binary } : { bytes };
}

export function describeProblem(p: FileProblem): string {
  return `cannot read '${p.file}': ${p.problem}`;
}

/** Is this `.yml` file a Hayagriva collection (and not, say, a CI workflow)? */
function isHayagrivaContent(file: string): boolean {
  const read = readTextFile(file);
  return !('problem' in read) && looksLikeHayagriva(read.text);
}
