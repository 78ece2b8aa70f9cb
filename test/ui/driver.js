// UI test driver: the real VS Code workbench (code-server + headless Chromium, shared start-up
// in scripts/vscode/server.js) with CiteLens loaded for development, driven like a person:
// open a file, type in the editor, read the suggest widget or a hover, take screenshots.
//
// A UI test is a plain Node script test/ui/<name>.test.js (npm test runs each one after the
// integration suites, once scripts/vscode/install.js has run):
//
//   const { uiTests } = require('./driver');
//   uiTests('suggest', { workspace: 'test/fixtures/workspace' }, [
//     ['typing \\cite{ shows papers', async (ui) => {
//       await ui.openFile('paper.tex');
//       await ui.typeAtEnd('\n\\cite{kirchhof');
//       const labels = await ui.suggestions();
//       if (!labels.some((l) => l.includes('kirchhof2024pretrained'))) throw new Error(labels.join(', '));
//       await ui.screenshot('suggest');            // .test-artifacts/ui-suggest.png
//     }],
//   ]);
//
// It prints `✓ name` / `✗ name: error` per test and the closing `N passed, N failed` line, and
// exits 1 if any failed. Options: workspace (default test/fixtures/workspace, else
// examples/sample-workspace; the test gets a fresh copy of it), web (extension in the web-worker
// host), settings (extra user settings), timeoutMs per test (60 s).
'use strict';

const fs = require('fs');
const path = require('path');
const { startServer, openWorkbench, repoRoot, defaultTestWorkspace, copyWorkspace } = require('../../scripts/vscode/server');

const artifacts = path.join(repoRoot, '.test-artifacts');

/** Starts code-server and opens the workbench on `workspace` with the extension under development. */
async function launch({ workspace, web = false, viewport, settings = {} } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const server = await startServer({
    // See run-tests.js: the payload's extensionDevelopmentKind is ignored by this workbench.
    settings: { ...(web ? { 'remote.extensionKind': { [`${pkg.publisher}.${pkg.name}`]: ['web'] } } : {}), ...settings },
  });
  let wb;
  try {
    wb = await openWorkbench(server, {
      // A fresh copy: the test may type into files and save them.
      workspace: copyWorkspace(server, path.resolve(repoRoot, workspace || defaultTestWorkspace())),
      extensionDevelopmentPath: repoRoot,
      web,
      viewport,
    });
  } catch (e) {
    await server.stop();
    throw e;
  }
  const page = wb.page;
  const ui = {
    server,
    wb,
    page,
    /** Opens a workspace file by Quick Open and waits for its editor. */
    openFile: (rel) => wb.openFile(rel),
    /** Focuses the active editor's text area. */
    async focusEditor() {
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    },
    /** Moves to the end of the active editor and types `text` (\n types Enter). */
    async typeAtEnd(text) {
      await ui.focusEditor();
      await page.keyboard.press('Control+End');
      await ui.type(text);
    },
    /** Types `text` at the cursor of the focused editor. */
    async type(text) {
      const parts = text.split('\n');
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) await page.keyboard.press('Enter');
        if (parts[i]) await page.keyboard.type(parts[i], { delay: 20 });
      }
    },
    /** Runs a command through the command palette (F1), by its title. */
    async command(title) {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type(title);
      await page.waitForSelector('.quick-input-list .monaco-list-row', { state: 'visible' });
      await page.keyboard.press('Enter');
    },
    /** Opens the suggest widget (Ctrl+Space) if needed and returns its rows' texts. */
    async suggestions({ trigger = true, timeoutMs = 15000 } = {}) {
      const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
      try {
        await rows.first().waitFor({ state: 'visible', timeout: trigger ? 3000 : timeoutMs });
      } catch {
        if (!trigger) return [];
        await page.keyboard.press('Control+Space');
        await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
      }
      return rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || e.textContent || ''));
    },
    /**
     * Waits until the suggest widget's first row contains `text` (the list is re-queried as
     * the user types, so rows read too early may still be the previous list).
     */
    async waitForFirstSuggestion(text, { timeoutMs = 15000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let labels = [];
      while (Date.now() < deadline) {
        labels = await ui.suggestions({ trigger: false, timeoutMs: 1000 }).catch(() => []);
        if (labels[0] && labels[0].includes(text)) return labels;
        await page.waitForTimeout(100);
      }
      throw new Error(`${text} not the first suggestion; rows: ${labels.slice(0, 5).join(' | ') || 'none'}`);
    },
    /** The text of the line the cursor is on in the active editor, as VS Code renders it. */
    async currentLineText() {
      return page.evaluate(() => {
        const editor = document.querySelector('.editor-instance .monaco-editor.focused') || document.querySelector('.editor-instance .monaco-editor');
        if (!editor) return '';
        const cursor = editor.querySelector('.cursors-layer .cursor');
        const lines = [...editor.querySelectorAll('.view-lines .view-line')];
        if (!cursor || !lines.length) return '';
        const top = cursor.getBoundingClientRect().top;
        const line = lines.find((l) => Math.abs(l.getBoundingClientRect().top - top) < 4) || lines[lines.length - 1];
        return line.textContent.replace(/\u00a0/g, ' ');
      });
    },
    /** Hovers the mouse over the first editor text matching `text`; returns the hover's text. */
    async hoverText(text, { timeoutMs = 15000 } = {}) {
      await page.locator('.editor-instance .view-lines span', { hasText: text }).last().hover();
      const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents').first();
      await hover.waitFor({ state: 'visible', timeout: timeoutMs });
      return hover.innerText();
    },
    /**
     * The frame of a webview whose document has an element matching `selector` (a webview is
     * an iframe inside an iframe of the workbench), waiting up to `timeoutMs` for it.
     */
    async webviewFrame(selector, { timeoutMs = 30000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const frame of page.frames()) {
          if (frame === page.mainFrame()) continue;
          const found = await frame.$(selector).catch(() => null);
          if (found) return frame;
        }
        await page.waitForTimeout(200);
      }
      throw new Error(`no webview frame with ${selector} within ${timeoutMs} ms`);
    },
    /** The text of every line of the visible editor showing `fileName`, as VS Code renders it. */
    async editorText(fileName) {
      return page.evaluate((name) => {
        const groups = [...document.querySelectorAll('.editor-group-container')];
        for (const g of groups) {
          const tab = g.querySelector('.tab.active');
          if (!tab || !(tab.getAttribute('aria-label') || '').includes(name)) continue;
          const lines = [...g.querySelectorAll('.editor-instance .view-lines .view-line')];
          lines.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
          return lines.map((l) => l.textContent.replace(/\u00a0/g, ' ')).join('\n');
        }
        return '';
      }, fileName);
    },
    /** Saves a screenshot to .test-artifacts/ui-<name>.png and returns its path. */
    screenshot: (name) => wb.screenshot(path.join(artifacts, `ui-${name}.png`)),
    async close() {
      await wb.close();
      await server.stop();
    },
  };
  return ui;
}

