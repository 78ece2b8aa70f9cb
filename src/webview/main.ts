/**
 * The library webview: search box, facets, author and topic pages, and a virtualised list of
 * paper cards. It holds only what the host sent (facets and the pages of cards near the
 * scroll position) and asks for more through the typed protocol.
 *
 * Every text from a collection is set with `textContent` (never parsed as HTML), bidi
 * control characters are shown as visible marks, and no handler is inline (the CSP allows
 * only this script, by nonce).
 */
import {
  AuthorPage, Card, FACET_KINDS, FacetEntry, FacetKind, FacetList, FacetLists, LibraryQuery, LibraryStatus, LibraryView, PAGE_SIZE, Selection,
  ToHost, ToWebview, TopicPage,
} from '../core/libraryProtocol';
import { visibleMarks } from '../core/inertText';

interface VsCodeApi {
  postMessage(message: ToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

/** What getState/setState keep across hides and reloads. */
interface SavedState {
  query: LibraryQuery;
  back: LibraryQuery[];
  forward: LibraryQuery[];
  selectedKeys: string[];
  scrollY: number;
  /** The facet whose list is open under the facet bar (at most one). */
  openFacets: FacetKind[];
  authorFilter: string;
}

const FACET_TITLES: Record<FacetKind, string> = { authors: 'Authors', topics: 'Topics', venues: 'Venues', years: 'Years', files: 'Collections' };
/** First guess of a card's height before it was measured (px). */
const ESTIMATED_CARD_HEIGHT = 120;
/** Cards rendered above and below the visible ones. */
const OVERSCAN = 6;
const SEARCH_DELAY_MS = 120;
const HISTORY_MAX = 50;

// ---------------------------------------------------------------------------------------
// State

const saved = vscode.getState() as Partial<SavedState> | undefined;
let query: LibraryQuery = validSavedQuery(saved?.query) ?? { text: '', selection: {}, view: { kind: 'results' } };
let back: LibraryQuery[] = (saved?.back ?? []).filter((q) => validSavedQuery(q)).slice(-HISTORY_MAX);
let forward: LibraryQuery[] = (saved?.forward ?? []).filter((q) => validSavedQuery(q)).slice(-HISTORY_MAX);
const selectedKeys = new Set<string>(Array.isArray(saved?.selectedKeys) ? saved!.selectedKeys.filter((k) => typeof k === 'string') : []);
/** The facet whose list is open under the compact facet bar (none at first: the cards get the room). */
// (A saved list of several is the state of the earlier facet sidebar: start closed.)
let openFacet: FacetKind | undefined = Array.isArray(saved?.openFacets) && saved!.openFacets.length === 1 ? saved!.openFacets.find((k) => FACET_KINDS.includes(k)) : undefined;
let authorFilter = typeof saved?.authorFilter === 'string' ? saved.authorFilter : '';
let restoreScrollY = typeof saved?.scrollY === 'number' ? saved.scrollY : 0;

let requestId = 0;
let currentRequest = 0;
let status: LibraryStatus = { ready: false, papers: 0, collections: 0 };
let total = 0;
let capped = false;
let facets: FacetLists | undefined;
let page: AuthorPage | TopicPage | undefined;
/** Cards by result index (only those received). */
let cards = new Map<number, Card>();
let heights: number[] = [];
const pendingPages = new Set<number>();
let focusedIndex = -1;
let resultsShown = false;

function validSavedQuery(q: unknown): LibraryQuery | undefined {
  if (!q || typeof q !== 'object') return undefined;
  const o = q as LibraryQuery;
  if (typeof o.text !== 'string' || !o.selection || typeof o.selection !== 'object' || !o.view) return undefined;
  if (o.view.kind !== 'results' && (typeof (o.view as { id?: unknown }).id !== 'string' || (o.view.kind !== 'author' && o.view.kind !== 'topic'))) return undefined;
  const selection: Selection = {};
  for (const k of FACET_KINDS) {
    const v = (o.selection as Record<string, unknown>)[k];
    if (Array.isArray(v)) selection[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return { text: o.text, selection, view: o.view };
}

function saveState(): void {
  const state: SavedState = {
    query,
    back,
    forward,
    selectedKeys: [...selectedKeys],
    scrollY: window.scrollY,
    openFacets: openFacet ? [openFacet] : [],
    authorFilter,
  };
  vscode.setState(state);
}

function post(message: ToHost): void {
  vscode.postMessage(message);
}

// ---------------------------------------------------------------------------------------
// DOM helpers (text only)

/** Control, bidi and zero-width characters shown as visible marks (src/core/inertText.ts). */
const visibleText = visibleMarks;

type Attrs = Record<string, string>;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string, attrs?: Attrs): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = visibleText(text);
  if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, visibleText(v));
  return e;
}

function button(text: string, className: string, label: string, onClick: (ev: MouseEvent) => void, attrs?: Attrs): HTMLButtonElement {
  const b = el('button', className, text, { type: 'button', 'aria-label': label, title: label, ...attrs });
  b.addEventListener('click', onClick);
  return b;
}

// ---------------------------------------------------------------------------------------
// Layout

const app = document.getElementById('app')!;
app.textContent = '';
app.removeAttribute('aria-busy');

const header = el('header', 'top');
const searchRow = el('div', 'search-row');
const navBack = button('←', 'icon-button', 'Back', () => goBack());
const navForward = button('→', 'icon-button', 'Forward', () => goForward());
const search = el('input', 'search', undefined, {
  type: 'search',
  placeholder: 'Search key, authors, title, year, venue, abstract, keywords',
  'aria-label': 'Search papers',
  spellcheck: 'false',
});
search.value = query.text;
searchRow.append(navBack, navForward, search);
const statusLine = el('div', 'status', '', { role: 'status', 'aria-live': 'polite' });
const chips = el('div', 'chips', undefined, { 'aria-label': 'Active filters' });
const facetPane = el('nav', 'facets', undefined, { 'aria-label': 'Facets' });
header.append(searchRow, facetPane, statusLine, chips);

const layout = el('div', 'layout');
const main = el('main', 'results-pane');
const pageHeader = el('section', 'page-header', undefined, { 'aria-live': 'polite' });
const selectionBar = el('div', 'selection-bar', undefined, { role: 'toolbar', 'aria-label': 'Selected papers' });
const emptyState = el('div', 'empty');
const list = el('div', 'cards', undefined, { role: 'list', 'aria-label': 'Papers' });
main.append(pageHeader, selectionBar, emptyState, list);
layout.append(main);
const notice = el('div', 'notice', '', { role: 'status', 'aria-live': 'polite' });
app.append(header, layout, notice);

// ---------------------------------------------------------------------------------------
// Queries

let searchTimer: ReturnType<typeof setTimeout> | undefined;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    query = { ...query, text: search.value };
    runQuery(true);
  }, SEARCH_DELAY_MS);
});
search.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown') {
    e.preventDefault();
    focusCard(0);
  } else if (e.key === 'Escape' && search.value) {
    search.value = '';
    query = { ...query, text: '' };
    runQuery(true);
  }
});

