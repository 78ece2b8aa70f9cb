/**
 * BibTeX/LaTeX field text → Unicode display text.
 *
 * A single iterative left-to-right scan (no recursion, so 100,000 nested braces cannot
 * overflow the stack; every step consumes input, so it cannot hang). It is not a TeX
 * engine: it knows the commands that occur in bibliographies and, for any other command,
 * drops the name and keeps the argument text, so words are never lost.
 */

/** Combining marks for the text accents (`\"o`, `\c{c}`, …) and math accents (`\hat x`). */
const ACCENT_MARKS: ReadonlyMap<string, string> = new Map([
  ["'", '\u0301'],
  ['`', '\u0300'],
  ['^', '\u0302'],
  ['"', '\u0308'],
  ['~', '\u0303'],
  ['=', '\u0304'],
  ['.', '\u0307'],
  ['u', '\u0306'],
  ['v', '\u030C'],
  ['H', '\u030B'],
  ['c', '\u0327'],
  ['k', '\u0328'],
  ['r', '\u030A'],
  ['d', '\u0323'],
  ['b', '\u0331'],
  ['t', '\u0361'],
  ['G', '\u030F'],
  ['U', '\u030E'],
  ['acute', '\u0301'],
  ['grave', '\u0300'],
  ['hat', '\u0302'],
  ['widehat', '\u0302'],
  ['ddot', '\u0308'],
  ['tilde', '\u0303'],
  ['widetilde', '\u0303'],
  ['bar', '\u0304'],
  ['dot', '\u0307'],
  ['breve', '\u0306'],
  ['check', '\u030C'],
  ['vec', '\u20D7'],
]);

/** What an accent with an empty argument (`\~{}`, `\'{}`) prints on its own. */
const SPACING_ACCENTS: ReadonlyMap<string, string> = new Map([
  ["'", '\u00B4'],
  ['`', '`'],
  ['^', '^'],
  ['"', '\u00A8'],
  ['~', '~'],
  ['=', '\u00AF'],
  ['.', '\u02D9'],
  ['u', '\u02D8'],
  ['v', '\u02C7'],
  ['H', '\u02DD'],
  ['c', '\u00B8'],
  ['k', '\u02DB'],
  ['r', '\u02DA'],
]);

/**
 * Commands that stand for letters or punctuation glued to neighbouring text, so TeX's rule
 * of swallowing the space after a control word is kept (`Stra\ss e` → `Straße`,
 * `1990\textendash 2000` → `1990–2000`).
 */
