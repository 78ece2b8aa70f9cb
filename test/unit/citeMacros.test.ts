/**
 * Macros over citation commands (src/core/citeMacros.ts) and what the scanners make of them:
 * `#1` in a definition is a parameter, and a wrapper cites like the command it wraps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDocument } from '../../src/core/citations';
import { citeContext } from '../../src/core/citeContext';
import { definedCiteCommands, isMacroParameter } from '../../src/core/citeMacros';

const preamble = String.raw`\documentclass{article}
\newcommand{\my}[1]{\citep{#1}}
\renewcommand*\seealso[2][see]{(#1 \citealt{#2})}
\providecommand{\paren}[1]{\parencite[p.~1]{#1}}
\DeclareRobustCommand{\robust}[1]{\textcite{#1}}
\NewDocumentCommand{\xparse}{o m}{\IfValueTF{#1}{\cite[#1]{#2}}{\cite{#2}}}
\def\plaindef#1{\cite{#1}}
\newcommand{\both}[1]{\my{#1} and others}
\newcommand{\figref}[1]{Figure~\ref{fig:#1}}
\newcommand{\hashkey}[1]{\citep{prefix#1}}
\begin{document}
`;

test('definitions over citation commands are found, in every defining form, wrappers of wrappers too', () => {
  assert.deepEqual(definedCiteCommands(preamble).sort(), ['both', 'hashkey', 'my', 'paren', 'plaindef', 'robust', 'seealso', 'xparse']);
});

test('a wrapper whose name already says cite needs nothing added', () => {
  assert.deepEqual(definedCiteCommands(String.raw`\newcommand{\mycite}[1]{\citep{#1}}`), []);
  assert.deepEqual(scanDocument(String.raw`\newcommand{\mycite}[1]{\citep{#1}}\mycite{known}`, 'latex').citations.map((c) => c.key), ['known']);
});

test('a macro over \\ref, a macro without parameters, a commented definition: not citation commands', () => {
  assert.ok(!definedCiteCommands(preamble).includes('figref'));
  assert.deepEqual(definedCiteCommands(String.raw`\newcommand{\fixed}{\cite{always}}`), []);
  const scan = scanDocument(String.raw`% \newcommand{\gone}[1]{\cite{#1}}` + '\n' + String.raw`\gone{notakey}`, 'latex');
  assert.deepEqual(scan.citations.map((c) => c.key), []);
});

test('#1 … #9 inside definitions are parameters, never keys; the wrappers\' uses are citations with exact ranges', () => {
  const text = preamble + String.raw`As \my{alpha2020} and \seealso{beta2021} show, \paren{gamma}, \robust{delta},
\xparse[p.~4]{epsilon}, \plaindef{zeta}, \both{eta}; Figure \figref{notakey}.
\end{document}
`;
  const scan = scanDocument(text, 'latex');
  const keys = scan.citations.map((c) => c.key);
  assert.deepEqual(keys, ['alpha2020', 'beta2021', 'gamma', 'delta', 'epsilon', 'zeta', 'eta']);
  for (const c of scan.citations) assert.equal(text.slice(c.start, c.end), c.key);
  assert.equal(scan.citations[0].command, 'my');
  assert.ok(!keys.some(isMacroParameter));
});

test('a parameter inside a key (prefix#1) is not a key either', () => {
  assert.ok(isMacroParameter('prefix#1'));
  assert.ok(isMacroParameter('##2'));
  assert.ok(!isMacroParameter('sharp#key'));
  assert.ok(!isMacroParameter('plain2020'));
});

test('completion context inside a wrapper, given the document\'s commands', () => {
  const text = preamble + String.raw`See \my{alp`;
  const commands = definedCiteCommands(text);
  const ctx = citeContext(text, text.length, 'latex', commands);
  assert.ok(ctx, 'a context inside \\my{…}');
  assert.equal(text.slice(ctx!.start, text.length), 'alp');
  assert.equal(citeContext(text, text.length, 'latex', []), undefined, 'without the definitions \\my is not a citation command');
});

test('bookdown: \\@ref(fig:x), (ref:label) and (\\#fig:label) are not citations; @key still is', () => {
  const text = 'See Figure \\@ref(fig:plot) and Table \\@ref(tab:data) [@xie2015].\n\n(ref:caption) A caption citing @knuth1984.\n\n```{r plot, fig.cap="(ref:caption)"}\n```\n\n# Methods {#methods}\n\nAn equation (\\#eq:binom) and a theorem (\\#thm:main).\n';
  const keys = scanDocument(text, 'markdown').citations.map((c) => c.key);
  assert.deepEqual(keys, ['xie2015', 'knuth1984']);
});