/** Asks the host for the current query's first page and facets. */
function runQuery(resetScroll: boolean): void {
  currentRequest = ++requestId;
  pendingPages.clear();
  if (resetScroll) {
    restoreScrollY = 0;
    focusedIndex = -1;
  }
  post({ type: 'query', requestId: currentRequest, query, limit: PAGE_SIZE });
  saveState();
}

/** Changes the query as a new history step (Back returns to the previous one). */
function navigate(next: LibraryQuery): void {
  back.push(query);
  if (back.length > HISTORY_MAX) back.shift();
  forward = [];
  query = next;
  search.value = query.text;
  runQuery(true);
}

function goBack(): void {
  const prev = back.pop();
  if (!prev) return;
  forward.push(query);
  query = prev;
  search.value = query.text;
  runQuery(true);
}

function goForward(): void {
  const next = forward.pop();
  if (!next) return;
  back.push(query);
  query = next;
  search.value = query.text;
  runQuery(true);
}

function openAuthor(id: string): void {
  navigate({ text: '', selection: {}, view: { kind: 'author', id } });
}

function openTopic(id: string): void {
  navigate({ text: '', selection: {}, view: { kind: 'topic', id } });
}

function toggleFacet(kind: FacetKind, id: string): void {
  const current = query.selection[kind] ?? [];
  const values = current.includes(id) ? current.filter((v) => v !== id) : [...current, id];
  const selection: Selection = { ...query.selection, [kind]: values };
  if (!values.length) delete selection[kind];
  query = { ...query, selection };
  runQuery(true);
}

