// UI test: the library webview in the real workbench (code-server + Chromium). A person opens
// the library, searches, follows an author and a topic, inserts citations into a LaTeX and a
// Markdown document, and hostile entries render as inert text. Screenshots of the light and
// dark themes go to .test-artifacts/. Run: node test/ui/library.test.js
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pickColorTheme, uiTests } = require('./driver');
const { repoRoot } = require('../../scripts/vscode/server');

// The fixture workspace plus a collection of hostile entries (written here so the other
// suites' counts do not change).
const LONG_TITLE = 'Long' + 'x'.repeat(100_000);
const HOSTILE_BIB = String.raw`
@misc{hostileHtml,
  author = {<script>window.__pwned = 'author'</script>, Mallory},
  title = {<img src=x onerror="window.__pwned='img';alert(1)"> Hostile HTML title},
  abstract = {<svg onload="window.__pwned='svg'"><circle r="5"/></svg> and <iframe src="javascript:alert(3)"></iframe>},
  journal = {<a href="javascript:alert(2)">venue link</a>},
  keywords = {<b onmouseover="alert(4)">bold topic</b>},
  year = {2023},
}
@misc{hostileCss,
  author = {Eve, Evil},
  title = {</style><style>body { display: none }</style> CSS breakout},
  journal = {<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:red">overlay</div>},
  year = {2022},
}
@misc{hostileLinks,
  author = {Eve, Evil},
  title = {Hostile links paper},
  url = {javascript:window.__pwned='url'},
  doi = {command:workbench.action.terminal.new},
  year = {2021},
}
@misc{hostileLong,
  author = {Eve, Evil},
  title = {${LONG_TITLE}},
  year = {2020},
}
@misc{hostileRtl,
  author = {Eve, Evil},
  title = {Invoice \u202Efdp.exe report},
  year = {2019},
}
@misc{oldPaper,
  author = {Old, Ada},
  title = {An old paper: the years 2009 to 2014 stay empty on the chart},
  year = {2008},
}
`.replace('\\u202E', '\u202E');

function workspaceWithHostileEntries() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citelens-library-ws-'));
  const ws = path.join(dir, 'workspace');
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'hostile.bib'), HOSTILE_BIB);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return ws;
}

let dialogs = [];
let frame;

/** Opens the library panel (once) and returns its webview frame. */
async function library(ui) {
  if (frame && !frame.isDetached()) {
    const alive = await frame.$('input.search').catch(() => null);
    if (alive) return frame;
  }
  // Keys typed while the webview has focus stay there: focus the workbench first.
  await ui.page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 200, y: 300 } }).catch(() => {});
  await ui.command('CiteLens: Open Library');
  frame = await ui.webviewFrame('input.search');
  await frame.waitForSelector('.card', { timeout: 30000 });
  return frame;
}

/** Types a query into the search box (replacing it) and waits until the first card is `expectKey`. */
async function search(f, text, expectKey) {
  // Searches here are over all papers, not within an author's or topic's page.
  const pageChip = await f.$('.chip.page-chip');
  if (pageChip) {
    await pageChip.click();
    await f.waitForSelector('.chip.page-chip', { state: 'detached', timeout: 15000 });
  }
  await f.fill('input.search', '');
  await f.type('input.search', text, { delay: 15 });
  if (!expectKey) return;
  const deadline = Date.now() + 15000;
  let keys = [];
  while (Date.now() < deadline) {
    keys = await cardKeys(f);
    if (keys[0] === expectKey) return;
    await f.waitForTimeout(100);
  }
  throw new Error(`after typing ${JSON.stringify(text)} the first card is ${keys[0]}, not ${expectKey} (${keys.slice(0, 5).join(', ')})`);
}

/** Opens one facet's list from the facet bar (if it is not open already). */
async function openFacet(f, kind) {
  if (await f.$(`.facet-panel.facet-${kind}`)) return;
  await f.click(`.facet-button-${kind}`);
  await f.waitForSelector(`.facet-panel.facet-${kind}`, { timeout: 5000 });
}