const GLUED_SYMBOLS: ReadonlyMap<string, string> = new Map([
  ['ss', 'ß'],
  ['SS', 'SS'],
  ['o', 'ø'],
  ['O', 'Ø'],
  ['aa', 'å'],
  ['AA', 'Å'],
  ['l', 'ł'],
  ['L', 'Ł'],
  ['ae', 'æ'],
  ['AE', 'Æ'],
  ['oe', 'œ'],
  ['OE', 'Œ'],
  ['i', 'ı'],
  ['j', 'ȷ'],
  ['dh', 'ð'],
  ['DH', 'Ð'],
  ['dj', 'đ'],
  ['DJ', 'Đ'],
  ['th', 'þ'],
  ['TH', 'Þ'],
  ['ng', 'ŋ'],
  ['NG', 'Ŋ'],
  ['ij', 'ĳ'],
  ['IJ', 'Ĳ'],
  ['textendash', '–'],
  ['textemdash', '—'],
  ['textquoteleft', '‘'],
  ['textquoteright', '’'],
  ['textquotedblleft', '“'],
  ['textquotedblright', '”'],
  ['textquotedbl', '"'],
  ['textquotesingle', "'"],
  ['quotesinglbase', '‚'],
  ['quotedblbase', '„'],
  ['guillemotleft', '«'],
  ['guillemotright', '»'],
  ['guillemetleft', '«'],
  ['guillemetright', '»'],
  ['guilsinglleft', '‹'],
  ['guilsinglright', '›'],
  ['textexclamdown', '¡'],
  ['textquestiondown', '¿'],
  ['textbackslash', '\\'],
  ['textasciitilde', '~'],
  ['textasciicircum', '^'],
  ['textunderscore', '_'],
  ['textbar', '|'],
  ['textless', '<'],
  ['textgreater', '>'],
  ['textbraceleft', '{'],
  ['textbraceright', '}'],
  ['textdollar', '$'],
  ['textpercent', '%'],
  ['textasteriskcentered', '*'],
  ['textbullet', '•'],
  ['textperiodcentered', '·'],
  ['textdegree', '°'],
  ['textregistered', '®'],
  ['texttrademark', '™'],
  ['textcopyright', '©'],
  ['copyright', '©'],
  ['textsection', '§'],
  ['S', '§'],
  ['textparagraph', '¶'],
  ['P', '¶'],
  ['textdagger', '†'],
  ['dag', '†'],
  ['textdaggerdbl', '‡'],
  ['ddag', '‡'],
  ['pounds', '£'],
  ['textsterling', '£'],
  ['euro', '€'],
  ['texteuro', '€'],
  ['textyen', '¥'],
  ['textcent', '¢'],
  ['textperthousand', '‰'],
  ['textonehalf', '½'],
  ['textonequarter', '¼'],
  ['textthreequarters', '¾'],
  ['textmu', 'µ'],
  ['textordfeminine', 'ª'],
  ['textordmasculine', 'º'],
  ['checkmark', '✓'],
]);

/**
 * Word-like symbols: TeX would swallow the following space, but for display that would
 * glue words together (`\LaTeX{} is` is often written `\LaTeX is`), so the space is kept.
 * Math symbols are here too; inside math, spacing is taken as written.
 */
