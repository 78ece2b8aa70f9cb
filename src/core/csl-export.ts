/** Paper → CSL-JSON item, as Pandoc and Zotero read it. */
import { monthNumber } from './inherit';
import { Paper, Person } from './model';
import { paperField } from './paper';

const CSL_TYPES: Record<string, string> = {
  article: 'article-journal',
  inproceedings: 'paper-conference',
  conference: 'paper-conference',
  incollection: 'chapter',
  inbook: 'chapter',
  book: 'book',
  mvbook: 'book',
  collection: 'book',
  proceedings: 'book',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  thesis: 'thesis',
  techreport: 'report',
  report: 'report',
  online: 'webpage',
  manual: 'report',
  unpublished: 'manuscript',
  patent: 'patent',
  dataset: 'dataset',
  software: 'software',
};

/** BibTeX's thesis types name the degree. */
const THESIS_GENRES: Record<string, string> = { phdthesis: 'PhD thesis', mastersthesis: 'Master’s thesis' };

export type CslItem = Record<string, unknown>;

function cslName(p: Person): Record<string, string> {
  if (p.literal) return { literal: p.literal };
  const name: Record<string, string> = { family: p.family };
  if (p.given) name.given = p.given;
  if (p.von) name['non-dropping-particle'] = p.von;
  if (p.suffix) name.suffix = p.suffix;
  return name;
}

export function toCslItem(paper: Paper): CslItem {
  const item: CslItem = { id: paper.key, type: CSL_TYPES[paper.type] ?? 'article' };
  if (paper.title) item.title = paper.title;
  if (paper.authors.length) item.author = paper.authors.map(cslName);
  if (paper.editors.length) item.editor = paper.editors.map(cslName);
  if (paper.year) {
    const month = Number(monthNumber(paperField(paper, 'month')) || /^\d{4}-(\d{2})/.exec(paperField(paper, 'date'))?.[1] || 0);
    item.issued = { 'date-parts': [month ? [Number(paper.year), month] : [Number(paper.year)]] };
  }
  const container = paperField(paper, 'journaltitle') || paperField(paper, 'journal') || paperField(paper, 'booktitle');
  if (container) item['container-title'] = container;
  if (paper.type === 'inbook' && !container && paperField(paper, 'chapter')) item['chapter-number'] = paperField(paper, 'chapter');
  const publisher = paperField(paper, 'publisher') || paperField(paper, 'school') || paperField(paper, 'institution') || paperField(paper, 'organization');
  if (publisher) item.publisher = publisher;
  const place = paperField(paper, 'address') || paperField(paper, 'location');
  if (place) item['publisher-place'] = place;
  const genre = THESIS_GENRES[paper.type] ?? (paper.type === 'thesis' || paper.type === 'techreport' || paper.type === 'report' ? paperField(paper, 'type') : '');
  if (genre) item.genre = genre;
  const accessed = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(paperField(paper, 'urldate'));
  if (accessed) item.accessed = { 'date-parts': [accessed.slice(1).filter(Boolean).map(Number)] };
  const simple: Array<[string, string]> = [
    ['edition', 'edition'],
    ['series', 'collection-title'],
    ['volume', 'volume'],
    ['number', 'issue'],
    ['pages', 'page'],
    ['note', 'note'],
    ['isbn', 'ISBN'],
    ['issn', 'ISSN'],
  ];
  for (const [field, csl] of simple) {
    const v = paperField(paper, field);
    if (v) item[csl] = csl === 'page' ? v.replace(/–/g, '-') : v;
  }
  if (paper.doi) item.DOI = paper.doi;
  if (paper.url) item.URL = paper.url;
  if (paper.abstract) item.abstract = paper.abstract;
  if (paper.keywords.length) item.keyword = paper.keywords.join(', ');
  return item;
}
