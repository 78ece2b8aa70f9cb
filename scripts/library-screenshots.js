#!/usr/bin/env node
// Takes the library screenshots from a real run: the sample workspace in code-server, the
// library opened as a panel beside draft.tex and in the sidebar.
//
//   README: media/screenshot-library-light.png (light theme, searching "uncertainty", the
//   Topics list open with a topic selected) and media/screenshot-library-dark.png (dark theme,
//   an author page, a formatted reference shown).
//   Review: .test-artifacts/library-<width>-<theme>.png, the panel and the sidebar at three
//   window widths (1600×857, 1280×800, 1024×768) in the light and dark themes.
//
// Run: node scripts/library-screenshots.js (after npm test's install).
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, pickColorTheme } = require('../test/ui/driver');

const MEDIA = path.join(__dirname, '..', 'media');
const ARTIFACTS = path.join(__dirname, '..', '.test-artifacts');
const WIDTHS = [
  { width: 1600, height: 857 },
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
];

async function pickTheme(ui, label, dark) {
  await pickColorTheme(ui, label);
  await ui.page.waitForFunction((d) => document.querySelector('.monaco-workbench')?.classList.contains('vs-dark') === d, dark, { timeout: 15000 });
  await ui.page.waitForTimeout(800);
}

/** Counts the cards wholly visible in a library webview frame. */
function visibleCards(f) {
  return f.evaluate(() => {
    const headerBottom = document.querySelector('header.top').getBoundingClientRect().bottom;
    return [...document.querySelectorAll('.card')].filter((c) => {
      const r = c.getBoundingClientRect();
      return r.top >= headerBottom - 1 && r.bottom <= window.innerHeight + 1;
    }).length;
  });
}

(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const ui = await launch({
    workspace: 'examples/sample-workspace',
    viewport: WIDTHS[0],
    settings: { 'workbench.colorTheme': 'Default Light Modern' },
  });
  try {
    await ui.openFile('draft.tex');
    await ui.page.waitForSelector('text=/\\d+ papers/', { timeout: 30000 });
    await ui.command('CiteLens: Open Library');
    const f = await ui.webviewFrame('input.search');
    await f.waitForSelector('.card', { timeout: 30000 });
    await ui.page.waitForTimeout(800);

    // Review shots: the panel beside the draft at three widths, light and dark.
    for (const [theme, dark] of [['Light Modern', false], ['Dark Modern', true]]) {
      await pickTheme(ui, theme, dark);
      for (const size of WIDTHS) {
        await ui.page.setViewportSize(size);
        await ui.page.waitForTimeout(800);
        const file = path.join(ARTIFACTS, `library-${size.width}-${dark ? 'dark' : 'light'}.png`);
        await ui.page.screenshot({ path: file });
        console.log(`wrote ${file} (${await visibleCards(f)} cards fully visible in the panel)`);
      }
    }
    await ui.page.setViewportSize(WIDTHS[0]);
    await pickTheme(ui, 'Light Modern', false);

    // README, light: the library with most of the width, searching, a topic selected.
    await ui.command('View: Close Primary Side Bar');
    await f.fill('input.search', '');
    await f.type('input.search', 'uncertainty', { delay: 20 });
    await f.waitForFunction(() => /matching/.test(document.querySelector('.status')?.textContent || ''), null, { timeout: 15000 });
    await f.click('.facet-button-topics');
    await f.click('.facet-panel.facet-topics .facet-value >> nth=1');
    await ui.page.waitForTimeout(800);
    const light = path.join(MEDIA, 'screenshot-library-light.png');
    await ui.page.screenshot({ path: light });
    console.log(`wrote ${light}`);

    // README, dark: an author page (Seong Joon Oh, many co-authors) with a formatted reference shown.
    await f.click('.chip.clear');
    await f.waitForFunction(() => !document.querySelector('.chip'), null, { timeout: 15000 });
    await f.click('.facet-button-topics');
    await f.fill('input.search', '');
    await f.type('input.search', 'kirchhof pretrained', { delay: 20 });
    await f.waitForSelector('.card[data-key="kirchhof2024pretrained"]', { timeout: 15000 });
    await f.click('.card[data-key="kirchhof2024pretrained"] .author >> text=Seong Joon Oh');
    await f.waitForSelector('.page-header .page-title', { timeout: 15000 });
    await f.click('.card button.show-reference >> nth=0');
    await f.waitForSelector('.card .reference:not([hidden])', { timeout: 15000 });
    await pickTheme(ui, 'Dark Modern', true);
    await ui.page.mouse.move(5, 500);
    await ui.page.waitForTimeout(500);
    const dark = path.join(MEDIA, 'screenshot-library-dark.png');
    await ui.page.screenshot({ path: dark });
    console.log(`wrote ${dark}`);

    // The sidebar view at the three widths (dark, then light).
    await ui.command('CiteLens: Focus on Library View');
    await ui.page.waitForTimeout(2000);
    let side;
    for (const frame of ui.page.frames()) {
      if (frame !== f && frame !== ui.page.mainFrame() && (await frame.$('input.search').catch(() => null))) side = frame;
    }
    for (const [theme, isDark] of [['Dark Modern', true], ['Light Modern', false]]) {
      if (isDark === false) await pickTheme(ui, theme, false);
      for (const size of WIDTHS) {
        await ui.page.setViewportSize(size);
        await ui.page.waitForTimeout(800);
        const file = path.join(ARTIFACTS, `library-sidebar-${size.width}-${isDark ? 'dark' : 'light'}.png`);
        await ui.page.screenshot({ path: file });
        console.log(`wrote ${file}${side ? ` (${await visibleCards(side)} cards fully visible in the sidebar)` : ''}`);
      }
    }
  } finally {
    await ui.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