function clearFilters(): void {
  query = { ...query, text: '', selection: {} };
  search.value = '';
  runQuery(true);
}

// ---------------------------------------------------------------------------------------
// Messages from the host

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'results':
      if (m.requestId !== currentRequest) return;
      status = m.status;
      total = m.total;
      capped = m.capped;
      facets = m.facets;
      page = m.page;
      cards = new Map(m.cards.map((c, i) => [i, c]));
      heights = new Array(total).fill(ESTIMATED_CARD_HEIGHT);
      resultsShown = true;
      renderAll();
      if (restoreScrollY) {
        window.scrollTo(0, restoreScrollY);
        restoreScrollY = 0;
        renderCards();
      }
      return;
    case 'page':
      if (m.requestId !== currentRequest) return;
      pendingPages.delete(m.offset);
      m.cards.forEach((c, i) => cards.set(m.offset + i, c));
      renderCards();
      return;
    case 'facetValues':
      if (m.requestId !== currentRequest || !facets) return;
      if (m.kind === 'authors') renderFacetValues('authors', m.list);
      return;
    case 'changed':
      restoreScrollY = window.scrollY;
      runQuery(false);
      return;
    case 'notice':
      showNotice(m.text);
      return;
    case 'reference': {
      references.set(m.key, { style: m.style, spans: m.spans });
      for (const [, r] of rendered) if (r.key === m.key) showReference(r.card, m.key);
      measure();
      return;
    }
  }
});

/** Formatted references received, by key (asked for on demand, one card at a time). */
const references = new Map<string, { style: string; spans: Array<{ text: string; italic?: boolean; bold?: boolean }> }>();

/** Shows a card's formatted reference (as text: italic runs are <i> elements holding text nodes). */
function showReference(card: HTMLElement, key: string): void {
  const ref = references.get(key);
  const slot = card.querySelector<HTMLElement>('.reference');
  if (!ref || !slot) return;
  slot.textContent = '';
  slot.hidden = false;
  for (const span of ref.spans) {
    const node = span.italic ? el('i', undefined, span.text) : span.bold ? el('b', undefined, span.text) : document.createTextNode(visibleText(span.text));
    slot.append(node);
  }
  slot.append(el('span', 'reference-style', ref.style));
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function showNotice(text: string): void {
  notice.textContent = visibleText(text);
  notice.classList.add('visible');
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => notice.classList.remove('visible'), 4000);
}

// ---------------------------------------------------------------------------------------
// Rendering

function renderAll(): void {
  navBack.disabled = back.length === 0;
  navForward.disabled = forward.length === 0;
  renderStatus();
  renderChips();
  renderPageHeader();
  renderFacets();
  renderSelectionBar();
  renderEmpty();
  list.textContent = '';
  rendered.clear();
  renderCards();
  saveState();
}

function renderStatus(): void {
  if (!status.ready) statusLine.textContent = 'Indexing the workspace’s collections…';
  else if (status.papers === 0) statusLine.textContent = '';
  else {
    const filtered = query.text.trim() || Object.values(query.selection).some((v) => v && v.length) || query.view.kind !== 'results';
    const papers = `${status.papers.toLocaleString('en')} papers in ${status.collections} collection${status.collections === 1 ? '' : 's'}`;
    statusLine.textContent = filtered ? `${total.toLocaleString('en')}${capped ? '+' : ''} matching · ${papers}` : papers;
  }
}

function facetLabel(kind: FacetKind, id: string): string {
  const found = facets?.[kind].values.find((v) => v.id === id);
  if (found) return found.label;
  if (kind === 'authors' && page?.kind === 'author') return page.coauthors.find((c) => c.id === id)?.label ?? id;
  return id;
}

