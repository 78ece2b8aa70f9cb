#!/usr/bin/env node
// Takes the README's Typst screenshot from a real run: the sample workspace in code-server,
// typing `@typesetting` in draft.typ: the suggest widget lists the Hayagriva entries of
// typst.yml and the BibTeX papers of the same index. Writes media/screenshot-typst.png.
// Run: node scripts/typst-screenshot.js (after npm test's install).
'use strict';
const path = require('path');
const { launch } = require('../test/ui/driver');

(async () => {
  const ui = await launch({ workspace: 'examples/sample-workspace', viewport: { width: 1400, height: 820 } });
  try {
    await ui.openFile('draft.typ');
    await ui.page.waitForSelector('text=/\\d+ papers/', { timeout: 30000 });
    await ui.focusEditor();
    await ui.page.keyboard.press('Control+Home');
    for (let i = 0; i < 22; i++) await ui.page.keyboard.press('ArrowDown');
    await ui.page.keyboard.press('End');
    await ui.type(' See @typesetting');
    await ui.suggestions();
    await ui.page.waitForTimeout(800);
    const out = path.join(__dirname, '..', 'media', 'screenshot-typst.png');
    await ui.page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await ui.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
