// UI test: a person typing a citation in paper.tex sees CiteLens's suggestions in the real
// suggest widget, and hovering a cited key shows the paper. Run: node test/ui/suggest.test.js
'use strict';
const { uiTests } = require('./driver');

uiTests('ui', { workspace: 'test/fixtures/workspace' }, [
  [
    'typing \\cite{ lists sample papers; accepting one inserts its key',
    async (ui) => {
      await ui.openFile('paper.tex');
      await ui.typeAtEnd('\n\\cite{');
      // `{` is a trigger character; if the widget has not opened within 3 s, Ctrl+Space opens it.
      const all = await ui.suggestions();
      if (all.length === 0) throw new Error('no suggestions after \\cite{');
      await ui.type('kirchhof2024pre');
      await ui.waitForFirstSuggestion('kirchhof2024pretrained');
      await ui.screenshot('suggest');
      await ui.page.keyboard.press('Enter');
      await ui.page.waitForTimeout(300);
      const line = await ui.currentLineText();
      // The `}` (if any) is VS Code's auto-closing of the typed `{`; the key appears once.
      if (!/^\\cite\{kirchhof2024pretrained\}?$/.test(line.trim())) throw new Error(`line after accepting: ${JSON.stringify(line)}`);
      await ui.screenshot('accepted');
    },
  ],
  [
    'a row reads key, then "Surname et al. (Year) — Title"; the details pane shows the formatted reference',
    async (ui) => {
      await ui.openFile('paper.tex');
      await ui.typeAtEnd('\n\\cite{kirchhof2024pre');
      await ui.waitForFirstSuggestion('kirchhof2024pretrained');
      const row = ui.page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused');
      // The key, then the label's description (VS Code draws it right of the key).
      const rowText = (await row.textContent()) || '';
      if (!/^kirchhof2024pretrained\s*Kirchhof et al\. \(2024\) — Pretrained Visual Uncertainties$/.test(rowText.trim())) throw new Error(`row: ${rowText}`);
      // Open the details pane if VS Code has it collapsed (it remembers the choice).
      const details = ui.page.locator('.suggest-details').first();
      if (!(await details.isVisible().catch(() => false))) await ui.page.keyboard.press('Control+Space');
      await ui.page.waitForFunction(() => /Kirchhof, M\., Collier, M\., Oh, S\. J\., & Kasneci, E\. \(2024\)/.test(document.querySelector('.suggest-details')?.textContent || ''), null, { timeout: 15000 });
      const text = await details.textContent();
      if (!/Uncertainty estimation so far/.test(text)) throw new Error(`details without the abstract: ${text.slice(0, 300)}`);
      await ui.screenshot('suggest-details');
      await ui.page.keyboard.press('Escape');
    },
  ],
  [
    'hovering a cited key shows its title',
    async (ui) => {
      await ui.openFile('paper.tex');
      const text = await ui.hoverText('park2023nearest');
      if (!/Nearest Neighbor Guidance/i.test(text.replace(/\s+/g, ' '))) throw new Error(`hover text: ${text.slice(0, 200)}`);
      await ui.screenshot('hover');
    },
  ],
]);