const WORD_SYMBOLS: ReadonlyMap<string, string> = new Map([
  ['LaTeX', 'LaTeX'],
  ['LaTeXe', 'LaTeX2e'],
  ['TeX', 'TeX'],
  ['BibTeX', 'BibTeX'],
  ['ldots', '…'],
  ['dots', '…'],
  ['textellipsis', '…'],
  ['cdots', '⋯'],
  ['vdots', '⋮'],
  ['ddots', '⋱'],
  // Greek
  ['alpha', 'α'],
  ['beta', 'β'],
  ['gamma', 'γ'],
  ['delta', 'δ'],
  ['epsilon', 'ϵ'],
  ['varepsilon', 'ε'],
  ['zeta', 'ζ'],
  ['eta', 'η'],
  ['theta', 'θ'],
  ['vartheta', 'ϑ'],
  ['iota', 'ι'],
  ['kappa', 'κ'],
  ['varkappa', 'ϰ'],
  ['lambda', 'λ'],
  ['mu', 'μ'],
  ['nu', 'ν'],
  ['xi', 'ξ'],
  ['omicron', 'ο'],
  ['pi', 'π'],
  ['varpi', 'ϖ'],
  ['rho', 'ρ'],
  ['varrho', 'ϱ'],
  ['sigma', 'σ'],
  ['varsigma', 'ς'],
  ['tau', 'τ'],
  ['upsilon', 'υ'],
  ['phi', 'ϕ'],
  ['varphi', 'φ'],
  ['chi', 'χ'],
  ['psi', 'ψ'],
  ['omega', 'ω'],
  ['Gamma', 'Γ'],
  ['Delta', 'Δ'],
  ['Theta', 'Θ'],
  ['Lambda', 'Λ'],
  ['Xi', 'Ξ'],
  ['Pi', 'Π'],
  ['Sigma', 'Σ'],
  ['Upsilon', 'Υ'],
  ['Phi', 'Φ'],
  ['Psi', 'Ψ'],
  ['Omega', 'Ω'],
  // relations, operators, arrows
  ['le', '≤'],
  ['leq', '≤'],
  ['leqslant', '≤'],
  ['ge', '≥'],
  ['geq', '≥'],
  ['geqslant', '≥'],
  ['ne', '≠'],
  ['neq', '≠'],
  ['ll', '≪'],
  ['gg', '≫'],
  ['approx', '≈'],
  ['sim', '∼'],
  ['simeq', '≃'],
  ['cong', '≅'],
  ['equiv', '≡'],
  ['propto', '∝'],
  ['times', '×'],
  ['cdot', '·'],
  ['div', '÷'],
  ['pm', '±'],
  ['mp', '∓'],
  ['ast', '∗'],
  ['star', '⋆'],
  ['circ', '∘'],
  ['bullet', '•'],
  ['oplus', '⊕'],
  ['otimes', '⊗'],
  ['odot', '⊙'],
  ['infty', '∞'],
  ['partial', '∂'],
  ['nabla', '∇'],
  ['sum', '∑'],
  ['prod', '∏'],
  ['int', '∫'],
  ['oint', '∮'],
  ['forall', '∀'],
  ['exists', '∃'],
  ['nexists', '∄'],
  ['neg', '¬'],
  ['lnot', '¬'],
  ['land', '∧'],
  ['wedge', '∧'],
  ['lor', '∨'],
  ['vee', '∨'],
  ['in', '∈'],
  ['notin', '∉'],
  ['ni', '∋'],
  ['subset', '⊂'],
  ['subseteq', '⊆'],
  ['supset', '⊃'],
  ['supseteq', '⊇'],
  ['cup', '∪'],
  ['cap', '∩'],
  ['setminus', '∖'],
  ['emptyset', '∅'],
  ['varnothing', '∅'],
  ['to', '→'],
  ['rightarrow', '→'],
  ['leftarrow', '←'],
  ['gets', '←'],
  ['leftrightarrow', '↔'],
  ['Rightarrow', '⇒'],
  ['Leftarrow', '⇐'],
  ['Leftrightarrow', '⇔'],
  ['implies', '⟹'],
  ['iff', '⟺'],
  ['mapsto', '↦'],
  ['uparrow', '↑'],
  ['downarrow', '↓'],
  ['mid', '∣'],
  ['parallel', '∥'],
  ['perp', '⊥'],
  ['top', '⊤'],
  ['bot', '⊥'],
  ['angle', '∠'],
  ['langle', '⟨'],
  ['rangle', '⟩'],
  ['lfloor', '⌊'],
  ['rfloor', '⌋'],
  ['lceil', '⌈'],
  ['rceil', '⌉'],
  ['lvert', '|'],
  ['rvert', '|'],
  ['vert', '|'],
  ['lVert', '‖'],
  ['rVert', '‖'],
  ['Vert', '‖'],
  ['prime', '′'],
  ['ell', 'ℓ'],
  ['hbar', 'ℏ'],
  ['aleph', 'ℵ'],
  ['Re', 'ℜ'],
  ['Im', 'ℑ'],
  ['wp', '℘'],
  ['degree', '°'],
  ['colon', ':'],
  ['lbrace', '{'],
  ['rbrace', '}'],
  ['backslash', '\\'],
  ['quad', ' '],
  ['qquad', ' '],
  // operator names print as words
  ['log', 'log'],
  ['ln', 'ln'],
  ['exp', 'exp'],
  ['lg', 'lg'],
  ['sin', 'sin'],
  ['cos', 'cos'],
  ['tan', 'tan'],
  ['sinh', 'sinh'],
  ['cosh', 'cosh'],
  ['tanh', 'tanh'],
  ['arcsin', 'arcsin'],
  ['arccos', 'arccos'],
  ['arctan', 'arctan'],
  ['max', 'max'],
  ['min', 'min'],
  ['sup', 'sup'],
  ['inf', 'inf'],
  ['arg', 'arg'],
  ['lim', 'lim'],
  ['liminf', 'lim inf'],
  ['limsup', 'lim sup'],
  ['det', 'det'],
  ['dim', 'dim'],
  ['ker', 'ker'],
  ['deg', 'deg'],
  ['gcd', 'gcd'],
  ['Pr', 'Pr'],
]);

