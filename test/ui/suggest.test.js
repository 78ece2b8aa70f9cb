// UI test: a person typing a citation in paper.tex sees CiteLens's suggestions in the real
// suggest widget, and hovering a cited key shows the paper. Run: node test/ui/suggest.test.js
'use strict';
const { uiTests } = require('./driver');

uiTests('ui', { workspace: 'test/fixtures/workspace' }, [
  [
    'typing \\cite{ in a .tex file shows papers in the suggest widget',
    async (ui) => {
      await ui.openFile('paper.tex');
      await ui.typeAtEnd('\n\\cite{kirchhof');
      const labels = await ui.suggestions();
      if (!labels.some((l) => l.includes('kirchhof2024pretrained'))) {
        throw new Error(`kirchhof2024pretrained not suggested; rows: ${labels.slice(0, 5).join(' | ') || 'none'}`);
      }
      await ui.screenshot('suggest');
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
