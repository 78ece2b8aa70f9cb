/**
 * BibLaTeX field inheritance and aliases, resolved after every file is read because a
 * parent (`crossref`, `xdata`) may live in another file.
 */
import { Entry, Field } from './model';

/** Fields a child never inherits (biblatex's defaults). */
const NOT_INHERITED = new Set(['ids', 'crossref', 'xref', 'xdata', 'entryset', 'execute', 'label', 'options', 'presort', 'related', 'relatedoptions', 'relatedstring', 'relatedtype', 'shorthand', 'shorthandintro', 'sortkey']);

const BOOK_LIKE = new Set(['book', 'mvbook', 'collection', 'mvcollection', 'proceedings', 'mvproceedings', 'reference', 'mvreference']);
const IN_BOOK = new Set(['inbook', 'bookinbook', 'suppbook', 'incollection', 'suppcollection', 'inproceedings', 'inreference', 'conference']);

/** Comma-separated key lists (`ids`, `xdata`), trimmed, empty parts dropped. */
export function splitKeyList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * How biblatex maps a parent's field to a child's: a book's `title` becomes an
 * in-book child's `booktitle`; a periodical's `title` becomes an article's `journaltitle`.
 */
function mappedName(parentType: string, childType: string, name: string): string | undefined {
  if (BOOK_LIKE.has(parentType) && IN_BOOK.has(childType)) {
    if (name === 'title') return 'booktitle';
    if (name === 'subtitle') return 'booksubtitle';
    if (name === 'titleaddon') return 'booktitleaddon';
    if (name === 'shorttitle') return undefined;
  }
  if (parentType.startsWith('mv') && (BOOK_LIKE.has(childType) || IN_BOOK.has(childType))) {
    if (name === 'title') return 'maintitle';
    if (name === 'subtitle') return 'mainsubtitle';
  }
  if (parentType === 'periodical' && (childType === 'article' || childType === 'suppperiodical')) {
    if (name === 'title') return 'journaltitle';
    if (name === 'subtitle') return 'journalsubtitle';
  }
  return name;
}

export type EntryLookup = (key: string) => Entry | undefined;

/**
 * The entry's fields with `xdata` and `crossref` parents applied (own fields win), and the
 * `date`/`year`+`month` and `journaltitle`/`journal` pairs filled in both ways. Cycles and
 * missing parents are tolerated (the library reports missing targets).
 */
export function effectiveFields(entry: Entry, lookup: EntryLookup): Record<string, Field> {
  return withAliasedFields(inheritedFields(entry, lookup));
}

/** The entry's own fields plus those inherited through `xdata` and `crossref`. */
export function inheritedFields(entry: Entry, lookup: EntryLookup): Record<string, Field> {
  const own = entry.fields;
  if (own.crossref === undefined && own.xdata === undefined) return own;
  return inherit(entry, lookup, new Set([entry.key]));
}

function inherit(entry: Entry, lookup: EntryLookup, seen: Set<string>): Record<string, Field> {
  const out: Record<string, Field> = {};
  Object.assign(out, entry.fields);
  const xdata = entry.fields.xdata;
  if (xdata) {
    for (const key of splitKeyList(xdata.raw)) {
      const parent = lookup(key);
      if (!parent || seen.has(parent.key)) continue;
      seen.add(parent.key);
      const fields = inherit(parent, lookup, seen);
      for (const name of Object.keys(fields)) {
        if (!NOT_INHERITED.has(name) && out[name] === undefined) out[name] = fields[name];
      }
    }
  }
  const crossref = entry.fields.crossref;
  if (crossref) {
    const parent = lookup(crossref.raw.trim());
    if (parent && !seen.has(parent.key)) {
      seen.add(parent.key);
      const fields = inherit(parent, lookup, seen);
      for (const name of Object.keys(fields)) {
        if (NOT_INHERITED.has(name)) continue;
        const target = mappedName(parent.type, entry.type, name);
        if (target !== undefined && out[target] === undefined) out[target] = target === name ? fields[name] : synthesised(fields[name], target, fields[name].raw);
      }
    }
  }
  return out;
}

const MONTH_NUMBERS: Record<string, string> = {
  january: '01', february: '02', march: '03', april: '04', may: '05', june: '06', july: '07', august: '08', september: '09', october: '10', november: '11', december: '12',
  jan: '01', feb: '02', mar: '03', apr: '04', jun: '06', jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `3`, `03`, `mar`, `March` → `03`; else ''. */
export function monthNumber(raw: string): string {
  const s = raw.trim().toLowerCase();
  if (/^\d{1,2}$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= 12 ? String(n).padStart(2, '0') : '';
  }
  return MONTH_NUMBERS[s] ?? '';
}

function synthesised(from: Field, name: string, raw: string): Field {
  return { name, raw, span: from.span, nameSpan: from.nameSpan };
}

/** Fills `date` from `year`/`month` and the reverse, and `journal` ↔ `journaltitle`. */
function withAliasedFields(fields: Record<string, Field>): Record<string, Field> {
  const { date, year, month, journal, journaltitle } = fields;
  const needDate = !date && year;
  const needYear = date && !year;
  const needJournal = (journal && !journaltitle) || (journaltitle && !journal);
  if (!needDate && !needYear && !needJournal) return fields;
  const out: Record<string, Field> = { ...fields };
  if (needDate && year) {
    const y = /\d{4}/.exec(year.raw)?.[0];
    if (y) {
      const m = month ? monthNumber(month.raw) : '';
      out.date = synthesised(year, 'date', m ? `${y}-${m}` : y);
    }
  }
  if (needYear && date) {
    const match = /^(\d{4})(?:-(\d{2}))?/.exec(date.raw.trim());
    if (match) {
      out.year = synthesised(date, 'year', match[1]);
      if (match[2] && !month) {
        const n = Number(match[2]);
        if (n >= 1 && n <= 12) out.month = synthesised(date, 'month', MONTH_NAMES[n - 1]);
      }
    }
  }
  if (journal && !journaltitle) out.journaltitle = synthesised(journal, 'journaltitle', journal.raw);
  if (journaltitle && !journal) out.journal = synthesised(journaltitle, 'journal', journaltitle.raw);
  return out;
}