function renderChips(): void {
  chips.textContent = '';
  let any = false;
  if (query.view.kind !== 'results' && page) {
    const what = page.kind === 'author' ? 'Author' : 'Topic';
    const label = page.kind === 'author' ? page.name : page.label;
    chips.append(button(`${what}: ${label} ×`, 'chip page-chip', `Leave the ${what.toLowerCase()} page of ${label}: all papers`, () => navigate({ ...query, view: { kind: 'results' } })));
  }
  for (const kind of FACET_KINDS) {
    for (const id of query.selection[kind] ?? []) {
      any = true;
      const label = facetLabel(kind, id);
      chips.append(button(`${label} ×`, 'chip', `Remove filter ${FACET_TITLES[kind]}: ${label}`, () => toggleFacet(kind, id)));
    }
  }
  if (any || query.text.trim()) chips.append(button('Clear all', 'chip clear', 'Clear the search and all filters', () => clearFilters()));
}

function renderPageHeader(): void {
  pageHeader.textContent = '';
  pageHeader.hidden = !page;
  if (!page) return;
  if (page.kind === 'author') {
    pageHeader.append(el('h2', 'page-title', page.name), el('div', 'page-meta', `${page.papers} paper${page.papers === 1 ? '' : 's'}${page.firstYear ? ` · active ${page.firstYear === page.lastYear ? page.firstYear : `${page.firstYear}–${page.lastYear}`}` : ''}`));
    if (page.coauthors.length) {
      pageHeader.append(el('h3', 'page-sub', 'Co-authors'));
      const co = el('div', 'people', undefined, { role: 'list', 'aria-label': 'Co-authors' });
      for (const c of page.coauthors) {
        const b = button(c.label, 'person', `${c.label}: ${c.count} shared paper${c.count === 1 ? '' : 's'}`, () => openAuthor(c.id), { role: 'listitem' });
        b.append(el('span', 'count', String(c.count)));
        co.append(b);
      }
      pageHeader.append(co);
    }
  } else {
    const title = el('h2', 'page-title', page.label);
    if (page.derived) title.append(el('span', 'derived-tag', 'derived', { title: 'Derived from titles and abstracts' }));
    pageHeader.append(title, el('div', 'page-meta', `Topic · ${page.papers} paper${page.papers === 1 ? '' : 's'}`));
    if (page.authors.length) {
      pageHeader.append(el('h3', 'page-sub', 'Most frequent authors'));
      const people = el('div', 'people', undefined, { role: 'list', 'aria-label': 'Most frequent authors' });
      for (const a of page.authors) {
        const b = button(a.label, 'person', `${a.label}: ${a.count} paper${a.count === 1 ? '' : 's'} on this topic`, () => openAuthor(a.id), { role: 'listitem' });
        b.append(el('span', 'count', String(a.count)));
        people.append(b);
      }
      pageHeader.append(people);
    }
  }
}

const facetBodies = new Map<FacetKind, HTMLElement>();

/**
 * Facets as a compact bar: one button per kind with its count; a button opens that kind's
 * list (or the year chart) in a panel under the bar, one at a time, so the cards keep the room.
 */
function renderFacets(): void {
  facetPane.textContent = '';
  facetBodies.clear();
  facetPane.hidden = !facets || status.papers === 0;
  if (!facets) return;
  const bar = el('div', 'facet-bar', undefined, { role: 'toolbar', 'aria-label': 'Facets' });
  for (const kind of FACET_KINDS) {
    const selected = query.selection[kind]?.length ?? 0;
    const open = openFacet === kind;
    const label = `${FACET_TITLES[kind]}: ${facets[kind].total.toLocaleString('en')} value${facets[kind].total === 1 ? '' : 's'}${selected ? `, ${selected} selected` : ''}`;
    const b = button(FACET_TITLES[kind], `facet-button facet-button-${kind}${selected ? ' active' : ''}`, label, () => {
      openFacet = openFacet === kind ? undefined : kind;
      renderFacets();
      saveState();
      if (openFacet) facetPane.querySelector<HTMLElement>('.facet-panel input, .facet-panel button')?.focus();
    }, { 'aria-expanded': String(open) });
    b.append(el('span', 'count', selected ? `${selected}/${facets[kind].total.toLocaleString('en')}` : facets[kind].total.toLocaleString('en')));
    bar.append(b);
  }
  facetPane.append(bar);
  if (!openFacet) return;
  const kind = openFacet;
  const panel = el('div', `facet facet-panel facet-${kind}`, undefined, { role: 'group', 'aria-label': FACET_TITLES[kind] });
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      openFacet = undefined;
      renderFacets();
      saveState();
      facetPane.querySelector<HTMLElement>(`.facet-button-${kind}`)?.focus();
    }
  });
  const head = el('div', 'facet-panel-head', FACET_TITLES[kind]);
  if (query.selection[kind]?.length) head.append(button('clear', 'link-button', `Clear the ${FACET_TITLES[kind]} filter`, () => {
    const selection = { ...query.selection };
    delete selection[kind];
    query = { ...query, selection };
    runQuery(true);
  }));
  head.append(button('×', 'icon-button close', `Close the ${FACET_TITLES[kind]} list`, () => {
    openFacet = undefined;
    renderFacets();
    saveState();
  }));
  panel.append(head);
  if (kind === 'authors') {
    const filter = el('input', 'facet-filter', undefined, { type: 'search', placeholder: 'Filter authors', 'aria-label': 'Filter authors' });
    filter.value = authorFilter;
    let timer: ReturnType<typeof setTimeout> | undefined;
    filter.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        authorFilter = filter.value;
        saveState();
        post({ type: 'facetSearch', requestId: currentRequest, query, kind: 'authors', filter: authorFilter });
      }, SEARCH_DELAY_MS);
    });
    panel.append(filter);
  }
  const body = el('div', 'facet-body');
  facetBodies.set(kind, body);
  panel.append(body);
  facetPane.append(panel);
  renderFacetValues(kind, facets[kind]);
  if (kind === 'authors' && authorFilter.trim()) post({ type: 'facetSearch', requestId: currentRequest, query, kind: 'authors', filter: authorFilter });
}

