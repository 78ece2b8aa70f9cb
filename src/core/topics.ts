/**
 * Topics derived from titles and abstracts, for papers without keywords (most real
 * collections: the ACL Anthology's 88,000 entries have none), so browsing by topic works on
 * every collection.
 *
 * A paper's candidate terms are its significant words and two-word phrases (stop words,
 * academic boilerplate and numbers removed, plurals folded), weighted by where they occur
 * (title above abstract). Document frequencies are kept per file and summed, so an edited
 * file is re-counted alone. A paper's derived topics are its few candidates with the best
 * tf-idf among those shared by enough papers to be a browsable topic, but not so many that
 * they say nothing; a phrase hides the words it contains.
 *
 * Everything is lazy: candidate terms are extracted on first use and cached per paper object
 * (papers are replaced when their file changes), topics per paper per vocabulary version.
 */
import type { Paper } from './model';
import { foldForSearch } from './names';

export interface DerivedTopic {
  /** `derived:<term>`; `<term>` is the folded, singular form. */
  id: string;
  label: string;
}

/** Candidate terms of one paper with their weights. */
interface TermBag {
  terms: string[];
  weights: number[];
  /** Terms seen in the title (a single word must be, to be one of the paper's topics). */
  inTitle: Set<string>;
}

const TITLE_WEIGHT = 2;
const ABSTRACT_WEIGHT = 1;
/** Phrases are more telling than single words: preferred whenever a paper has one. */
const PHRASE_BONUS = 2.5;
/** Derived topics per paper. */
const TOPICS_PER_PAPER = 3;
/** A topic must be shared by at least this many papers (a single word: one more), and this share of a big library… */
const MIN_PAPERS = 2;
const MIN_SHARE = 0.0003;
/** …and by at most this share of them. */
const MAX_SHARE = 0.12;
const SMALL_MAX_PAPERS = 3;
/** A single word may be the topic of at most this share of the papers. */
const SINGLE_MAX_SHARE = 0.04;
/** Abstracts beyond this length add little and cost time. */
const ABSTRACT_CHARS = 2500;
/** Papers read between two yields of `updating`. */
const STEP = 500;

/** English function words. */
const STOP_WORDS = new Set(
  `a about above across after again against all almost along also although always am among an and another any anyone anything are around as at
  be became because become becomes been before being below between both but by can cannot could did do does doing done down during each either
  else enough even ever every few for from further had has have having he her here hers him his how however i if in into is it its itself just
  least less let like made make makes many may me might more most much must my neither no nor not now of off often on once one only onto or other
  others otherwise our ours out over own per perhaps rather same several shall she should since so some such than that the their theirs them
  then there thereby therefore these they this those though through thus to too toward towards under until up upon us very via was we well were
  what whatever when where whereas whether which while who whom whose why will with within without would yet you your yours`.split(/\s+/),
);

/** Words every abstract uses; they name no topic. */
const BOILERPLATE = new Set(
  `abstract paper papers propose proposed proposes present presents presented show shows shown demonstrate demonstrates study studies studied
  approach approaches method methods methodology result results new novel work works based using use used uses introduce introduces introduced
  first second two three different various existing recent recently previous prior state art significant significantly substantially improve
  improves improved improvement improvements performance performances outperform outperforms outperforming achieve achieves achieved achieving
  experiment experiments experimental evaluate evaluated evaluation evaluations extensive effective effectively efficient efficiently problem
  problems task tasks able large small high low better best good well many often way ways also however thus furthermore moreover key main
  provide provides provided allow allows enable enables find finds found make making given consider considers considered standard including
  include includes previous help helps particular specifically respectively due order set sets number numbers type types general generally
  framework frameworks technique techniques analysis analyze analyse investigate investigates proceedings conference workshop journal volume
  university association annual international meeting article chapter code available publicly github com http https www org url doi arxiv
  et al i.e e.g ie eg etc via fig figure table section simple flexible relative accurate fast strong powerful diverse multiple single
  towards beyond rethinking revisiting unified simply stronger faster whole full fully non estimate estimates estimated estimating
  trained compared findings empirical substantial progress one four five six seven eight nine ten
  enhanced enhancing adaptive dynamic description conditions third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth`.split(/\s+/),
);

/**
 * Everyday English words: fine inside a phrase (`age estimation`, `hand pose`), too general
 * to be a topic alone (a reader sees "age" or "hand" on a card and learns nothing).
 */