async function closeFacets(f) {
  const open = await f.$('.facet-button[aria-expanded="true"]');
  if (!open) return;
  await open.click();
  await f.waitForSelector('.facet-panel', { state: 'detached', timeout: 5000 });
}

/** The library webview frame other than `f` (the sidebar view when `f` is the panel). */
async function otherLibraryFrame(ui, f) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    for (const frame of ui.page.frames()) {
      if (frame === f || frame === ui.page.mainFrame() || frame.isDetached()) continue;
      if (await frame.$('input.search').catch(() => null)) return frame;
    }
    await ui.page.waitForTimeout(200);
  }
  throw new Error('no second library webview');
}

/** Cards wholly inside the webview's viewport (below the sticky header). */
async function fullyVisibleCards(f) {
  return f.evaluate(() => {
    const headerBottom = document.querySelector('header.top').getBoundingClientRect().bottom;
    return [...document.querySelectorAll('.card')].filter((c) => {
      const r = c.getBoundingClientRect();
      return r.top >= headerBottom - 1 && r.bottom <= window.innerHeight + 1;
    }).length;
  });
}

async function cardKeys(f) {
  return f.$$eval('.card', (cards) => cards.sort((a, b) => a.offsetTop - b.offsetTop).map((c) => c.getAttribute('data-key')));
}

