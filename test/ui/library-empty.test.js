// UI test: the Library view in the CiteLens activity-bar container, on a workspace without any
// collection: it tells a new user what to do, and a .bib created afterwards appears live.
// Run: node test/ui/library-empty.test.js
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { uiTests } = require('./driver');

function emptyWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'citelens-empty-ws-'));
  const ws = path.join(dir, 'empty');
  fs.mkdirSync(ws);
  fs.writeFileSync(path.join(ws, 'draft.tex'), '\\documentclass{article}\n\\begin{document}\nNothing cited yet.\n\\end{document}\n');
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return ws;
}

uiTests('library-empty', { workspace: emptyWorkspace(), timeoutMs: 90000 }, [
  [
    'the sidebar Library view explains what to do without collections, then lists a new .bib live',
    async (ui) => {
      await ui.openFile('draft.tex');
      // The activity-bar container, as a person clicks it.
      await ui.page.click('.activitybar .action-item a[aria-label^="CiteLens"]', { timeout: 20000 });
      const f = await ui.webviewFrame('input.search');
      await f.waitForSelector('.empty h2', { timeout: 30000 });
      const text = await f.textContent('.empty');
      if (!/No paper collections yet/.test(text) || !/\.bib/.test(text)) throw new Error(`empty state: ${text}`);
      await ui.screenshot('library-empty');
      // A collection appears: the view updates without a reload.
      const bib = path.join(ui.server.tmpDir, 'ws', 'empty', 'new.bib');
      fs.writeFileSync(bib, '@article{fresh2026,\n  title = {A Freshly Added Paper},\n  author = {Newcomer, Nora},\n  year = {2026}\n}\n');
      await f.waitForSelector('.card[data-key="fresh2026"]', { timeout: 30000 });
      if (await f.isVisible('.empty h2')) throw new Error('the empty state stays after a collection appeared');
    },
  ],
]);
