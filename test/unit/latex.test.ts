import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { latexToUnicode } from '../../src/core/latex';

function check(input: string, expected: string): void {
  assert.equal(latexToUnicode(input), expected);
}

describe('latexToUnicode: accent forms', () => {
  test('braced special character {\\"o}', () => check('G{\\"o}del', 'Gödel'));
  test('accent with braced argument \\"{o}', () => check('G\\"{o}del', 'Gödel'));
  test('accent with bare letter \\"o', () => check('G\\"odel', 'Gödel'));
  test('accent with space before the letter \\" o', () => check('G\\" odel', 'Gödel'));
  test("dotless i in braces {\\'{\\i}}", () => check("Mart{\\'{\\i}}nez", 'Martínez'));
  test("dotless i unbraced \\'\\i", () => check("Mart\\'\\i nez", 'Martínez'));
  test("dotless i as {\\'\\i}", () => check("Mart{\\'\\i}nez", 'Martínez'));
  test('cedilla braced \\c{c}', () => check('Fran\\c{c}ois', 'François'));
  test('cedilla with space \\c c', () => check('Fran\\c cois', 'François'));
  test('caron \\v{s}', () => check("Dvo\\v{r}\\'{a}k \\v{s}", 'Dvořák š'));
  test('breve \\u{a}', () => check('\\u{a}', 'ă'));
  test('double acute \\H{o}', () => check('Erd\\H{o}s', 'Erdős'));
  test('ogonek \\k{a}', () => check('\\k{a}', 'ą'));
  test('macron \\={a}', () => check('\\={a}', 'ā'));
  test('dot above \\.{z}', () => check('\\.{z}', 'ż'));
  test('tilde \\~{n}', () => check('Espa\\~{n}a', 'España'));
  test('circumflex \\^{e}', () => check('f\\^{e}te', 'fête'));
  test('grave \\`{a}', () => check('\\`{a} la', 'à la'));
  test('ring \\r{a}', () => check('\\r{a}', 'å'));
  test('dot below \\d{s}', () => check('\\d{s}', 'ṣ'));
  test('bar below \\b{k}', () => check('\\b{k}', 'ḵ'));
  test('tie \\t{oo} joins the two letters', () => check('\\t{oo}', 'o\u0361o'));
  test('acute on a capital', () => check("\\'{E}cole", 'École'));
  test('accent on a special letter \\\'\\o', () => check("\\'\\o", 'ǿ'));
  test('empty accent argument prints the accent itself', () => {
    check('\\~{}', '~');
    check("\\'{}", '´');
  });
  test('accent at the end of input does not throw', () => check('x\\"', 'x¨'));
  test('result is NFC (precomposed)', () => {
    const out = latexToUnicode('\\"u');
    assert.equal(out.length, 1);
    assert.equal(out, '\u00FC');
  });
  test('decomposed Unicode input is normalised to NFC', () => check('Mucsa\u0301nyi', 'Mucsányi'));
});

describe('latexToUnicode: special letters', () => {
  const letters: Array<[string, string]> = [
    ['\\ss', 'ß'],
    ['\\o', 'ø'],
    ['\\O', 'Ø'],
    ['\\aa', 'å'],
    ['\\AA', 'Å'],
    ['\\l', 'ł'],
    ['\\L', 'Ł'],
    ['\\ae', 'æ'],
    ['\\AE', 'Æ'],
    ['\\oe', 'œ'],
    ['\\OE', 'Œ'],
    ['\\i', 'ı'],
    ['\\j', 'ȷ'],
    ['\\dh', 'ð'],
    ['\\DH', 'Ð'],
    ['\\th', 'þ'],
    ['\\TH', 'Þ'],
    ['\\ng', 'ŋ'],
    ['\\NG', 'Ŋ'],
    ['\\dj', 'đ'],
  ];
  for (const [command, letter] of letters) {
    test(`${command} → ${letter}`, () => check(`{${command}}`, letter));
  }
  test('space after a letter command is swallowed (Stra\\ss e)', () => check('Stra\\ss e', 'Straße'));
  test('{} after a letter command ends it', () => check('\\o{}rsted', 'ørsted'));
  test('\\oe is not \\o followed by e', () => check('\\oe uvre', 'œuvre'));
});

