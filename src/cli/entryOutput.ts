/**
 * `citelens parse`'s view of entries: the library of the collections read, and each entry as
 * a JSON record or a listing line.
 */
import { parseCollection } from '../core/collection';
import { decodeCollection } from '../core/encoding';
import { latexToUnicode } from '../core/latex';
import { Catalog } from '../core/catalog';
import { Library } from '../core/library';
import { Entry } from '../core/model';
import { listingParts } from '../core/paper';

/** A collection's bytes as read, with the name it is shown by (the entries' `file`). */
export interface ReadCollection {
  display: string;
  bytes: Uint8Array;
}

/** The library of the collections read, in order, and every entry of them. */
export function buildLibrary(collections: readonly ReadCollection[]): { catalog: Catalog; library: Library; encodings: string[]; entries: Entry[] } {
  const catalog = new Catalog();
  const encodings: string[] = [];
  for (const c of collections) {
    const decoded = decodeCollection(c.bytes);
    encodings.push(decoded.encoding);
    catalog.setFile(parseCollection(decoded.text, c.display), decoded.encoding);
  }
  const library = catalog.model;
  const entries = collections.flatMap((c) => library.entriesOf(c.display));
  return { catalog, library, encodings, entries };
}

/** Fields whose values are addresses and keep their characters in the JSON output. */
const LINK_FIELD = /^(url|doi|file|eprint)$/;

/**
 * Fields whose values repeat across a collection's entries (a proceedings' booktitle, the
 * publisher): their display text is computed once per distinct value.
 */
const REPEATING_FIELD = /^(booktitle|journal|journaltitle|publisher|address|location|month|editor|series|organization|institution|school|howpublished|language|type)$/;

export class EntryOutput {
  private readonly repeated = new Map<string, string>();

  constructor(private readonly library: Library) {}

  /** `file:line: @type{key} Oh et al. (2024) Title`. */
  line(e: Entry): string {
    const { authors, year, title } = listingParts(e, this.library.inheritedFields(e));
    return `${e.file}:${e.line + 1}: @${e.type}{${e.key}}${authors ? ` ${authors}` : ''}${year ? ` (${year})` : ''}${title ? ` ${title}` : ''}`;
  }

  /** Key, type, position and the display values of the entry's (inherited) fields. */
  record(e: Entry): object {
    const fields = this.library.fields(e);
    const values: Record<string, string> = {};
    const bibtex = e.format === 'bibtex';
    for (const name in fields) {
      const raw = fields[name].raw;
      values[name] = !bibtex || LINK_FIELD.test(name) ? raw : REPEATING_FIELD.test(name) ? this.repeatedValue(raw) : latexToUnicode(raw);
    }
    return { key: e.key, type: e.type, file: e.file, line: e.line + 1, column: e.column + 1, fields: values };
  }

  private repeatedValue(raw: string): string {
    let value = this.repeated.get(raw);
    if (value === undefined) {
      value = latexToUnicode(raw);
      if (this.repeated.size < 100_000) this.repeated.set(raw, value);
    }
    return value;
  }
}