uiTests(
  'library',
  { workspace: workspaceWithHostileEntries(), timeoutMs: 90000, settings: { 'workbench.colorTheme': 'Default Light Modern' } },
  [
    [
      'open the library, type a query, see matching cards',
      async (ui) => {
        ui.page.on('dialog', (d) => {
          dialogs.push(d.message());
          d.dismiss().catch(() => {});
        });
        await openEditor(ui, 'notes.md');
        await openEditor(ui, 'paper.tex');
        const f = await library(ui);
        const status = await f.textContent('.status');
        if (!/papers in \d+ collections/.test(status)) throw new Error(`status: ${status}`);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        const title = await f.textContent('.card[data-key="kirchhof2024pretrained"] .title');
        if (!/Pretrained Visual Uncertainties/.test(title)) throw new Error(`title: ${title}`);
        if (!/matching/.test(await f.textContent('.status'))) throw new Error('status does not count the matches');
        // Virtualised: with every paper listed, only the cards near the viewport exist.
        await search(f, '', undefined);
        await f.waitForFunction(() => !/matching/.test(document.querySelector('.status')?.textContent || ''), null, { timeout: 15000 });
        const total = Number((await f.textContent('.status')).match(/^(\d+) papers/)[1]);
        const inDom = await f.$$eval('.card', (els) => els.length);
        if (!(total > 100 && inDom > 0 && inDom < total / 2)) throw new Error(`${inDom} cards in the DOM for ${total} papers`);
      },
    ],
    [
      'Copy key and Open entry',
      async (ui) => {
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.click('.card[data-key="kirchhof2024pretrained"] button:has-text("Copy key")');
        await f.waitForFunction(() => /Copied kirchhof2024pretrained/.test(document.querySelector('.notice')?.textContent || ''), null, { timeout: 15000 });
        await f.click('.card[data-key="kirchhof2024pretrained"] button:has-text("Open entry")');
        await ui.page.waitForSelector('.tabs-container .tab.active[aria-label*="oh-group.bib"]', { timeout: 15000 });
        // The entry's line is the one with the cursor, and the library stays in view beside it.
        const line = await ui.currentLineText();
        if (!line.includes('kirchhof2024pretrained')) throw new Error(`cursor line in oh-group.bib: ${JSON.stringify(line)}`);
        if (!(await f.$('input.search').catch(() => null))) throw new Error('the library was hidden by the opened entry');
        // Close it again (its tab's close button), so the next tests find the editor they left.
        await ui.page.click('.tabs-container .tab[aria-label*="oh-group.bib"] .tab-actions .action-label');
        await ui.page.waitForSelector('.tabs-container .tab[aria-label*="oh-group.bib"]', { state: 'detached', timeout: 15000 });
      },
    ],
    [
      'click an author: their papers and co-authors; back returns',
      async (ui) => {
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.click('.card[data-key="kirchhof2024pretrained"] .author >> text=Seong Joon Oh');
        await f.waitForSelector('.page-header .page-title', { timeout: 15000 });
        const name = await f.textContent('.page-title');
        if (name.trim() !== 'Seong Joon Oh') throw new Error(`page title ${name}`);
        const meta = await f.textContent('.page-meta');
        if (!/\d+ papers · active \d{4}–\d{4}/.test(meta)) throw new Error(`page meta ${meta}`);
        const coauthors = await f.$$eval('.page-header .person', (els) => els.map((e) => e.getAttribute('aria-label')));
        if (!coauthors.some((c) => /^Michael Kirchhof: \d+ shared papers?$/.test(c))) throw new Error(`co-authors: ${coauthors.slice(0, 5).join(' | ')}`);
        // Every paper on the page has the author.
        const authorsOfCards = await f.$$eval('.card .authors', (els) => els.map((e) => e.textContent));
        if (!authorsOfCards.length || !authorsOfCards.every((a) => /Seong Joon Oh/.test(a))) throw new Error('a card without the author');
        await ui.screenshot('library-author');
        // A co-author is clickable.
        await f.click('.page-header .person >> text=Michael Kirchhof');
        await f.waitForFunction(() => document.querySelector('.page-title')?.textContent === 'Michael Kirchhof', null, { timeout: 15000 });
        await f.click('button[aria-label="Back"]');
        await f.waitForFunction(() => document.querySelector('.page-title')?.textContent === 'Seong Joon Oh', null, { timeout: 15000 });
        await f.click('button[aria-label="Forward"]');
        await f.waitForFunction(() => document.querySelector('.page-title')?.textContent === 'Michael Kirchhof', null, { timeout: 15000 });
      },
    ],
    [
      'click a topic: its papers and most frequent authors; a facet filters and clears',
      async (ui) => {
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.click('.card[data-key="kirchhof2024pretrained"] .topic >> text=/^uncertainty$/i');
        await f.waitForSelector('.page-header .page-title', { timeout: 15000 });
        const meta = await f.textContent('.page-meta');
        const n = Number(/(\d+) papers?/.exec(meta)?.[1]);
        if (!(n >= 3)) throw new Error(`topic meta: ${meta}`);
        const people = await f.$$eval('.page-header .person', (els) => els.length);
        if (!people) throw new Error('no frequent authors on the topic page');
        const topicsOfCards = await f.$$eval('.card .topics', (els) => els.map((e) => e.textContent.toLowerCase()));
        if (!topicsOfCards.every((t) => t.includes('uncertainty'))) throw new Error('a card without the topic');
        // Facets: open the Years list from the facet bar, pick a year, the chip appears, clear it.
        await openFacet(f, 'years');
        await f.click('.year-chart .bar[aria-label^="2024"]');
        await f.waitForSelector('.chip >> text=/2024 ×/', { timeout: 15000 });
        const years = await f.$$eval('.card .year', (els) => els.map((e) => e.textContent));
        if (!years.length || years.some((y) => y !== '2024')) throw new Error(`years after the 2024 filter: ${years.join(',')}`);
        await f.click('.chip >> text=/2024 ×/');
        await f.waitForSelector('.chip >> text=/2024 ×/', { state: 'detached', timeout: 15000 });
      },
    ],
    [
      'compact facets: a bar of buttons with counts; a button opens its list; the cards keep the room',
      async (ui) => {
        const f = await library(ui);
        await search(f, '', undefined);
        await closeFacets(f);
        const buttons = await f.$$eval('.facet-bar .facet-button', (els) => els.map((e) => e.textContent));
        if (buttons.length !== 5 || !buttons.every((b) => /^(Authors|Topics|Venues|Years|Collections)[\d,/]+$/.test(b))) throw new Error(`facet bar: ${buttons.join(' | ')}`);
        if (await f.$('.facet-panel')) throw new Error('a facet list is open at first');
        // At 1600×857 the panel beside the editor shows at least 4 whole cards, the sidebar view at least 2.
        await ui.page.setViewportSize({ width: 1600, height: 857 });
        try {
          await ui.page.waitForTimeout(800);
          const shown = await fullyVisibleCards(f);
          if (shown < 4) throw new Error(`${shown} cards fully visible in the panel at 1600×857`);
          await ui.command('CiteLens: Focus on Library View');
          const side = await otherLibraryFrame(ui, f);
          await side.waitForSelector('.card', { timeout: 30000 });
          await ui.page.waitForTimeout(800);
          const inSidebar = await fullyVisibleCards(side);
          await ui.screenshot('library-sidebar-1600');
          if (inSidebar < 2) throw new Error(`${inSidebar} cards fully visible in the sidebar at 1600×857`);
          await ui.command('View: Show Explorer');
        } finally {
          await ui.page.setViewportSize({ width: 1400, height: 900 });
        }
        await openFacet(f, 'topics');
        const topics = await f.$$eval('.facet-panel.facet-topics .facet-value', (els) => els.map((e) => e.getAttribute('aria-label')));
        if (!topics.length) throw new Error('the Topics list is empty');
        // One arXiv category is one topic (keyword "cs.LG" and class cs.LG merged).
        const arxiv = topics.filter((t) => /\bcs\.LG\b/i.test(t));
        if (arxiv.length > 1) throw new Error(`cs.LG listed ${arxiv.length} times: ${arxiv.join(' | ')}`);
        await ui.screenshot('library-facets-topics');
        // Another button switches the panel; Escape closes it.
        await openFacet(f, 'authors');
        if (await f.$('.facet-panel.facet-topics')) throw new Error('two facet lists open');
        await f.press('.facet-panel .facet-filter', 'Escape');
        await f.waitForSelector('.facet-panel', { state: 'detached', timeout: 5000 });
      },
    ],
    [
      'the year chart: a true time axis with empty years, the year under the pointer read out',
      async (ui) => {
        const f = await library(ui);
        await search(f, '', undefined);
        await openFacet(f, 'years');
        const bars = await f.$$eval('.year-chart .bar', (els) => els.map((e) => [e.getAttribute('data-year'), e.classList.contains('empty')]));
        const years = bars.map(([y]) => Number(y));
        for (let i = 1; i < years.length; i++) if (years[i] !== years[i - 1] + 1) throw new Error(`the axis skips from ${years[i - 1]} to ${years[i]}`);
        // The earliest paper of the fixture workspace is Knuth's 1986 book (typst/works.yml).
        if (years[0] !== 1986) throw new Error(`first year ${years[0]}`);
        const empty = bars.filter(([, e]) => e).map(([y]) => y);
        if (!['1987', '2009', '2010', '2014'].every((y) => empty.includes(y))) throw new Error(`empty years: ${empty.join(',')}`);
        await f.hover('.year-chart .bar[data-year="2010"]');
        await f.waitForFunction(() => document.querySelector('.year-readout')?.textContent === '2010: 0 papers', null, { timeout: 5000 });
        await f.hover('.year-chart .bar[data-year="2024"]');
        await f.waitForFunction(() => /^2024: \d+ papers$/.test(document.querySelector('.year-readout')?.textContent || ''), null, { timeout: 5000 });
        await ui.screenshot('library-years');
        // An empty year filters nothing.
        // (force: Playwright waits for an aria-disabled button to become enabled.)
        await f.click('.year-chart .bar[data-year="2010"]', { force: true });
        await f.waitForTimeout(300);
        if (await f.$('.chip >> text=/2010 ×/')) throw new Error('an empty year became a filter');
        await closeFacets(f);
      },
    ],
    [
      'Reference shows the formatted reference on the card; Copy reference copies it',
      async (ui) => {
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        const card = '.card[data-key="kirchhof2024pretrained"]';
        await f.click(`${card} button.show-reference`);
        await f.waitForSelector(`${card} .reference:not([hidden])`, { timeout: 15000 });
        const text = await f.textContent(`${card} .reference`);
        if (!/Kirchhof, M\., Collier, M\., Oh, S\. J\., & Kasneci, E\. \(2024\)\. Pretrained Visual Uncertainties/.test(text)) throw new Error(`reference: ${text}`);
        // Italics are elements holding text, never parsed markup.
        const italic = await f.$$eval(`${card} .reference i`, (els) => els.map((e) => e.textContent));
        if (!italic.includes('Pretrained Visual Uncertainties')) throw new Error(`italic runs: ${italic.join(' | ')}`);
        await ui.screenshot('library-reference');
        await f.click(`${card} button:has-text("Copy reference")`);
        await f.waitForFunction(() => /Copied the reference of kirchhof2024pretrained \(American Psychological Association/.test(document.querySelector('.notice')?.textContent || ''), null, { timeout: 15000 });
        const clip = await ui.page.evaluate(() => navigator.clipboard.readText()).catch(() => undefined);
        if (clip !== undefined && !clip.startsWith('Kirchhof, M., Collier, M., Oh, S. J., & Kasneci, E. (2024).')) throw new Error(`clipboard: ${clip}`);
      },
    ],
    [
      'Insert citation into a .tex editor at the cursor; several selected papers at once',
      async (ui) => {
        await openEditor(ui, 'paper.tex');
        await ui.focusEditor();
        await ui.page.keyboard.press('Control+End');
        await ui.type('\nInserted here: ');
        await ui.page.keyboard.press('Escape'); // completion's suggest widget
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.click('.card[data-key="kirchhof2024pretrained"] button:has-text("Insert citation")');
        await waitForEditorText(ui, 'paper.tex', 'Inserted here: \\cite{kirchhof2024pretrained}');
        // Still in the key list? The cursor is after the `}` now: a second insert starts a new cite.
        // Select two papers and insert them at once.
        await search(f, 'hedged', 'joon2019iclr');
        const second = (await cardKeys(f))[0];
        await f.check(`.card[data-key="${second}"] input.select`);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.check('.card[data-key="kirchhof2024pretrained"] input.select');
        await f.click('.selection-bar button:has-text("Insert citations")');
        await waitForEditorText(ui, 'paper.tex', `\\cite{kirchhof2024pretrained}\\cite{${second}, kirchhof2024pretrained}`);
        await f.click('.selection-bar button:has-text("Clear selection")');
      },
    ],
    [
      'Insert citation inside an existing key list adds `, key`',
      async (ui) => {
        await openEditor(ui, 'paper.tex');
        await ui.focusEditor();
        await ui.page.keyboard.press('Control+End');
        await ui.type('\nList \\cite{park2023nearest');
        await ui.page.keyboard.press('Escape'); // completion's suggest widget
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.click('.card[data-key="kirchhof2024pretrained"] button:has-text("Insert citation")');
        await waitForEditorText(ui, 'paper.tex', 'List \\cite{park2023nearest, kirchhof2024pretrained');
      },
    ],
    [
      'Insert citation into a Markdown document: [@key], then `; @key` inside the bracket',
      async (ui) => {
        await openEditor(ui, 'notes.md');
        await ui.focusEditor();
        await ui.page.keyboard.press('Control+End');
        await ui.type('\nMarkdown insert: ');
        await ui.page.keyboard.press('Escape'); // completion's suggest widget
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.click('.card[data-key="kirchhof2024pretrained"] button:has-text("Insert citation")');
        await waitForEditorText(ui, 'notes.md', 'Markdown insert: [@kirchhof2024pretrained]');
        await openEditor(ui, 'notes.md');
        await ui.focusEditor();
        await ui.page.keyboard.press('Control+End');
        await ui.type('\nBracket [@park2023nearest, p. 3');
        await ui.page.keyboard.press('Escape'); // completion's suggest widget
        const g = await library(ui);
        await search(g, 'hedged', 'joon2019iclr');
        await g.click('.card[data-key="joon2019iclr"] button:has-text("Insert citation")');
        await waitForEditorText(ui, 'notes.md', 'Bracket [@park2023nearest, p. 3; @joon2019iclr');
      },
    ],
    [
      'keyboard: ArrowDown from the search box to the cards, Space selects, Enter inserts',
      async (ui) => {
        await openEditor(ui, 'paper.tex');
        await ui.focusEditor();
        await ui.page.keyboard.press('Control+End');
        await ui.type('\nBy keyboard: ');
        await ui.page.keyboard.press('Escape'); // completion's suggest widget
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await f.focus('input.search');
        await ui.page.keyboard.press('ArrowDown');
        const focused = await f.evaluate(() => document.activeElement?.getAttribute('data-key'));
        if (focused !== 'kirchhof2024pretrained') throw new Error(`focused after ArrowDown: ${focused}`);
        await ui.page.keyboard.press('Space');
        await f.waitForSelector('.selection-bar:not([hidden])', { timeout: 5000 });
        await ui.page.keyboard.press('Space');
        await f.waitForSelector('.selection-bar[hidden]', { state: 'attached', timeout: 5000 });
        await ui.page.keyboard.press('Enter');
        await waitForEditorText(ui, 'paper.tex', 'By keyboard: \\cite{kirchhof2024pretrained}');
      },
    ],
    [
      'CiteLens: Insert Citation… quick pick: search, select two, insert both',
      async (ui) => {
        await openEditor(ui, 'notes.md');
        await ui.focusEditor();
        await ui.page.keyboard.press('Control+End');
        await ui.type('\nQuick pick: ');
        await ui.page.keyboard.press('Escape'); // completion's suggest widget
        await ui.command('CiteLens: Insert Citation');
        await ui.page.waitForSelector('.quick-input-widget input[placeholder*="Search authors"]', { timeout: 15000 });
        await ui.page.keyboard.type('pretrained visual', { delay: 15 });
        const row = (key) => `.quick-input-list .monaco-list-row[aria-label*="${key}"]`;
        await ui.page.waitForSelector(row('kirchhof2024pretrained'), { timeout: 15000 });
        await ui.page.click(`${row('kirchhof2024pretrained')} .monaco-checkbox`);
        await ui.page.waitForSelector(`${row('kirchhof2024pretrained')}[aria-checked="true"]`, { timeout: 5000 });
        await ui.page.fill('.quick-input-widget input[placeholder*="Search authors"]', 'hedged instance');
        await ui.page.waitForSelector(row('joon2019iclr'), { timeout: 15000 });
        // The paper ticked under the first query is still listed and ticked.
        await ui.page.waitForSelector(`${row('kirchhof2024pretrained')}[aria-checked="true"]`, { timeout: 5000 });
        await ui.page.click(`${row('joon2019iclr')} .monaco-checkbox`);
        await ui.page.waitForSelector(`${row('joon2019iclr')}[aria-checked="true"]`, { timeout: 5000 });
        // Enter on the focused checkbox would toggle it again: accept with the OK button.
        await ui.page.click('.quick-input-widget .monaco-button:has-text("OK")');
        await waitForEditorText(ui, 'notes.md', 'Quick pick: [@kirchhof2024pretrained; @joon2019iclr]');
      },
    ],
    [
      'hostile entries render as inert literal text: no dialog, no global, no element, no link',
      async (ui) => {
        const f = await library(ui);
        await f.evaluate(() => {
          window.__cspViolations = [];
          document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective));
        });
        await search(f, 'Mallory', 'hostileHtml');
        const card = '.card[data-key="hostileHtml"]';
        const title = await f.textContent(`${card} .title`);
        if (!title.includes(`<img src=x onerror="window.__pwned='img';alert(1)"> Hostile HTML title`)) throw new Error(`title shown as ${JSON.stringify(title)}`);
        const authors = await f.textContent(`${card} .authors`);
        if (!authors.includes('<script>window.__pwned')) throw new Error(`authors shown as ${JSON.stringify(authors)}`);
        if (!(await f.textContent(`${card} .venue`)).includes('<a href="javascript:alert(2)">venue link</a>')) throw new Error('venue not literal');
        if (!(await f.textContent(`${card} .topics`)).includes('<b onmouseover="alert(4)">bold topic</b>')) throw new Error('topic not literal');
        await f.click(`${card} button.abstract-toggle`);
        const abstract = await f.textContent(`${card} .abstract p`);
        if (!abstract.includes(`<svg onload="window.__pwned='svg'">`)) throw new Error(`abstract shown as ${JSON.stringify(abstract)}`);
        await f.hover(`${card} .topic`);

        await search(f, 'CSS breakout', 'hostileCss');
        const css = await f.textContent('.card[data-key="hostileCss"] .title');
        // (BibTeX braces are LaTeX groups, so the title's `{ }` are gone; the tags are not.)
        if (!/^<\/style><style>body \{? ?display: none ?\}?<\/style> CSS breakout$/.test(css.trim())) throw new Error(`css title ${JSON.stringify(css)}`);
        if (!(await f.isVisible('body'))) throw new Error('the body was hidden by injected CSS');
        const overlay = await f.evaluate(() => [...document.querySelectorAll('div')].some((d) => getComputedStyle(d).position === 'fixed' && getComputedStyle(d).backgroundColor === 'rgb(255, 0, 0)'));
        if (overlay) throw new Error('an injected style attribute applied');

        await search(f, 'Hostile links paper', 'hostileLinks');
        const linkButtons = await f.$$('.card[data-key="hostileLinks"] button:has-text("Open link")');
        if (linkButtons.length) throw new Error('javascript:/command: URL offered as a link');

        await search(f, 'hostileLong', 'hostileLong');
        const long = await f.textContent('.card[data-key="hostileLong"] .title');
        if (!long.startsWith('Longxxxxxxxx')) throw new Error('long title not shown');
        const box = await f.$eval('.card[data-key="hostileLong"]', (e) => e.getBoundingClientRect().height);
        if (box > 400) throw new Error(`a 100,000-character title makes a ${box}px card`);

        await search(f, 'Invoice', 'hostileRtl');
        const rtl = await f.textContent('.card[data-key="hostileRtl"] .title');
        if (!rtl.includes('Invoice ⟨U+202E⟩fdp.exe report')) throw new Error(`RTL override not shown as a mark: ${JSON.stringify(rtl)}`);
        await ui.screenshot('library-hostile');

        // Nothing ran, nothing was created from field text.
        await ui.page.waitForTimeout(500);
        if (dialogs.length) throw new Error(`dialogs opened: ${dialogs.join(' | ')}`);
        const pwnedInWebview = await f.evaluate(() => window.__pwned);
        const pwnedInWorkbench = await ui.page.evaluate(() => window.__pwned);
        if (pwnedInWebview !== undefined || pwnedInWorkbench !== undefined) throw new Error(`a payload set a global: ${pwnedInWebview ?? pwnedInWorkbench}`);
        const created = await f.evaluate(() => document.querySelectorAll('#app img, #app svg, #app script, #app style, #app iframe, #app a, #app b, #app circle').length);
        if (created) throw new Error(`${created} elements created from field text`);
        const violations = await f.evaluate(() => window.__cspViolations);
        if (violations.length) throw new Error(`CSP violations (something tried to run or load): ${violations.join(', ')}`);
        const tabs = await ui.page.$$eval('.tabs-container .tab', (els) => els.map((e) => e.getAttribute('aria-label')));
        if (tabs.some((t) => /terminal/i.test(t || ''))) throw new Error('a command: link opened a terminal');
      },
    ],
    [
      'screenshots of the library in the light and dark themes',
      async (ui) => {
        const f = await library(ui);
        await search(f, '', undefined);
        await f.waitForSelector('.card[data-key]', { timeout: 15000 });
        await ui.page.waitForTimeout(500);
        await ui.screenshot('library-light');
        await pickColorTheme(ui, 'Dark Modern');
        await ui.page.waitForFunction(() => document.querySelector('.monaco-workbench')?.classList.contains('vs-dark'), null, { timeout: 15000 });
        await ui.page.waitForTimeout(800);
        const bg = await f.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const [r, g, b] = bg.match(/\d+/g).map(Number);
        if (r + g + b > 3 * 100) throw new Error(`the webview did not follow the dark theme (body ${bg})`);
        await ui.screenshot('library-dark');
      },
    ],
    [
      'after a window reload the panel is restored with its query (serializer + webview state)',
      async (ui) => {
        const f = await library(ui);
        await search(f, 'pretrained visual', 'kirchhof2024pretrained');
        await ui.page.waitForTimeout(500);
        // As a person reloads: the command shuts the workbench down properly (state saved).
        await ui.page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 200, y: 300 } }).catch(() => {});
        await Promise.all([ui.page.waitForNavigation({ timeout: 60000 }), ui.command('Developer: Reload Window')]);
        await ui.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
        frame = undefined;
        const g = await ui.webviewFrame('input.search', { timeoutMs: 60000 });
        const value = await g.inputValue('input.search');
        if (value !== 'pretrained visual') throw new Error(`search box after reload: ${JSON.stringify(value)}`);
        await g.waitForSelector('.card[data-key="kirchhof2024pretrained"]', { timeout: 30000 });
      },
    ],
  ],
);