describe('latexToUnicode: escapes and punctuation', () => {
  test('escaped specials', () => check('\\& \\% \\_ \\$ \\# \\{ \\}', '& % _ $ # { }'));
  test('percent in running text', () => check('91\\%-accuracy', '91%-accuracy'));
  test('-- is an en dash', () => check('pages 1--10', 'pages 1–10'));
  test('--- is an em dash', () => check('yes---no', 'yes—no'));
  test('single hyphen stays', () => check('state-of-the-art', 'state-of-the-art'));
  test('~ is a no-break space', () => check('Fig.~1', 'Fig.\u00A01'));
  test('\\textendash and \\textemdash', () => check('1990\\textendash 2000 a\\textemdash b', '1990–2000 a—b'));
  test('\\textquotedblleft/right', () => check('\\textquotedblleft x\\textquotedblright', '“x”'));
  test('\\textquoteleft/right', () => check('\\textquoteleft x\\textquoteright', '‘x’'));
  test('other text symbols', () => check('\\textregistered{} \\texttrademark{} \\S 3 \\copyright', '® ™ §3 ©'));
  test('\\ldots and \\dots', () => check('a, b, \\ldots, z \\dots', 'a, b, …, z …'));
  test("`` and '' quotes", () => check("``easy'' samples", '“easy” samples'));
  test("single quotes and apostrophes stay ASCII", () => check("the model's `x'", "the model's `x'"));
  test('\\\\ is a space', () => check('line one\\\\line two', 'line one line two'));
  test('control space', () => check('Prof.\\ Smith', 'Prof. Smith'));
  test('\\- (hyphenation hint) and \\/ vanish', () => check('hy\\-phen\\/ation', 'hyphenation'));
  test('logo keeps the following space', () => check('\\LaTeX is', 'LaTeX is'));
});

describe('latexToUnicode: commands and braces', () => {
  test('\\url keeps its argument verbatim', () => check('\\url{http://x.org/~me/a_b%20c}', 'http://x.org/~me/a_b%20c'));
  test('\\url unescapes \\% and \\_', () => check('\\url{http://x.org/a\\_b\\%20}', 'http://x.org/a_b%20'));
  test('\\href keeps the text, drops the target', () => check('see \\href{http://x.org}{the site} now', 'see the site now'));
  test('\\emph', () => check('\\emph{Deep} nets', 'Deep nets'));
  test('\\textit', () => check('\\textit{in vivo}', 'in vivo'));
  test('\\textbf', () => check('\\textbf{bold}', 'bold'));
  test('\\textsc', () => check('\\textsc{Caps}', 'Caps'));
  test('\\texttt', () => check('\\texttt{code}', 'code'));
  test('\\mathrm', () => check('\\mathrm{d}x', 'dx'));
  test('\\textrm and \\textsf', () => check('\\textrm{a} \\textsf{b}', 'a b'));
  test('\\uline', () => check('\\uline{under}', 'under'));
  test('{\\em x}', () => check('a {\\em word} b', 'a word b'));
  test('{\\bf x}', () => check('{\\bf bold}', 'bold'));
  test('{\\it x}', () => check('{\\it italic} text', 'italic text'));
  test('case-protecting braces are removed', () => check('Explainable {AI} for {OOD}', 'Explainable AI for OOD'));
  test('nested braces are removed', () => check('{{Deep {Nets}}}', 'Deep Nets'));
  test('unknown command: name dropped, argument kept', () => check('\\foo{kept} words', 'kept words'));
  test('unknown command without argument drops only its name', () => check('a \\relax b', 'a b'));
  test('\\textcolor drops the colour, keeps the text', () => check('\\textcolor{red}{warm}', 'warm'));
  test('starred command', () => check('\\section*{Intro}', 'Intro'));
});

