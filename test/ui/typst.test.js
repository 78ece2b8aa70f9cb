// UI test: a person typing `@` in a Typst document (main.typ of the typst/ project, which
// names a Hayagriva works.yml) sees CiteLens's suggestions in the real suggest widget and
// accepts one. Run: node test/ui/typst.test.js
'use strict';
const { uiTests } = require('./driver');

uiTests('ui-typst', { workspace: 'test/fixtures/workspace' }, [
  [
    'typing @ in a .typ file lists papers; accepting one inserts its key',
    async (ui) => {
      await ui.openFile('typst/main.typ');
      await ui.typeAtEnd('\nAs shown by @');
      // `@` is a trigger character; if the widget has not opened within 3 s, Ctrl+Space opens it.
      const all = await ui.suggestions();
      if (all.length === 0) throw new Error('no suggestions after @');
      await ui.type('polariton');
      await ui.waitForFirstSuggestion('kinetics');
      await ui.screenshot('typst-suggest');
      await ui.page.keyboard.press('Enter');
      await ui.page.waitForTimeout(300);
      const line = await ui.currentLineText();
      if (line.trim() !== 'As shown by @kinetics') throw new Error(`line after accepting: ${JSON.stringify(line)}`);
      await ui.screenshot('typst-accepted');
    },
  ],
]);