/** Runs [name, fn(ui)] tests on one workbench, prints results and the closing line, sets the exit code. */
async function uiTests(title, options, tests) {
  let passed = 0;
  let failed = 0;
  let ui;
  try {
    ui = await launch(options);
    for (const [name, fn] of tests) {
      const t0 = Date.now();
      let timer;
      try {
        await Promise.race([
          fn(ui),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${options.timeoutMs || 60000} ms`)), options.timeoutMs || 60000);
          }),
        ]);
        passed++;
        console.log(`✓ ${title} › ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`✗ ${title} › ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
        await ui.screenshot(`${title}-failed-${name.replace(/[^\w]+/g, '-')}`).then((f) => console.log(`  screenshot: ${path.relative(repoRoot, f)}`), () => {});
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (e) {
    failed += Math.max(1, tests.length - passed - failed);
    console.log(`✗ ${title}: could not start the workbench: ${e.message}`);
  } finally {
    if (ui) await ui.close().catch(() => {});
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** Picks a colour theme the way a person does: the Color Theme picker, its name, Enter. */
async function pickColorTheme(ui, label) {
  await ui.page.keyboard.press('F1');
  await ui.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await ui.page.keyboard.type('Preferences: Color Theme');
  // Not "Browse Color Themes in Marketplace", which may be listed first.
  await ui.page.click('.quick-input-list .monaco-list-row[aria-label^="Preferences: Color Theme"]', { timeout: 15000 });
  await ui.page.waitForTimeout(300);
  await ui.page.keyboard.type(label);
  await ui.page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${label}"]`, { timeout: 15000 });
  await ui.page.keyboard.press('Enter');
}

module.exports = { launch, uiTests, pickColorTheme };