function renderFacetValues(kind: FacetKind, list: FacetList): void {
  const body = facetBodies.get(kind);
  if (!body) return;
  body.textContent = '';
  if (kind === 'years') {
    body.append(yearChart(list.values));
    return;
  }
  const ul = el('ul', 'facet-values', undefined, { 'aria-label': FACET_TITLES[kind] });
  for (const v of list.values) ul.append(facetValue(kind, v));
  body.append(ul);
  if (!list.values.length) body.append(el('div', 'muted', 'None'));
  else if (list.total > list.values.length) body.append(el('div', 'muted', `${list.values.length} of ${list.total.toLocaleString('en')}${kind === 'authors' ? ' · filter to find others' : ''}`));
}

function facetValue(kind: FacetKind, v: FacetEntry): HTMLElement {
  const li = el('li');
  const pressed = query.selection[kind]?.includes(v.id) ?? false;
  const b = button(v.label, 'facet-value', `${FACET_TITLES[kind]}: ${v.label}, ${v.count} paper${v.count === 1 ? '' : 's'}${v.derived ? ' (derived topic)' : ''}`, () => toggleFacet(kind, v.id), {
    'aria-pressed': String(pressed),
  });
  if (v.derived) b.classList.add('derived');
  b.append(el('span', 'count', v.count.toLocaleString('en')));
  li.append(b);
  if (kind === 'authors' || kind === 'topics') {
    li.append(button('›', 'icon-button go', `Open the ${kind === 'authors' ? 'author' : 'topic'} page of ${v.label}`, () => (kind === 'authors' ? openAuthor(v.id) : openTopic(v.id))));
  }
  return li;
}

/** Longest time axis drawn (years); older years are left off the chart (still in the counts). */
const MAX_CHART_YEARS = 120;

/**
 * Papers per year on a true time axis, oldest to newest: every year in the range has a bar
 * (empty years an empty one), and the year under the pointer or focus is read out with its count.
 */