const GENERAL_WORDS = new Set(
  `age ages hand hands head heads face faces body eye eyes light lights hard soft online offline level levels human humans people person stage stages
  cloud clouds region regions description descriptions text texts word words image images picture video videos sound voice world life time times
  day days year years place places part parts side sides point points line lines form forms case cases group groups kind kinds area areas
  change changes place game games home house room water fire air food money power energy space field fields system systems process processes
  model models data dataset datasets network networks learning training test tests testing input inputs output outputs feature features
  information knowledge quality quantity size scale scales value values rate rates degree degrees range ranges step steps stage phase phases
  view views scene scenes object objects thing things action actions event events story stories question questions answer answers
  hidden open closed real fake true false simple complex common rare short long deep shallow wide narrow early late old young big little
  right left top bottom front back inside outside upper lower local global general specific natural artificial visual physical social
  detecting detection detect recognizing recognition recognize updating update updates reliable grounded linear compare comparing
  variance downstream memory memories identity relation relations expert experts consistency attribute attributes gender pose prompt prompts
  classifier classifiers alignment encoder encoders decoder decoders module modules head layer layers block blocks unit units target targets
  generative discriminative invariant attention generation prediction predictions classification estimation representation representations
  understanding reasoning search planning control language vision speech music art health medicine education law business
  measuring referring quantifying fewer dual arbitrary joint preference preferences popular`.split(/\s+/),
);

function isNoise(word: string): boolean {
  return word.length < 3 || STOP_WORDS.has(word) || BOILERPLATE.has(word) || /^[\d-]+$/.test(word) || !/[a-z\u00e0-\uffff]/.test(word);
}

