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
    'hovering a cited key shows its title',
    async (ui) => {
      await ui.openFile('paper.tex');
      const text = await ui.hoverText('park2023nearest');
      if (!/Nearest Neighbor Guidance/i.test(text.replace(/\s+/g, ' '))) throw new Error(`hover text: ${text.slice(0, 200)}`);
      await ui.screenshot('hover');
    },
  ],
]);