function yearChart(values: FacetEntry[]): HTMLElement {
  const wrap = el('div', 'year-block');
  const chart = el('div', 'year-chart', undefined, { role: 'group', 'aria-label': 'Papers per year' });
  const counts = new Map<number, FacetEntry>();
  for (const v of values) if (/^\d{4}$/.test(v.id)) counts.set(Number(v.id), v);
  const years = [...counts.keys()];
  if (!years.length) {
    wrap.append(el('div', 'muted', 'No years'));
    return wrap;
  }
  const last = Math.max(...years);
  const first = Math.max(Math.min(...years), last - MAX_CHART_YEARS + 1);
  const max = Math.max(1, ...[...counts.values()].map((y) => y.count));
  const readout = el('div', 'year-readout', '', { 'aria-hidden': 'true' });
  const resting = `${first}–${last} · ${values.reduce((n, v) => n + v.count, 0).toLocaleString('en')} papers`;
  readout.textContent = resting;
  for (let year = first; year <= last; year++) {
    const entry = counts.get(year);
    const count = entry?.count ?? 0;
    const id = String(year);
    const pressed = query.selection.years?.includes(id) ?? false;
    const text = `${year}: ${count} paper${count === 1 ? '' : 's'}`;
    const b = button('', `bar${count ? '' : ' empty'}`, text, () => {
      if (count || pressed) toggleFacet('years', id);
    }, { 'aria-pressed': String(pressed), 'data-year': id });
    // Not `disabled`: a disabled button gets no pointer events, and empty years read out too.
    if (!count && !pressed) b.setAttribute('aria-disabled', 'true');
    const fill = el('span', 'bar-fill');
    // Ten height steps as classes: the CSP forbids inline styles.
    fill.classList.add(count ? `h${Math.max(1, Math.round((count / max) * 10))}` : 'h0');
    b.append(fill);
    const show = () => (readout.textContent = text);
    b.addEventListener('mouseenter', show);
    b.addEventListener('focus', show);
    b.addEventListener('mouseleave', () => (readout.textContent = resting));
    b.addEventListener('blur', () => (readout.textContent = resting));
    chart.append(b);
  }
  const axis = el('div', 'year-axis');
  const middle = Math.round((first + last) / 2);
  axis.append(el('span', undefined, String(first)));
  if (last - first >= 4) axis.append(el('span', undefined, String(middle)));
  if (last !== first) axis.append(el('span', undefined, String(last)));
  wrap.append(readout, chart, axis);
  return wrap;
}

function renderSelectionBar(): void {
  selectionBar.textContent = '';
  selectionBar.hidden = selectedKeys.size === 0;
  if (!selectedKeys.size) return;
  const keys = [...selectedKeys];
  selectionBar.append(
    el('span', 'selection-count', `${keys.length} selected`),
    button('Insert citations', 'primary', `Insert citations of the ${keys.length} selected papers`, () => post({ type: 'insert', keys })),
    button('Copy keys', 'secondary', 'Copy the selected keys', () => post({ type: 'copyKeys', keys })),
    button('Copy references', 'secondary', 'Copy the formatted references of the selected papers', () => post({ type: 'copyReferences', keys })),
    button('Clear selection', 'secondary', 'Clear the selection', () => {
      selectedKeys.clear();
      renderSelectionBar();
      for (const [, e] of rendered) e.card.querySelector<HTMLInputElement>('input.select')!.checked = false;
      saveState();
    }),
  );
}

function renderEmpty(): void {
  emptyState.textContent = '';
  emptyState.hidden = true;
  if (!resultsShown) return;
  if (status.ready && status.papers === 0) {
    emptyState.hidden = false;
    emptyState.append(
      el('h2', undefined, 'No paper collections yet'),
      el('p', undefined, 'CiteLens reads the BibTeX/BibLaTeX (.bib) files of this workspace and the CSL-JSON files named in the setting citelens.bibliographies or by your documents (\\bibliography{…}, \\addbibresource{…}, bibliography: in Markdown front matter).'),
      el('p', undefined, 'Add a .bib file to the workspace (export one from Zotero, Mendeley or your publication list) and it appears here at once. Then search, browse by author and topic, and insert citations into your LaTeX or Markdown document.'),
    );
    return;
  }
  if (status.ready && total === 0) {
    emptyState.hidden = false;
    emptyState.append(el('p', undefined, query.text.trim() ? `No papers match “${query.text.trim()}” with these filters.` : 'No papers match these filters.'));
    emptyState.append(button('Clear search and filters', 'secondary', 'Clear search and filters', () => clearFilters()));
  }
}

// Virtualised list: only the cards near the viewport exist; the list's height is the sum of
// the measured (or estimated) heights, and each card is placed at its offset.

const rendered = new Map<number, { key: string; card: HTMLElement }>();

function offsetOf(index: number): number {
  let y = 0;
  for (let i = 0; i < index; i++) y += heights[i];
  return y;
}

