#!/usr/bin/env node
// Takes the README's completion screenshots from real runs: the sample workspace in
// code-server, text typed at the end of a draft, the suggest widget open.
//   media/screenshot-completion.png  `\cite{oh 2024 unc` in draft.tex, with the details pane
//   media/screenshot-typst.png       `@typesetting` in draft.typ: the Hayagriva entries of
//                                     typst.yml and the BibTeX papers of the same index
// Run: node scripts/readme-screenshot.js [completion|typst] (after npm test's install; both by default).
'use strict';
const path = require('path');
const { launch } = require('../test/ui/driver');

const SHOTS = {
  completion: { file: 'draft.tex', typed: '\n\nSee \\cite{oh 2024 unc', details: true, out: 'screenshot-completion.png' },
  typst: { file: 'draft.typ', typed: ' See @typesetting', details: false, out: 'screenshot-typst.png' },
};

async function take({ file, typed, details, out }) {
  const ui = await launch({ workspace: 'examples/sample-workspace', viewport: { width: 1400, height: 820 } });
  try {
    await ui.openFile(file);
    await ui.page.waitForSelector('text=/\\d+ papers/', { timeout: 30000 });
    await ui.focusEditor();
    await ui.page.keyboard.press('Control+Home');
    for (let i = 0; i < 22; i++) await ui.page.keyboard.press('ArrowDown');
    await ui.page.keyboard.press('End');
    await ui.type(typed);
    await ui.suggestions();
    // The details pane (reference, abstract) of the focused suggestion.
    if (details) await ui.page.keyboard.press('Control+Space');
    await ui.page.waitForTimeout(800);
    const saved = path.join(__dirname, '..', 'media', out);
    await ui.page.screenshot({ path: saved });
    console.log(`wrote ${saved}`);
  } finally {
    await ui.close();
  }
}

(async () => {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SHOTS);
  for (const name of names) {
    if (!SHOTS[name]) throw new Error(`unknown screenshot '${name}' (${Object.keys(SHOTS).join(', ')})`);
    await take(SHOTS[name]);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
