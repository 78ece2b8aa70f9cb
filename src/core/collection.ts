/** Picks the reader for a collection file by its name. */
import { BibtexOptions, parseBibtex } from './bibtex';
import { parseCslJson } from './csl';
import { ParseResult } from './model';

export function isCslJsonFile(file: string): boolean {
  return /\.json$/i.test(file);
}

export function isCollectionFile(file: string): boolean {
  return /\.(bib|bibtex|biblatex|json)$/i.test(file);
}

export function parseCollection(text: string, file: string, options?: BibtexOptions): ParseResult {
  return isCslJsonFile(file) ? parseCslJson(text, file) : parseBibtex(text, file, options);
}