function renderCards(): void {
  const totalHeight = heights.reduce((a, b) => a + b, 0);
  list.style.setProperty('height', `${totalHeight}px`);
  if (!total) return;
  const listTop = list.getBoundingClientRect().top + window.scrollY;
  const viewTop = window.scrollY - listTop;
  const viewBottom = viewTop + window.innerHeight;
  let first = 0;
  let y = 0;
  while (first < total - 1 && y + heights[first] < viewTop) y += heights[first++];
  const start = Math.max(0, first - OVERSCAN);
  let last = first;
  let yy = y;
  while (last < total - 1 && yy < viewBottom) yy += heights[last++];
  const end = Math.min(total - 1, last + OVERSCAN);
  const wanted = new Set<number>();
  for (let i = start; i <= end; i++) wanted.add(i);
  for (const [i, r] of rendered) {
    const c = cards.get(i);
    if (!wanted.has(i) || !c || c.key !== r.key) {
      r.card.remove();
      rendered.delete(i);
    }
  }
  let top = offsetOf(start);
  const missingPages = new Set<number>();
  for (let i = start; i <= end; i++) {
    const c = cards.get(i);
    if (!c) {
      missingPages.add(Math.floor(i / PAGE_SIZE) * PAGE_SIZE);
      top += heights[i];
      continue;
    }
    let r = rendered.get(i);
    if (!r) {
      r = { key: c.key, card: cardElement(c, i) };
      rendered.set(i, r);
      list.append(r.card);
    }
    r.card.style.setProperty('top', `${top}px`);
    top += heights[i];
  }
  // A focused card scrolled far away is dropped like the others; focus returns to the page.
  if (focusedIndex >= 0 && !wanted.has(focusedIndex)) focusedIndex = -1;
  for (const offset of missingPages) {
    if (pendingPages.has(offset)) continue;
    pendingPages.add(offset);
    post({ type: 'page', requestId: currentRequest, query, offset, limit: PAGE_SIZE });
  }
  measure();
}

/** Measures rendered cards; if a height changed, re-places them. */
function measure(): void {
  let changed = false;
  for (const [i, r] of rendered) {
    const h = Math.ceil(r.card.getBoundingClientRect().height) + 8;
    if (h > 8 && Math.abs(h - heights[i]) > 1) {
      heights[i] = h;
      changed = true;
    }
  }
  if (!changed) return;
  list.style.setProperty('height', `${heights.reduce((a, b) => a + b, 0)}px`);
  // Rendered cards are a contiguous run (plus gaps for pages not yet received): one prefix sum.
  const indices = [...rendered.keys()].sort((a, b) => a - b);
  if (!indices.length) return;
  let top = offsetOf(indices[0]);
  for (let i = indices[0], k = 0; k < indices.length; i++) {
    if (i === indices[k]) {
      rendered.get(i)!.card.style.setProperty('top', `${top}px`);
      k++;
    }
    top += heights[i];
  }
}

let scrollFrame = 0;
window.addEventListener('scroll', () => {
  if (scrollFrame) return;
  scrollFrame = requestAnimationFrame(() => {
    scrollFrame = 0;
    renderCards();
    saveState();
  });
});
window.addEventListener('resize', () => renderCards());