/**
 * Opens a workspace file in the first editor group by Quick Open, after closing whatever
 * widget (suggestions, hovers) an earlier step left open in the editor.
 */
async function openEditor(ui, rel) {
  await ui.page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 200, y: 300 } }).catch(() => {});
  await ui.page.keyboard.press('Escape');
  await ui.page.keyboard.press('Escape');
  // A tab already open in the first group: click it (Quick Open may land in the library's group).
  const tab = ui.page.locator(`.editor-group-container >> nth=0 >> .tabs-container .tab[aria-label*="${path.basename(rel)}"]`);
  if (await tab.count()) {
    await tab.first().click();
    await ui.page.waitForSelector(`.editor-group-container >> nth=0 >> .tabs-container .tab.active[aria-label*="${path.basename(rel)}"]`, { timeout: 15000 });
    return;
  }
  // Else Quick Open, waiting until the focused row is the file (it first lists recently
  // opened files, and Enter then would open one of those).
  const name = path.basename(rel);
  await ui.page.keyboard.press('Control+P');
  await ui.page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15000 });
  await ui.page.keyboard.type(rel);
  await ui.page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${name}"]`, { timeout: 15000 });
  await ui.page.keyboard.press('Enter');
  await ui.page.waitForSelector(`.tabs-container .tab.active[aria-label*="${name}"]`, { timeout: 15000 });
  await ui.page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: 15000 });
}

/**
 * Waits until the editor showing `fileName` contains `expected` (whitespace-insensitive: the
 * rendered view wraps long lines).
 */
async function waitForEditorText(ui, fileName, expected, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  const norm = (s) => s.replace(/\s+/g, ' ');
  while (Date.now() < deadline) {
    text = await ui.editorText(fileName);
    if (norm(text).includes(norm(expected))) return;
    await ui.page.waitForTimeout(200);
  }
  throw new Error(`${fileName} does not contain ${JSON.stringify(expected)}; last lines: ${JSON.stringify(text.split('\n').slice(-4).join(' / '))}`);
}