/** `\url`-like commands whose argument is taken verbatim (`~`, `%`, `_` are literal). */
const VERBATIM_ARG_COMMANDS: ReadonlySet<string> = new Set(['url', 'path', 'nolinkurl', 'doi']);

/** Commands whose first braced argument is not text (a link target, a colour, a length). */
const DROP_FIRST_ARG_COMMANDS: ReadonlySet<string> = new Set([
  'href',
  'textcolor',
  'colorbox',
  'color',
  'hspace',
  'vspace',
  'label',
  'begin',
  'end',
  'hypertarget',
]);

/** Text commands that switch back to text mode inside math (`$\text{if } x$`). */
const TEXT_IN_MATH_COMMANDS: ReadonlySet<string> = new Set([
  'text',
  'mbox',
  'textrm',
  'textnormal',
  'textit',
  'textbf',
  'textsf',
  'texttt',
  'emph',
]);

const FRACTION_COMMANDS: ReadonlySet<string> = new Set(['frac', 'dfrac', 'tfrac', 'nicefrac', 'sfrac']);

const DOUBLE_STRUCK: ReadonlyMap<string, string> = new Map([
  ['C', 'ℂ'],
  ['E', '𝔼'],
  ['H', 'ℍ'],
  ['N', 'ℕ'],
  ['P', 'ℙ'],
  ['Q', 'ℚ'],
  ['R', 'ℝ'],
  ['Z', 'ℤ'],
  ['1', '𝟙'],
]);

const SUPERSCRIPTS: ReadonlyMap<string, string> = charMap(
  '0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW',
  '⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ',
);

const SUBSCRIPTS: ReadonlyMap<string, string> = charMap(
  '0123456789+-=()aehijklmnoprstuvx',
  '₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ',
);

function charMap(from: string, to: string): ReadonlyMap<string, string> {
  const source = Array.from(from);
  const target = Array.from(to);
  return new Map(source.map((ch, k) => [ch, target[k]]));
}

const NO_BREAK_SPACE = '\u00A0';

const CH_TAB = 9;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_DOLLAR = 36;
const CH_QUOTE = 39;
const CH_STAR = 42;
const CH_HYPHEN = 45;
const CH_BACKSLASH = 92;
const CH_CARET = 94;
const CH_UNDERSCORE = 95;
const CH_BACKTICK = 96;
const CH_OPEN = 123;
const CH_CLOSE = 125;
const CH_TILDE = 126;
/** Combining marks start here; below it a string is already in NFC. */
const FIRST_COMBINING = 0x300;

function isWhitespace(c: number): boolean {
  return c === CH_SPACE || (c >= CH_TAB && c <= CH_CR);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** ASCII characters the scanner must stop at; everything else is copied in runs. */
const STOP_CHARS = new Uint8Array(128);
for (const ch of '\\{}$~-`\'^_ \t\n\r\v\f') STOP_CHARS[ch.charCodeAt(0)] = 1;

const WHITESPACE_RUN = /[ \t\n\r\v\f]+/g;

/**
 * Anything the scanner must handle, or whitespace that is not single inner spaces. One
 * native regex test is several times faster than a JS character loop (about 60 ns for a
 * title), which is what makes the plain-text fast path pay off.
 */
const NEEDS_WORK = /[\\{}$~\t\n\r\v\f]|--|``|''| {2}|^ | $/;
const NEEDS_SCANNER = /[\\{}$~]|--|``|''/;
/** Characters from the combining marks up: only then can NFC change the text. */
const MAY_NEED_NFC = /[^\x00-\u02ff]/;

/**
 * Converts BibTeX/LaTeX field text to Unicode display text. Never throws; whitespace
 * runs become one space and the result is trimmed and NFC-normalised.
 */
export function latexToUnicode(raw: string): string {
  let text = raw;
  if (NEEDS_WORK.test(raw)) {
    if (NEEDS_SCANNER.test(raw)) return new Scanner(raw).run();
    text = trimSpaces(raw.replace(WHITESPACE_RUN, ' '));
  }
  return MAY_NEED_NFC.test(text) ? text.normalize('NFC') : text;
}

/** Trims ASCII spaces only (String#trim would also eat the no-break spaces from `~`). */
function trimSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === CH_SPACE) start++;
  while (end > start && s.charCodeAt(end - 1) === CH_SPACE) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** What to do when the group opened for a command's argument closes. */