function cardElement(c: Card, index: number): HTMLElement {
  const card = el('article', 'card', undefined, { role: 'listitem', tabindex: '0', 'aria-label': `${c.title || c.key}${c.year ? `, ${c.year}` : ''}`, 'data-key': c.key });
  card.dataset.index = String(index);
  if (selectedKeys.has(c.key)) card.classList.add('selected');

  const head = el('div', 'card-head');
  const check = el('input', 'select', undefined, { type: 'checkbox', 'aria-label': `Select ${c.key}` });
  check.checked = selectedKeys.has(c.key);
  check.addEventListener('change', () => toggleSelected(c.key, check.checked, card));
  head.append(check, el('h3', 'title', c.title || '(untitled)'));
  card.append(head);

  const authors = el('div', 'authors');
  c.authors.forEach((a, i) => {
    if (i > 0) authors.append(document.createTextNode(', '));
    authors.append(button(a.label, 'link-button author', `Author page of ${a.label}`, () => openAuthor(a.id)));
  });
  if (c.etAl) authors.append(document.createTextNode(c.authors.length ? ' et al.' : 'et al.'));
  if (c.authors.length || c.etAl) card.append(authors);

  const meta = el('div', 'meta');
  if (c.venue) meta.append(el('span', 'venue', c.venue));
  if (c.year) meta.append(el('span', 'year', c.year));
  meta.append(el('code', 'key', c.key), el('span', 'file', c.file));
  card.append(meta);

  if (c.topics.length) {
    const topics = el('div', 'topics', undefined, { 'aria-label': 'Topics' });
    for (const t of c.topics) {
      const b = button(t.label, `topic${t.derived ? ' derived' : ''}`, `Topic page of ${t.label}${t.derived ? ' (derived from titles and abstracts)' : ''}`, () => openTopic(t.id));
      topics.append(b);
    }
    card.append(topics);
  }

  const reference = el('p', 'reference', undefined, { 'aria-label': 'Formatted reference' });
  reference.hidden = true;
  card.append(reference);
  if (references.has(c.key)) showReference(card, c.key);

  // The abstract opens from the actions row (its summary line would cost every card a line).
  let abstract: HTMLDetailsElement | undefined;
  if (c.abstract) {
    abstract = el('details', 'abstract');
    abstract.append(el('summary', undefined, 'Abstract'), el('p', undefined, c.abstract));
    abstract.addEventListener('toggle', () => measure());
    card.append(abstract);
  }

  const actions = el('div', 'actions');
  actions.append(
    button('Insert citation', 'primary', `Insert a citation of ${c.key}`, () => post({ type: 'insert', keys: selectedKeys.has(c.key) && selectedKeys.size > 1 ? [...selectedKeys] : [c.key] })),
    button('Copy key', 'secondary', `Copy the key ${c.key}`, () => post({ type: 'copyKeys', keys: [c.key] })),
    button('Reference', 'secondary show-reference', `Show the formatted reference of ${c.key}`, () => {
      if (!reference.hidden) {
        reference.hidden = true;
        references.delete(c.key);
        measure();
      } else post({ type: 'formatReference', key: c.key });
    }),
    button('Copy reference', 'secondary', `Copy the formatted reference of ${c.key}`, () => post({ type: 'copyReferences', keys: selectedKeys.has(c.key) && selectedKeys.size > 1 ? [...selectedKeys] : [c.key] })),
    button('Open entry', 'secondary', `Open the entry of ${c.key} in ${c.file}`, () => post({ type: 'openEntry', key: c.key })),
  );
  if (c.hasLink) actions.append(button('Open link', 'secondary', `Open the DOI or URL of ${c.key}`, () => post({ type: 'openLink', key: c.key })));
  if (abstract) {
    const details = abstract;
    const toggle = button('Abstract', 'secondary abstract-toggle', `Show the abstract of ${c.key}`, () => (details.open = !details.open), { 'aria-expanded': 'false' });
    details.addEventListener('toggle', () => toggle.setAttribute('aria-expanded', String(details.open)));
    actions.append(toggle);
  }
  card.append(actions);

  card.addEventListener('focus', () => {
    focusedIndex = index;
  });
  card.addEventListener('keydown', (e) => {
    if (e.target !== card) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusCard(index + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      post({ type: 'insert', keys: selectedKeys.size > 1 && selectedKeys.has(c.key) ? [...selectedKeys] : [c.key] });
    } else if (e.key === ' ') {
      e.preventDefault();
      check.checked = !check.checked;
      toggleSelected(c.key, check.checked, card);
    }
  });
  return card;
}

function toggleSelected(key: string, on: boolean, card: HTMLElement): void {
  if (on) selectedKeys.add(key);
  else selectedKeys.delete(key);
  card.classList.toggle('selected', on);
  renderSelectionBar();
  saveState();
}

/** Moves keyboard focus to card `index`, scrolling it into view (rendering it if needed). */
function focusCard(index: number): void {
  if (index < 0) {
    search.focus();
    return;
  }
  if (index >= total) return;
  const listTop = list.getBoundingClientRect().top + window.scrollY;
  const top = listTop + offsetOf(index);
  if (top < window.scrollY + 10 || top + heights[index] > window.scrollY + window.innerHeight) window.scrollTo(0, Math.max(0, top - 60));
  focusedIndex = index;
  renderCards();
  const r = rendered.get(index);
  if (r) r.card.focus({ preventScroll: true });
}

// Start: ask for the saved (or empty) query.
renderStatus();
statusLine.textContent = 'Loading the library…';
post({ type: 'ready' });
runQuery(false);
