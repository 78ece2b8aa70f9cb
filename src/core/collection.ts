/** Picks the reader for a collection file by its name. */
import { BibtexOptions, parseBibtex } from './bibtex';
import { parseCslJson } from './csl';
import { looksLikeCslYaml, parseCslYaml } from './cslYaml';
import { parseHayagriva } from './hayagriva';
import { ParseResult } from './model';

export function isCslJsonFile(file: string): boolean {
  return /\.json$/i.test(file);
}

/** `.yml`/`.yaml` collections are Hayagriva (Typst's format) or, with a top-level `references:` list, CSL YAML (Pandoc's); callers that find files by walking folders check the content too (`looksLikeHayagriva`). */
export function isHayagrivaFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** Collections read whole on every change (not BibTeX, which is re-read entry by entry). */
export function isStructuredCollectionFile(file: string): boolean {
  return isCslJsonFile(file) || isHayagrivaFile(file);
}

export function isCollectionFile(file: string): boolean {
  return /\.(bib|bibtex|biblatex|json|ya?ml)$/i.test(file);
}

export function parseCollection(text: string, file: string, options?: BibtexOptions): ParseResult {
  if (isCslJsonFile(file)) return parseCslJson(text, file);
  if (isHayagrivaFile(file)) return looksLikeCslYaml(text) ? parseCslYaml(text, file) : parseHayagriva(text, file);
  return parseBibtex(text, file, options);
}