const FRAME_FRACTION_NUMERATOR = 1;
const FRAME_PARENTHESISED = 2;
const FRAME_TEXT_IN_MATH = 3;

class Scanner {
  private readonly src: string;
  private readonly n: number;
  private pos = 0;
  private out = '';
  /** A space is owed before the next output (collapses runs and trims the end). */
  private pendingSpace = false;
  private normalize = false;
  private inMath = false;
  private depth = 0;
  /** Only groups with a closing action are recorded (plain braces just count depth). */
  private readonly frameDepths: number[] = [];
  private readonly frameKinds: number[] = [];

  constructor(src: string) {
    this.src = src;
    this.n = src.length;
  }

  run(): string {
    const src = this.src;
    const n = this.n;
    let normalize = false;
    let runStart = 0;
    let i = 0;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c >= 128) {
        if (c >= FIRST_COMBINING) normalize = true;
        i++;
        continue;
      }
      if (STOP_CHARS[c] === 0) {
        i++;
        continue;
      }
      const next = src.charCodeAt(i + 1);
      // Copied as part of the run: a single space after run text (the common word gap), and
      // characters that are special only in some contexts.
      if (
        (c === CH_SPACE && i > runStart && !isWhitespace(next)) ||
        ((c === CH_HYPHEN || c === CH_BACKTICK || c === CH_QUOTE) && (next !== c || this.inMath)) ||
        ((c === CH_CARET || c === CH_UNDERSCORE) && !this.inMath)
      ) {
        i++;
        continue;
      }
      if (i > runStart) this.emit(src.slice(runStart, i));
      this.pos = i;
      this.special(c, next);
      i = this.pos;
      runStart = i;
    }
    if (n > runStart) this.emit(src.slice(runStart, n));
    // A run may end in a space that nothing followed.
    const out = trimSpaces(this.out);
    return normalize || this.normalize ? out.normalize('NFC') : out;
  }

  private emit(text: string): void {
    if (this.pendingSpace) {
      const length = this.out.length;
      if (length > 0 && this.out.charCodeAt(length - 1) !== CH_SPACE) this.out += ' ';
      this.pendingSpace = false;
    }
    this.out += text;
  }

  private owesSpace(): void {
    this.pendingSpace = true;
  }

  private skipWhitespace(): void {
    const src = this.src;
    while (this.pos < this.n && isWhitespace(src.charCodeAt(this.pos))) this.pos++;
  }

  /** Handles the character at `pos`, known to need work; advances `pos`. */
  private special(c: number, next: number): void {
    switch (c) {
      case CH_BACKSLASH:
        this.pos++;
        this.command();
        return;
      case CH_OPEN:
        this.depth++;
        this.pos++;
        return;
      case CH_CLOSE:
        this.pos++;
        this.closeGroup();
        return;
      case CH_DOLLAR:
        this.pos += next === CH_DOLLAR ? 2 : 1;
        this.inMath = !this.inMath;
        return;
      case CH_TILDE:
        this.pos++;
        this.emit(NO_BREAK_SPACE);
        return;
      case CH_HYPHEN:
        if (this.src.charCodeAt(this.pos + 2) === CH_HYPHEN) {
          this.pos += 3;
          this.emit('—');
        } else {
          this.pos += 2;
          this.emit('–');
        }
        return;
      case CH_BACKTICK:
        this.pos += 2;
        this.emit('“');
        return;
      case CH_QUOTE:
        this.pos += 2;
        this.emit('”');
        return;
      case CH_CARET:
        this.script('^', SUPERSCRIPTS);
        return;
      case CH_UNDERSCORE:
        this.script('_', SUBSCRIPTS);
        return;
      default:
        // whitespace
        this.skipWhitespace();
        this.owesSpace();
    }
  }

  private openGroup(kind: number): void {
    this.depth++;
    this.frameDepths.push(this.depth);
    this.frameKinds.push(kind);
  }

  private closeGroup(): void {
    if (this.depth === 0) return; // unbalanced `}`: ignore
    const top = this.frameDepths.length - 1;
    if (top >= 0 && this.frameDepths[top] === this.depth) {
      const kind = this.frameKinds[top];
      this.frameDepths.pop();
      this.frameKinds.pop();
      if (kind === FRAME_FRACTION_NUMERATOR) this.emit('/');
      else if (kind === FRAME_PARENTHESISED) this.emit(')');
      else if (kind === FRAME_TEXT_IN_MATH) this.inMath = true;
    }
    this.depth--;
  }

  /** After a backslash (already consumed). */
  private command(): void {
    const src = this.src;
    if (this.pos >= this.n) return; // lone trailing backslash
    const c = src.charCodeAt(this.pos);
    if (!isAsciiLetter(c)) {
      this.pos++;
      this.controlSymbol(src[this.pos - 1], c);
      return;
    }
    const start = this.pos;
    while (this.pos < this.n && isAsciiLetter(src.charCodeAt(this.pos))) this.pos++;
    this.controlWord(src.slice(start, this.pos));
  }

  private controlSymbol(ch: string, c: number): void {
    const mark = ACCENT_MARKS.get(ch);
    if (mark !== undefined) {
      this.accent(ch, mark);
      return;
    }
    switch (ch) {
      case '\\':
      case ',':
      case ';':
      case ':':
      case '>':
        this.owesSpace();
        return;
      case '(':
      case '[':
        this.inMath = true;
        return;
      case ')':
      case ']':
        this.inMath = false;
        return;
      case '/': // italic correction
      case '-': // discretionary hyphen
      case '@':
      case '*':
      case '!':
        return;
      case '|':
        this.emit('‖');
        return;
      default:
        if (isWhitespace(c)) this.owesSpace(); // control space `\ `
        else this.emit(ch); // `\&`, `\%`, `\_`, `\$`, `\#`, `\{`, `\}` and unknown ones
    }
  }

  private controlWord(name: string): void {
    const mark = ACCENT_MARKS.get(name);
    if (mark !== undefined) {
      this.accent(name, mark);
      return;
    }
    const glued = GLUED_SYMBOLS.get(name);
    if (glued !== undefined) {
      this.emit(glued);
      if (!this.inMath) this.skipWhitespace();
      return;
    }
    const word = WORD_SYMBOLS.get(name);
    if (word !== undefined) {
      if (word === ' ') this.owesSpace();
      else this.emit(word);
      return;
    }
    // `\a'{e}` is the tabbing-safe spelling of `\'{e}`.
    if (name === 'a') {
      const accentChar = this.src[this.pos];
      const accentMark = accentChar === undefined ? undefined : ACCENT_MARKS.get(accentChar);
      if (accentMark !== undefined && accentChar.length === 1 && !isAsciiLetter(accentChar.charCodeAt(0))) {
        this.pos++;
        this.accent(accentChar, accentMark);
        return;
      }
    }
    if (this.src.charCodeAt(this.pos) === CH_STAR) this.pos++; // `\section*`, `\hspace*`
    this.skipWhitespace();
    const argumentFollows = this.src.charCodeAt(this.pos) === CH_OPEN;
    if (argumentFollows) {
      if (VERBATIM_ARG_COMMANDS.has(name)) {
        this.emitVerbatimGroup();
        return;
      }
      if (DROP_FIRST_ARG_COMMANDS.has(name)) {
        this.skipGroup();
        return;
      }
      if (FRACTION_COMMANDS.has(name)) {
        this.pos++;
        this.openGroup(FRAME_FRACTION_NUMERATOR);
        return;
      }
      if (name === 'mathbb' || name === 'mathbbm' || name === 'bbm') {
        const letter = this.src[this.pos + 1];
        const struck = letter === undefined ? undefined : DOUBLE_STRUCK.get(letter);
        if (struck !== undefined && this.src.charCodeAt(this.pos + 2) === CH_CLOSE) {
          this.pos += 3;
          this.emit(struck);
          return;
        }
      }
      if (this.inMath && TEXT_IN_MATH_COMMANDS.has(name)) {
        this.pos++;
        this.openGroup(FRAME_TEXT_IN_MATH);
        this.inMath = false;
        return;
      }
    }
    if (name === 'sqrt') {
      this.emit('√');
      return;
    }
    if (name === 'verb') {
      this.emitVerb();
      return;
    }
    if (FRACTION_COMMANDS.has(name) && this.pos < this.n) {
      // `\frac12`: single-token arguments
      const first = this.src[this.pos];
      if (first !== '\\' && first !== '}') {
        this.pos++;
        this.emit(first + '/');
      }
    }
    // Unknown or formatting command (`\emph`, `\textbf`, `{\em …}`): drop the name, keep
    // whatever text follows. The space after it was swallowed above, as TeX does.
  }

  /**
   * An accent command was read; its argument follows: `o`, `{o}`, `{\i}`, `\i`, ` o`,
   * `{}`. Emits base + combining mark (NFC later composes them).
   */
  private accent(command: string, mark: string): void {
    const src = this.src;
    this.skipWhitespace();
    while (this.pos < this.n && src.charCodeAt(this.pos) === CH_OPEN) {
      this.pos++;
      this.depth++;
      this.skipWhitespace();
    }
    if (this.pos >= this.n || src.charCodeAt(this.pos) === CH_CLOSE) {
      const spacing = SPACING_ACCENTS.get(command);
      if (spacing !== undefined) this.emit(spacing);
      return;
    }
    let base: string | undefined;
    if (src.charCodeAt(this.pos) === CH_BACKSLASH) {
      const start = this.pos + 1;
      let end = start;
      while (end < this.n && isAsciiLetter(src.charCodeAt(end))) end++;
      const name = src.slice(start, end);
      if (name === 'i' || name === 'j') base = name;
      else {
        const letter = GLUED_SYMBOLS.get(name) ?? WORD_SYMBOLS.get(name);
        if (letter !== undefined && letter.length === 1) base = letter;
      }
      if (base === undefined) return; // accent on something we cannot accent: drop the accent only
      this.pos = end;
      if (!this.inMath) this.skipWhitespace(); // `\'\i nez`: TeX swallows it after `\i`
    } else {
      const c = src.charCodeAt(this.pos);
      if (c < 128 && STOP_CHARS[c] === 1) {
        const spacing = SPACING_ACCENTS.get(command);
        if (spacing !== undefined) this.emit(spacing);
        return;
      }
      const codePoint = src.codePointAt(this.pos) as number;
      base = String.fromCodePoint(codePoint);
      this.pos += base.length;
      if (base === 'ı') base = 'i';
      else if (base === 'ȷ') base = 'j';
    }
    this.emit(base + mark);
    this.normalize = true;
  }

  /** `^` or `_` in math: Unicode super/subscripts when every character has one. */
  private script(symbol: string, table: ReadonlyMap<string, string>): void {
    const src = this.src;
    this.pos++;
    this.skipWhitespace();
    if (this.pos >= this.n) {
      this.emit(symbol);
      return;
    }
    const c = src.charCodeAt(this.pos);
    if (c === CH_OPEN) {
      // A short group of plain characters: `^{2}`, `_{n+1}`.
      let end = this.pos + 1;
      const limit = Math.min(this.n, this.pos + 32);
      while (end < limit) {
        const e = src.charCodeAt(end);
        if (e === CH_OPEN || e === CH_CLOSE || e === CH_BACKSLASH || e === CH_DOLLAR) break;
        end++;
      }
      if (end < this.n && src.charCodeAt(end) === CH_CLOSE) {
        const content = src.slice(this.pos + 1, end).replace(WHITESPACE_RUN, '');
        const mapped = mapAll(content, table);
        if (mapped !== undefined) {
          this.pos = end + 1;
          this.emit(mapped);
          return;
        }
        if (content.length === 1) {
          this.pos = end + 1;
          this.emit(symbol + content);
          return;
        }
      }
      if (isSingleCommandGroup(src, this.pos)) {
        this.emit(symbol); // `^{\top}` → `^⊤`: no parentheses needed
        return;
      }
      this.emit(symbol + '(');
      this.pos++;
      this.openGroup(FRAME_PARENTHESISED);
      return;
    }
    if (c === CH_BACKSLASH || c === CH_CLOSE || c === CH_DOLLAR) {
      this.emit(symbol);
      return;
    }
    const ch = String.fromCodePoint(src.codePointAt(this.pos) as number);
    this.pos += ch.length;
    this.emit(table.get(ch) ?? symbol + ch);
  }

  /** `{…}` at `pos`, taken as is apart from escapes (for URLs); braces inside are dropped. */
  private emitVerbatimGroup(): void {
    const src = this.src;
    let level = 0;
    let text = '';
    while (this.pos < this.n) {
      const c = src.charCodeAt(this.pos);
      if (c === CH_BACKSLASH && this.pos + 1 < this.n && !isAsciiLetter(src.charCodeAt(this.pos + 1))) {
        text += src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === CH_OPEN) level++;
      else if (c === CH_CLOSE) {
        level--;
        if (level === 0) break;
      } else if (!isWhitespace(c)) text += src[this.pos - 1];
    }
    if (text.length > 0) this.emit(text);
  }

  /** Skips a `{…}` group at `pos` without output. */
  private skipGroup(): void {
    const src = this.src;
    let level = 0;
    while (this.pos < this.n) {
      const c = src.charCodeAt(this.pos);
      if (c === CH_BACKSLASH) {
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === CH_OPEN) level++;
      else if (c === CH_CLOSE && --level === 0) break;
    }
    if (this.pos > this.n) this.pos = this.n;
  }

  /** `\verb|x|`: any delimiter character; content verbatim. */
  private emitVerb(): void {
    const src = this.src;
    if (this.pos >= this.n) return;
    const delimiter = src[this.pos];
    const close = src.indexOf(delimiter, this.pos + 1);
    const end = close === -1 ? this.n : close;
    const text = src.slice(this.pos + 1, end);
    this.pos = close === -1 ? this.n : close + 1;
    if (text.length > 0) this.emit(text);
  }
}

function mapAll(content: string, table: ReadonlyMap<string, string>): string | undefined {
  if (content.length === 0) return undefined;
  let mapped = '';
  for (const ch of content) {
    const m = table.get(ch);
    if (m === undefined) return undefined;
    mapped += m;
  }
  return mapped;
}

/** `{\name}` (spaces allowed) at `open`. */
function isSingleCommandGroup(src: string, open: number): boolean {
  let k = open + 1;
  while (k < src.length && isWhitespace(src.charCodeAt(k))) k++;
  if (src.charCodeAt(k) !== CH_BACKSLASH) return false;
  k++;
  const nameStart = k;
  while (k < src.length && isAsciiLetter(src.charCodeAt(k))) k++;
  if (k === nameStart) return false;
  while (k < src.length && isWhitespace(src.charCodeAt(k))) k++;
  return src.charCodeAt(k) === CH_CLOSE;
}
