#!/usr/bin/env node
// Takes the README's screenshot from a real run: the sample workspace in code-server, typing
// `\cite{oh 2024 unc` in draft.tex, the suggest widget with its details. Writes
// media/screenshot-completion.png. Run: node scripts/readme-screenshot.js (after npm test's install).
'use strict';
const path = require('path');
const { launch } = require('../test/ui/driver');

(async () => {
  const ui = await launch({ workspace: 'examples/sample-workspace', viewport: { width: 1400, height: 820 } });
  try {
    await ui.openFile('draft.tex');
    await ui.page.waitForSelector('text=/\\d+ papers/', { timeout: 30000 });
    await ui.focusEditor();
    await ui.page.keyboard.press('Control+Home');
    for (let i = 0; i < 22; i++) await ui.page.keyboard.press('ArrowDown');
    await ui.page.keyboard.press('End');
    await ui.type('\n\nSee \\cite{oh 2024 unc');
    await ui.suggestions();
    // Show the details pane (abstract) of the focused suggestion.
    await ui.page.keyboard.press('Control+Space');
    await ui.page.waitForTimeout(800);
    const out = path.join(__dirname, '..', 'media', 'screenshot-completion.png');
    await ui.page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await ui.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