describe('latexToUnicode: math', () => {
  test('$\\alpha$-divergence', () => check('$\\alpha$-divergence', 'α-divergence'));
  test('Greek letters, upper and lower', () => check('$\\Gamma \\gamma \\Omega \\omega$', 'Γ γ Ω ω'));
  test('relations', () => check('$a \\le b \\ge c \\neq d$', 'a ≤ b ≥ c ≠ d'));
  test('\\times and \\infty', () => check('$3 \\times \\infty$', '3 × ∞'));
  test('superscript digit', () => check('{HiCM}$^2$', 'HiCM²'));
  test('braced superscript', () => check('{X$^{2}$}-{DFD}', 'X²-DFD'));
  test('subscript', () => check('$x_{n+1}$', 'xₙ₊₁'));
  test('superscript without Unicode form keeps ^ and groups with parentheses', () =>
    check('$e^{-\\lambda t}$', 'e^(-λ t)'));
  test('operator names print as words', () => check('$O(n \\log n)$', 'O(n log n)'));
  test('\\frac', () => check('$\\frac{a}{b}$', 'a/b'));
  test('\\mathbb', () => check('$\\mathbb{R}^n$', 'ℝⁿ'));
  test('\\text inside math is text', () => check('$\\text{if } x$', 'if x'));
  test('\\( \\) delimiters vanish', () => check('\\(\\beta\\)-VAE', 'β-VAE'));
  test('$$ display math', () => check('$$\\pi$$', 'π'));
  test('-- inside math is not a dash', () => check('$a--b$', 'a--b'));
  test('escaped dollar is not math', () => check('costs \\$5 and \\$6', 'costs $5 and $6'));
});

describe('latexToUnicode: whitespace', () => {
  test('runs of whitespace and newlines collapse, ends trimmed', () => check('  a \n\t b  \r\n', 'a b'));
  test('plain text is returned unchanged', () => {
    const title = 'Towards User-Focused Research in Training Data Attribution';
    assert.equal(latexToUnicode(title), title);
  });
  test('plain text with double spaces is collapsed (fast path)', () => check('a  b', 'a b'));
  test('plain text with a trailing space is trimmed (fast path)', () => check('a b ', 'a b'));
  test('no-break space from ~ survives trimming', () => check('a~', 'a\u00A0'));
  test('space at group edges collapses', () => check('a { b } c', 'a b c'));
  test('empty string', () => check('', ''));
});

describe('latexToUnicode: broken and hostile input', () => {
  const garbage = ['\\', '{', '}', '}}}{{{', '$', '\\"{', '\\url{', '\\href{', '\\frac{', '$^{', '$_', '\\verb', '\\c', "\\'{\\", '{\\'];
  for (const input of garbage) {
    test(`does not throw on ${JSON.stringify(input)}`, () => {
      assert.equal(typeof latexToUnicode(input), 'string');
    });
  }
  test('lone backslash gives empty string', () => check('\\', ''));
  test('unclosed brace keeps the text', () => check('{Deep nets', 'Deep nets'));
  test('unmatched closing brace is dropped', () => check('Deep} nets', 'Deep nets'));
  test('unclosed math keeps converting', () => check('$\\alpha and more', 'α and more'));
  test('100,000 nested braces return the content without overflowing the stack', () => {
    const deep = '{'.repeat(100_000) + 'core' + '}'.repeat(100_000);
    check(deep, 'core');
  });
  test('100,000 unclosed braces', () => check('{'.repeat(100_000) + 'x', 'x'));
  test('100,000 nested \\frac groups', () => {
    const out = latexToUnicode('$' + '\\frac{'.repeat(100_000) + '1');
    assert.equal(out, '1');
  });
  test('many accents in a row are linear, not quadratic', () => {
    const input = '\\"{o}'.repeat(50_000);
    const started = performance.now();
    const out = latexToUnicode(input);
    assert.equal(out, 'ö'.repeat(50_000));
    assert.ok(performance.now() - started < 2_000);
  });
  test('random fuzz never throws', () => {
    const alphabet = ['\\', '{', '}', '$', '~', '-', '`', "'", '^', '_', 'a', 'Z', ' ', '\n', '"', 'c', 'url', 'href', 'frac', 'i', 'ö', '\u0301', '%', '*'];
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 2_000; round++) {
      let s = '';
      const length = next() % 40;
      for (let k = 0; k < length; k++) s += alphabet[next() % alphabet.length];
      const out = latexToUnicode(s);
      assert.equal(typeof out, 'string', s);
      assert.ok(!/^ | $/.test(out), `untrimmed output for ${JSON.stringify(s)}`);
    }
  });
});
