#!/usr/bin/env node
// Takes the README's library screenshots from a real run: the sample workspace in code-server,
// the library opened beside draft.tex, in the light theme (searching, a topic selected) and in
// the dark theme (an author page). Writes media/screenshot-library-light.png and
// media/screenshot-library-dark.png. Run: node scripts/library-screenshots.js (after npm test's install).
'use strict';
const path = require('path');
const { launch } = require('../test/ui/driver');

const MEDIA = path.join(__dirname, '..', 'media');

(async () => {
  const ui = await launch({
    workspace: 'examples/sample-workspace',
    viewport: { width: 1500, height: 880 },
    settings: { 'workbench.colorTheme': 'Default Light Modern' },
  });
  try {
    await ui.openFile('draft.tex');
    await ui.page.waitForSelector('text=/\\d+ papers/', { timeout: 30000 });
    // Give the library most of the width: close the side bar, then open the library beside the draft.
    await ui.command('View: Close Primary Side Bar');
    await ui.command('CiteLens: Open Library');
    const f = await ui.webviewFrame('input.search');
    await f.waitForSelector('.card', { timeout: 30000 });
    await f.type('input.search', 'uncertainty', { delay: 20 });
    await f.waitForFunction(() => /matching/.test(document.querySelector('.status')?.textContent || ''), null, { timeout: 15000 });
    await f.click('.facet-topics .facet-value >> nth=1');
    await ui.page.waitForTimeout(800);
    const light = path.join(MEDIA, 'screenshot-library-light.png');
    await ui.page.screenshot({ path: light });
    console.log(`wrote ${light}`);

    await f.click('.chip.clear');
    await f.waitForFunction(() => !document.querySelector('.chip'), null, { timeout: 15000 });
    await f.click('.facet-authors .go >> nth=0');
    await f.waitForSelector('.page-header .page-title', { timeout: 15000 });
    await ui.page.keyboard.press('F1');
    await ui.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await ui.page.keyboard.type('Preferences: Color Theme');
    await ui.page.click('.quick-input-list .monaco-list-row[aria-label^="Preferences: Color Theme"]', { timeout: 15000 });
    await ui.page.waitForTimeout(300);
    await ui.page.keyboard.type('Dark Modern');
    await ui.page.waitForSelector('.quick-input-list .monaco-list-row[aria-label*="Dark Modern"]', { timeout: 15000 });
    await ui.page.keyboard.press('Enter');
    await ui.page.waitForFunction(() => document.querySelector('.monaco-workbench')?.classList.contains('vs-dark'), null, { timeout: 15000 });
    await ui.page.waitForTimeout(1000);
    const dark = path.join(MEDIA, 'screenshot-library-dark.png');
    await ui.page.screenshot({ path: dark });
    console.log(`wrote ${dark}`);
  } finally {
    await ui.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