/** Singular form (folds `models`/`model`, `studies`/`study`); leaves `-ss`, `-us`, `-is` alone. */
function singular(word: string): string {
  if (word.length <= 4) return word;
  if (word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is|ys|as)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Fragments between punctuation: phrases never span a comma or a full stop. */
const FRAGMENT = /[.,;:!?()[\]{}"“”'‘’/|]+|\s[-–—]\s/;
const WORD_SPLIT = /[^\p{L}\p{N}-]+/u;

/**
 * Adds the words and phrases of `text` with `weight` to `into`. Terms are keyed by their
 * folded singular form; `labels` keeps the first surface form seen per term.
 */
function collect(text: string, weight: number, into: Map<string, number>, labels: Map<string, string>): void {
  if (!text) return;
  for (const fragment of text.split(FRAGMENT)) {
    let prev: string | undefined;
    let prevSurface = '';
    for (const raw of fragment.split(WORD_SPLIT)) {
      if (!raw) continue;
      const term = termOf(raw);
      if (term === null) {
        prev = undefined;
        continue;
      }
      into.set(term, (into.get(term) ?? 0) + weight);
      if (!labels.has(term)) labels.set(term, surfaceOf(raw));
      if (prev !== undefined) {
        const phrase = prev + ' ' + term;
        into.set(phrase, (into.get(phrase) ?? 0) + weight * PHRASE_BONUS);
        if (!labels.has(phrase)) labels.set(phrase, prevSurface + ' ' + surfaceOf(raw));
      }
      prev = term;
      prevSurface = surfaceOf(raw);
    }
  }
}

/**
 * The term of a word as written, or null for noise. Cached: titles repeat the same words, and
 * folding and the checks cost more than a lookup (bounded, so a huge library cannot grow it
 * without end).
 */
const TERM_CACHE_MAX = 200_000;
const termCache = new Map<string, string | null>();
function termOf(raw: string): string | null {
  let term = termCache.get(raw);
  if (term !== undefined) return term;
  const folded = foldForSearch(surfaceOf(raw));
  term = folded && !isNoise(folded) ? singular(folded) : null;
  if (termCache.size >= TERM_CACHE_MAX) termCache.clear();
  termCache.set(raw, term);
  return term;
}

function surfaceOf(raw: string): string {
  return raw.replace(/^-+|-+$/g, '').toLowerCase();
}

/** Per file: its papers (to notice a change by identity) and their document frequencies. */
interface FileCounts {
  papers: readonly Paper[];
  df: Map<string, number>;
}

export class DerivedTopics {
  private readonly bags = new WeakMap<Paper, TermBag>();
  private readonly assigned = new WeakMap<Paper, { version: number; topics: DerivedTopic[] }>();
  private readonly files = new Map<string, FileCounts>();
  /** Surface form per term (first seen; kept across updates, it only grows). */
  private readonly labels = new Map<string, string>();
  private df = new Map<string, number>();
  private paperCount = 0;
  private version = 0;

  /**
   * Brings the document frequencies up to date with the library's files (`papersOf` per
   * file). Files whose papers are the same objects as last time are not re-read.
   */
  update(files: Iterable<[file: string, papers: readonly Paper[]]>): void {
    for (const _ of this.updating(files)) {
      /* run to the end */
    }
  }

  /**
   * `update` in steps: yields after every few hundred papers read, so a caller can spread
   * the work over time slices (the extension host must stay responsive on 90,000 entries).
   */
  *updating(files: Iterable<[file: string, papers: readonly Paper[]]>): Generator<void, void, void> {
    let changed = false;
    const seen = new Set<string>();
    let sinceYield = 0;
    for (const [file, papers] of files) {
      seen.add(file);
      const old = this.files.get(file);
      if (old && sameObjects(old.papers, papers)) continue;
      const df = new Map<string, number>();
      for (const p of papers) {
        if (++sinceYield === STEP) {
          sinceYield = 0;
          yield;
        }
        if (!needsDerivedTopics(p)) continue;
        for (const t of this.bag(p).terms) df.set(t, (df.get(t) ?? 0) + 1);
      }
      this.files.set(file, { papers, df });
      changed = true;
    }
    for (const file of [...this.files.keys()]) {
      if (!seen.has(file)) {
        this.files.delete(file);
        changed = true;
      }
    }
    if (!changed) return;
    const total = new Map<string, number>();
    let count = 0;
    for (const { papers, df } of this.files.values()) {
      for (const p of papers) if (needsDerivedTopics(p)) count++;
      for (const [t, n] of df) total.set(t, (total.get(t) ?? 0) + n);
      yield;
    }
    this.df = total;
    this.paperCount = count;
    this.version++;
  }

  /** The derived topics of a paper (none when it has keywords or an arXiv class). */
  topicsOf(p: Paper): DerivedTopic[] {
    if (!needsDerivedTopics(p)) return [];
    const cached = this.assigned.get(p);
    if (cached && cached.version === this.version) return cached.topics;
    const topics = this.choose(this.bag(p));
    this.assigned.set(p, { version: this.version, topics });
    return topics;
  }

  /** The label of a derived topic id, if the id is known. */
  label(id: string): string | undefined {
    return id.startsWith('derived:') ? this.labels.get(id.slice(8)) : undefined;
  }

  private bag(p: Paper): TermBag {
    let bag = this.bags.get(p);
    if (!bag) {
      const weights = new Map<string, number>();
      collect(p.title, TITLE_WEIGHT, weights, this.labels);
      const inTitle = new Set(weights.keys());
      collect(p.abstract.slice(0, ABSTRACT_CHARS), ABSTRACT_WEIGHT, weights, this.labels);
      bag = { terms: [...weights.keys()], weights: [...weights.values()], inTitle };
      this.bags.set(p, bag);
    }
    return bag;
  }

  private choose(bag: TermBag): DerivedTopic[] {
    const n = this.paperCount;
    const minDf = Math.max(MIN_PAPERS, Math.ceil(n * MIN_SHARE));
    // Small collections: a topic may span a few papers even when that is a large share.
    const maxDf = Math.max(minDf + 1, Math.floor(n * MAX_SHARE), SMALL_MAX_PAPERS);
    // Scores of the eligible terms (0: not eligible); the best are picked one by one (a
    // paper has a few dozen terms and keeps three: cheaper than sorting, no garbage).
    const scores = new Float64Array(bag.terms.length);
    for (let i = 0; i < bag.terms.length; i++) {
      const term = bag.terms[i];
      const df = this.df.get(term) ?? 0;
      // Single words are noisier than phrases: they must be specific (no everyday word, in
      // the title, at most a few percent of the papers) and shared a little more widely.
      const phrase = term.includes(' ');
      if (!phrase && (GENERAL_WORDS.has(term) || !bag.inTitle.has(term) || df > Math.max(minDf + 1, n * SINGLE_MAX_SHARE))) continue;
      const min = phrase ? minDf : minDf + 1;
      if (df >= min && df <= maxDf) scores[i] = bag.weights[i] * Math.log(n / df);
    }
    const out: DerivedTopic[] = [];
    const chosen: string[] = [];
    while (out.length < TOPICS_PER_PAPER) {
      let best = -1;
      for (let i = 0; i < scores.length; i++) {
        if (scores[i] > 0 && (best < 0 || scores[i] > scores[best] || (scores[i] === scores[best] && bag.terms[i] < bag.terms[best]))) best = i;
      }
      if (best < 0) break;
      scores[best] = 0;
      const term = bag.terms[best];
      // A phrase and the words it is made of would be the same topic twice.
      if (chosen.some((c) => overlaps(c, term))) continue;
      chosen.push(term);
      out.push({ id: 'derived:' + term, label: this.labels.get(term) ?? term });
    }
    return out;
  }
}

function overlaps(a: string, b: string): boolean {
  const wa = a.split(' ');
  const wb = b.split(' ');
  return wa.some((w) => wb.includes(w));
}

function sameObjects(a: readonly Paper[], b: readonly Paper[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Keywords and arXiv classes are the author's own topics; only papers without them get derived ones. */
export function needsDerivedTopics(p: Paper): boolean {
  return !p.arxivClass.trim() && !p.keywords.some((k) => k.trim());
}
