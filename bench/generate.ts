/**
 * Deterministic generator of a realistic BibTeX collection for benchmarks and stress tests.
 *
 *   node --import tsx bench/generate.ts --count 90000 --out /tmp/gen90k.bib
 *     [--seed 1] [--abstract-ratio 0.5] [--broken-every N] [--keys-out keys.json]
 *
 * Realistic means: what slows readers and search down in real libraries. International names
 * with LaTeX accents and particles, corporate authors, `and others`, keys with `:`/`-`/`_`,
 * `{Protected}` words and `$math$` in titles, and abstracts drawn from a Zipf-distributed
 * vocabulary so that term frequencies (and so search costs) look like real text.
 * Everything comes from a seeded PRNG: the same options give the same bytes.
 */

import { writeFileSync } from 'node:fs';
import { BREAKAGES, Breakage, breakEntry, createRandom } from './break';

export interface GenerateOptions {
  /** PRNG seed; the same seed gives the same text. Default 1. */
  seed?: number;
  /** Share of entries with an abstract (80–250 words). Default 0.5. */
  abstractRatio?: number;
  /** Break one entry in every N (varied breakages, see break.ts). Default: none. */
  brokenEvery?: number;
}

export interface GeneratedBibtex {
  text: string;
  /** Every entry's key, in file order (broken entries included). */
  keys: string[];
  /** Keys of the entries that were broken, in file order. */
  brokenKeys: string[];
  /** The breakage applied to each of `brokenKeys`. */
  breakages: Breakage[];
}

export function generateBibtex(count: number, options: GenerateOptions = {}): string {
  return generateBibtexWithInfo(count, options).text;
}

export function generateBibtexWithInfo(count: number, options: GenerateOptions = {}): GeneratedBibtex {
  const random = createRandom(options.seed ?? 1);
  const abstractRatio = options.abstractRatio ?? 0.5;
  const brokenEvery = options.brokenEvery ?? 0;
  const generator = new EntryGenerator(random, getPools());
  const parts: string[] = [];
  const keys: string[] = [];
  const brokenKeys: string[] = [];
  const breakages: Breakage[] = [];
  let brokenInRun = -1;
  for (let i = 0; i < count; i++) {
    const { key, text } = generator.entry(random() < abstractRatio);
    keys.push(key);
    if (brokenEvery > 0) {
      if (i % brokenEvery === 0) brokenInRun = i + Math.floor(random() * brokenEvery);
      if (i === brokenInRun) {
        const breakage = BREAKAGES[Math.floor(random() * BREAKAGES.length)];
        parts.push(breakEntry(text, breakage, random));
        brokenKeys.push(key);
        breakages.push(breakage);
        continue;
      }
    }
    parts.push(text);
  }
  return { text: parts.join(''), keys, brokenKeys, breakages };
}

// ---------------------------------------------------------------------------------------
// Word and name pools (built once, from a fixed seed, whatever the generation seed)

interface Name {
  given: string;
  von: string;
  family: string;
  suffix: string;
}

interface Conference {
  name: string;
  firstYear: number;
}

interface Pools {
  names: Name[];
  /** Abstract vocabulary, most frequent first. */
  vocabulary: string[];
  /** Cumulative Zipf weights over `vocabulary`, for sampling by binary search. */
  vocabularyCdf: Float64Array;
  /** Words fit for titles and keywords (no function words), most frequent first. */
  contentWords: string[];
  contentCdf: Float64Array;
}

let pools: Pools | undefined;

function getPools(): Pools {
  if (!pools) pools = buildPools();
  return pools;
}

const GIVEN_NAMES = [
  'James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Emily', 'Daniel', 'Matthew', 'Andrew', 'Christopher', 'Laura', 'Rachel', 'Peter', 'Alice', 'Kevin',
  'J{\\"u}rgen', 'Klaus', 'Wolfgang', 'Stefan', 'Andreas', 'Sabine', 'Katrin', 'Uwe', 'Bj{\\"o}rn', 'G{\\"u}nter',
  'Matthias', 'J{\\"o}rg', 'Fran{\\c{c}}ois', 'Jos{\\\'e}phine', 'Andr{\\\'e}', 'H{\\\'e}l{\\`e}ne', 'C{\\\'e}line',
  'J{\\\'e}r{\\^o}me', 'Pierre', 'Fr{\\\'e}d{\\\'e}ric', 'Beno{\\^\\i}t', 'Ga{\\"e}l', 'Jean-Pierre', 'Marie-Claire',
  'Jos{\\\'e}', 'Mar{\\\'\\i}a', 'Luc{\\\'\\i}a', 'Sebasti{\\\'a}n', 'Jo{\\~a}o', 'Carlos', 'Javier', 'Alejandro',
  'In{\\\'e}s', 'S{\\o}ren', '{\\AA}sa', 'Lars', 'Ingrid', 'Magnus', 'Sigr{\\\'\\i}{\\dh}ur', '{\\L}ukasz',
  'Ji{\\v{r}}{\\\'\\i}', 'Tom{\\\'a}{\\v{s}}', 'Ivan', 'Olga', 'Dmitri', 'Katarzyna', 'Zbigniew', 'Milo{\\v{s}}',
  '{\\c{S}}ebnem', 'Mehmet', '{\\"O}zlem', 'Yi{\\u{g}}it', 'Wei', 'Xiaoming', 'Yang', 'Jie', 'Hao', 'Lei', 'Jing',
  'Yu', 'Zhiwei', 'Xin', 'Ying', 'Qiang', 'Fang', 'Hui', 'Takashi', 'Yuki', 'Hiroshi', 'Akiko', 'Kenji', 'Haruka',
  'Min-jun', 'Ji-woo', 'Seo-yeon', 'Hyun', 'Priya', 'Rahul', 'Ananya', 'Arjun', 'Sanjay', 'Deepa', 'Vikram',
  'Lakshmi', 'Aditya', 'Mohammed', 'Fatima', 'Ahmad', 'Layla', 'Omar', 'Reza', 'Maryam', 'Yusuf', 'Chinedu',
  'Amara', 'Kwame', 'Thabo', 'Ngozi', 'Abebe', 'Minh', 'Thanh', 'Huong', 'Quang', 'Yael', 'Noam', 'Tamar',
  'Giulia', 'Marco', 'Francesca', 'Alessandro', 'Sofia', 'Anna', 'Eva', 'Ole', 'Hanne', 'Pekka', 'Aino',
];

/** Family names; `von|Family` marks a particle (`van der|Maaten`). */
const FAMILY_NAMES = [
  'Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright',
  'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Young', 'Hall', 'Allen', 'King', 'Scott', 'Green', 'Baker',
  'Adams', 'Nelson', 'Carter', 'Mitchell', 'Campbell', 'Anderson', 'Murphy', "O'Brien", 'McDonald',
  'M{\\"u}ller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Sch{\\"a}fer',
  'Hoffmann', 'Koch', 'Richter', 'Kr{\\"u}ger', 'Gro{\\ss}', 'Wei{\\ss}', 'B{\\"o}hm', 'Dubois', 'Lef{\\`e}vre',
  'Moreau', 'Laurent', 'Mercier', 'Bonnet', 'Girard', 'Fournier', 'Rousseau', 'Garc{\\\'\\i}a',
  'Mart{\\\'\\i}nez', 'Rodr{\\\'\\i}guez', 'L{\\\'o}pez', 'Gonz{\\\'a}lez', 'P{\\\'e}rez', 'S{\\\'a}nchez',
  'Fern{\\\'a}ndez', 'Jim{\\\'e}nez', 'Mu{\\~n}oz', 'Pe{\\~n}a', 'Silva', 'Santos', 'Oliveira', 'Souza',
  'Ara{\\\'u}jo', 'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Bruno',
  'de|Vries', 'van den|Berg', 'van|Dijk', 'Bakker', 'Jansen', 'Visser', 'de|Jong', 'von|Neumann',
  'von|Luxburg', 'van der|Maaten', 'de la|Cruz', 'di|Stefano', 'da|Silva', 'del|Rio', 'le|Roux', 'Hansen',
  'Johansson', 'Nilsson', 'Andersson', 'J{\\o}rgensen', 'Sigur{\\dh}sson', '{\\O}stergaard', 'Lindstr{\\"o}m',
  'H{\\"a}m{\\"a}l{\\"a}inen', 'Virtanen', 'Nowak', 'Kowalski', 'Wi{\\\'s}niewski', 'Novak', 'Dvo{\\v{r}}{\\\'a}k',
  'Ivanov', 'Petrov', 'Smirnov', 'Kuznetsov', 'Popov', 'Horv{\\\'a}th', 'Nagy', 'Kov{\\\'a}cs', 'Erd{\\H{o}}s',
  'Y{\\i}lmaz', 'Kaya', 'Demir', '{\\c{S}}ahin', '{\\c{C}}elik', '{\\"O}zt{\\"u}rk', 'Wang', 'Li', 'Zhang',
  'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo', 'He', 'Lin',
  'Gao', 'Luo', 'Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura',
  'Kobayashi', 'Kato', 'Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Sharma', 'Patel', 'Singh', 'Kumar',
  'Gupta', 'Reddy', 'Iyer', 'Nair', 'Chatterjee', 'Banerjee', 'Mukherjee', 'Rao', 'Krishnan', 'Hassan', 'Ali',
  'Ahmed', 'Khan', 'Haddad', 'Mansour', 'Al-Farsi', 'El-Sayed', 'Okafor', 'Mensah', 'Nkosi', 'Adeyemi',
  'Diallo', 'Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Vu', 'Dang', 'Cohen', 'Levi', 'Mizrahi', 'Friedman',
  'Papadopoulos', 'Georgiou', 'Korhonen', 'Andr{\\\'e}', 'Fran{\\c{c}}ois', 'Schr{\\"o}dinger', 'Nakagawa',
];

const CORPORATE_AUTHORS = [
  '{World Health Organization}', '{The ATLAS Collaboration}', '{CMS Collaboration}', '{OpenAI}',
  '{European Commission}', '{National Research Council}', '{IEEE Standards Association}',
  '{Intergovernmental Panel on Climate Change}', '{The {LIGO} Scientific Collaboration}', '{Google Research}',
  '{Association for Computing Machinery}', '{Organisation for Economic Co-operation and Development}',
];

/** Frequent words of scientific English, most frequent first (Zipf ranks 1…). */
const FUNCTION_WORDS = [
  'the', 'of', 'and', 'a', 'in', 'to', 'we', 'is', 'for', 'that', 'with', 'on', 'by', 'this', 'are', 'our',
  'from', 'as', 'an', 'be', 'which', 'can', 'these', 'it', 'at', 'using', 'show', 'results', 'model', 'data',
  'between', 'both', 'than', 'such', 'has', 'have', 'its', 'not', 'also', 'more', 'new', 'two', 'based',
  'approach', 'method', 'paper', 'propose', 'while', 'into', 'over', 'under', 'when', 'their', 'however',
  'without', 'each', 'via', 'first', 'high', 'large', 'performance', 'significantly', 'existing',
];

const SCIENTIFIC_WORDS = [
  'learning', 'neural', 'network', 'networks', 'analysis', 'system', 'systems', 'language', 'translation',
  'training', 'representation', 'representations', 'deep', 'efficient', 'robust', 'adaptive', 'dynamic',
  'stochastic', 'optimization', 'inference', 'estimation', 'graph', 'graphs', 'quantum', 'spectral',
  'algorithm', 'algorithms', 'framework', 'benchmark', 'dataset', 'evaluation', 'transformer', 'attention',
  'semantic', 'syntactic', 'parsing', 'generation', 'retrieval', 'classification', 'regression', 'clustering',
  'embedding', 'embeddings', 'supervised', 'unsupervised', 'reinforcement', 'policy', 'reward', 'agent',
  'protein', 'molecular', 'cell', 'cellular', 'gene', 'expression', 'genomic', 'clinical', 'patients', 'cancer',
  'climate', 'ocean', 'atmospheric', 'temperature', 'carbon', 'energy', 'solar', 'thermal', 'magnetic',
  'particle', 'field', 'fields', 'lattice', 'symmetry', 'topological', 'manifold', 'geometry', 'algebraic',
  'theorem', 'proof', 'bound', 'bounds', 'convergence', 'complexity', 'linear', 'nonlinear', 'convex',
  'sparse', 'dense', 'matrix', 'tensor', 'kernel', 'gaussian', 'bayesian', 'probabilistic', 'causal',
  'temporal', 'spatial', 'multimodal', 'multilingual', 'cross-lingual', 'speech', 'vision', 'image', 'video',
  'segmentation', 'detection', 'recognition', 'tracking', 'control', 'robotic', 'planning', 'simulation',
  'experimental', 'empirical', 'theoretical', 'numerical', 'scalable', 'distributed', 'parallel', 'memory',
  'hardware', 'compiler', 'verification', 'security', 'privacy', 'federated', 'fairness', 'bias',
  'interpretability', 'explanation', 'uncertainty', 'calibration', 'generalization', 'transfer', 'domain',
  'adaptation', 'few-shot', 'zero-shot', 'pretraining', 'fine-tuning', 'prompting', 'reasoning', 'knowledge',
  'entity', 'relation', 'extraction', 'summarization', 'dialogue', 'question', 'answering', 'corpus',
  'annotation', 'lexical', 'morphological', 'phonetic', 'acoustic', 'signal', 'frequency', 'noise', 'channel',
  'wireless', 'sensor', 'sensors', 'energy-efficient', 'latency', 'throughput', 'scheduling', 'allocation',
  'market', 'economic', 'social', 'policy-making', 'urban', 'population', 'survey', 'statistical', 'variance',
  'sampling', 'diffusion', 'flow', 'flows', 'turbulence', 'fluid', 'material', 'materials', 'crystal',
  'polymer', 'catalyst', 'synthesis', 'chemical', 'reaction', 'enzyme', 'metabolic', 'neuronal', 'cortex',
  'cognitive', 'behavioral', 'visual', 'auditory', 'motor', 'brain', 'imaging', 'microscopy', 'spectroscopy',
  'galaxy', 'galaxies', 'stellar', 'cosmological', 'dark', 'matter', 'gravitational', 'waves', 'black',
  'holes', 'observations', 'telescope', 'survey-based', 'accuracy', 'error', 'errors', 'loss', 'objective',
  'gradient', 'descent', 'momentum', 'regularization', 'dropout', 'normalization', 'layer', 'layers',
  'architecture', 'architectures', 'encoder', 'decoder', 'sequence', 'sequences', 'token', 'tokens',
  'vocabulary', 'context', 'contextual', 'long-range', 'hierarchical', 'recursive', 'recurrent',
  'convolutional', 'generative', 'discriminative', 'adversarial', 'contrastive', 'self-supervised',
];

const WORD_PREFIXES = [
  'neuro', 'hyper', 'poly', 'micro', 'photo', 'thermo', 'electro', 'bio', 'geo', 'chrono', 'cyto', 'hydro',
  'meta', 'para', 'iso', 'macro', 'nano', 'astro', 'cryo', 'morpho', 'pseudo', 'quasi', 'hetero', 'homo',
  'immuno', 'magneto', 'opto', 'piezo', 'radio', 'spectro', 'stereo', 'tele', 'trans', 'ultra', 'xeno',
];
const WORD_ROOTS = [
  'graph', 'morph', 'lex', 'spect', 'synth', 'trop', 'kin', 'phor', 'lyt', 'gen', 'stat', 'duct', 'plast',
  'therm', 'phon', 'scop', 'metr', 'log', 'cycl', 'dyn', 'mer', 'phil', 'phob', 'chrom', 'tax', 'top', 'sens',
  'vect', 'port', 'form', 'struct', 'fract', 'tens', 'vers', 'cept', 'flect', 'junct', 'mod', 'path', 'sol',
];
const WORD_SUFFIXES = [
  'ic', 'ation', 'ism', 'ity', 'al', 'ous', 'ive', 'ometry', 'ase', 'ide', 'on', 'ology', 'ization', 'ics',
  'ant', 'ene', 'ite', 'oid', 'osis', 'ure', 'ence', 'ance', 'or', 'er', 'ing', 'ed', 'able', 'ial',
];

const MATH_SNIPPETS = [
  '$\\alpha$', '$\\beta$-VAE', '$k$-means', '$O(n \\log n)$', '$\\ell_1$', '$\\mathcal{H}_\\infty$',
  '$\\epsilon$-greedy', '$p$-adic', '$\\mathbb{Z}_2$', '$SU(3)$', '$n$-gram', '$\\lambda$-calculus',
];

const JOURNALS = [
  'Journal of Machine Learning Research', 'Nature', 'Science', 'Physical Review Letters', 'Physical Review D',
  'IEEE Transactions on Pattern Analysis and Machine Intelligence', 'Computational Linguistics',
  'Transactions of the Association for Computational Linguistics', 'Artificial Intelligence',
  'Neural Computation', 'Nature Communications', 'Proceedings of the National Academy of Sciences',
  'The Astrophysical Journal', 'Monthly Notices of the Royal Astronomical Society', 'Journal of Chemical Physics',
  'Cell', 'Bioinformatics', 'Nucleic Acids Research', 'The Lancet', 'New England Journal of Medicine',
  'Journal of the American Statistical Association', 'Annals of Statistics', 'Biometrika',
  'SIAM Journal on Optimization', 'Mathematical Programming', 'Communications of the ACM', 'ACM Computing Surveys',
  'IEEE Transactions on Information Theory', 'IEEE Transactions on Signal Processing', 'Automatica',
  'Journal of Fluid Mechanics', 'Geophysical Research Letters', 'Journal of Climate', 'Ecology Letters',
  'Psychological Review', 'Cognitive Science', 'Journal of Neuroscience', 'NeuroImage', 'Neuron',
  'Journal of Economic Theory', 'Econometrica', 'American Economic Review', 'Language', 'Linguistic Inquiry',
  'Natural Language Engineering', 'Machine Learning', 'Pattern Recognition', 'Information Sciences',
  'Journal of Artificial Intelligence Research', 'Advanced Materials', 'Nano Letters',
  'Journal of the American Chemical Society', 'Angewandte Chemie International Edition', 'Physical Review B',
  'Zeitschrift f{\\"u}r Physik', 'Revue d\'{\\\'E}conomie Politique', 'Acta Numerica', 'Numerische Mathematik',
];

const CONFERENCES: Conference[] = [
  { name: 'Annual Meeting of the Association for Computational Linguistics', firstYear: 1963 },
  { name: 'Conference on Empirical Methods in Natural Language Processing', firstYear: 1996 },
  { name: 'International Conference on Machine Learning', firstYear: 1984 },
  { name: 'Conference on Neural Information Processing Systems', firstYear: 1987 },
  { name: 'International Conference on Learning Representations', firstYear: 2013 },
  { name: 'IEEE/CVF Conference on Computer Vision and Pattern Recognition', firstYear: 1983 },
  { name: 'International Conference on Computer Vision', firstYear: 1987 },
  { name: 'AAAI Conference on Artificial Intelligence', firstYear: 1980 },
  { name: 'International Joint Conference on Artificial Intelligence', firstYear: 1969 },
  { name: 'ACM SIGKDD International Conference on Knowledge Discovery and Data Mining', firstYear: 1995 },
  { name: 'International ACM SIGIR Conference on Research and Development in Information Retrieval', firstYear: 1978 },
  { name: 'ACM Symposium on Theory of Computing', firstYear: 1969 },
  { name: 'IEEE Symposium on Foundations of Computer Science', firstYear: 1960 },
  { name: 'ACM SIGPLAN Conference on Programming Language Design and Implementation', firstYear: 1979 },
  { name: 'USENIX Security Symposium', firstYear: 1990 },
  { name: 'ACM Conference on Computer and Communications Security', firstYear: 1993 },
  { name: 'International Conference on Acoustics, Speech and Signal Processing', firstYear: 1976 },
  { name: 'Conference of the International Speech Communication Association', firstYear: 2000 },
  { name: 'International Conference on Robotics and Automation', firstYear: 1984 },
  { name: 'ACM CHI Conference on Human Factors in Computing Systems', firstYear: 1982 },
  { name: 'International Conference on Very Large Data Bases', firstYear: 1975 },
  { name: 'ACM SIGMOD International Conference on Management of Data', firstYear: 1975 },
  { name: 'Conference on Learning Theory', firstYear: 1988 },
  { name: 'International Conference on Artificial Intelligence and Statistics', firstYear: 1985 },
  { name: 'Conference on Uncertainty in Artificial Intelligence', firstYear: 1985 },
  { name: 'International Conference on Computational Linguistics', firstYear: 1965 },
  { name: 'Conference of the North American Chapter of the Association for Computational Linguistics', firstYear: 2000 },
  { name: 'European Conference on Computer Vision', firstYear: 1990 },
  { name: 'International Symposium on Computer Architecture', firstYear: 1973 },
  { name: 'The Web Conference', firstYear: 1994 },
];

const PUBLISHERS: [string, string][] = [
  ['Springer', 'Berlin, Heidelberg'], ['Cambridge University Press', 'Cambridge, UK'], ['MIT Press', 'Cambridge, MA'],
  ['Oxford University Press', 'Oxford'], ['Wiley', 'Hoboken, NJ'], ['Elsevier', 'Amsterdam'],
  ['CRC Press', 'Boca Raton, FL'], ["O'Reilly Media", 'Sebastopol, CA'], ['Addison-Wesley', 'Reading, MA'],
  ['Princeton University Press', 'Princeton, NJ'], ['Morgan Kaufmann', 'San Francisco, CA'],
  ['Pearson', 'Upper Saddle River, NJ'], ['Association for Computational Linguistics', 'Stroudsburg, PA'],
  ['Presses Universitaires de France', 'Paris'], ['Vieweg+Teubner', 'Wiesbaden'],
];

const ARXIV_CLASSES = [
  'cs.CL', 'cs.LG', 'cs.CV', 'cs.AI', 'cs.IR', 'cs.CR', 'cs.DS', 'stat.ML', 'math.OC', 'math.PR', 'quant-ph',
  'hep-th', 'hep-ph', 'cond-mat.stat-mech', 'cond-mat.mtrl-sci', 'astro-ph.GA', 'astro-ph.CO', 'q-bio.NC',
  'physics.comp-ph', 'eess.SP', 'eess.AS', 'econ.EM',
];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Zipf–Mandelbrot weights 1/(rank + offset)^exponent, accumulated. */
function zipfCdf(size: number, exponent: number, offset = 0): Float64Array {
  const cdf = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) {
    total += 1 / Math.pow(rank + 1 + offset, exponent);
    cdf[rank] = total;
  }
  for (let rank = 0; rank < size; rank++) cdf[rank] /= total;
  return cdf;
}

function buildPools(): Pools {
  const random = createRandom(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

  const names: Name[] = [];
  const seenNames = new Set<string>();
  while (names.length < 3000) {
    const written = pick(FAMILY_NAMES);
    const [von, family] = written.includes('|') ? written.split('|') : ['', written];
    let given = pick(GIVEN_NAMES);
    const r = random();
    if (r < 0.08) given += ` ${String.fromCharCode(65 + Math.floor(random() * 26))}.`;
    else if (r < 0.1) given += ` ${pick(GIVEN_NAMES)}`;
    const suffix = random() < 0.01 ? pick(['Jr.', 'III', 'Sr.']) : '';
    const id = `${given}|${von}|${family}|${suffix}`;
    if (seenNames.has(id)) continue;
    seenNames.add(id);
    names.push({ given, von, family, suffix });
  }

  // A few thousand made-up scientific words, after the real ones in frequency order.
  const made = new Set<string>();
  const known = new Set([...FUNCTION_WORDS, ...SCIENTIFIC_WORDS]);
  while (made.size < 3600) {
    const word = (random() < 0.5 ? pick(WORD_PREFIXES) : '') + pick(WORD_ROOTS) + pick(WORD_SUFFIXES);
    if (!known.has(word)) made.add(word);
  }
  const contentWords = [...SCIENTIFIC_WORDS, ...made];
  const vocabulary = [...FUNCTION_WORDS, ...contentWords];
  return {
    names,
    vocabulary,
    vocabularyCdf: zipfCdf(vocabulary.length, 1.4, 3),
    contentWords,
    contentCdf: zipfCdf(contentWords.length, 1.0),
  };
}

// ---------------------------------------------------------------------------------------
// Entries

/** LaTeX-free lowercase ASCII, for citation keys: `M{\"u}ller` → `muller`. */
function keyWord(latex: string): string {
  return latex
    .replace(/\\(ss|o|O|AA|aa|L|l|i|dh|ae)(?![A-Za-z])/g, (_, command: string) => (command === 'dh' ? 'd' : command))
    .replace(/\\[A-Za-z]+|\\./g, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return n + (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
}

type EntryType = 'article' | 'inproceedings' | 'book' | 'misc' | 'incollection' | 'phdthesis' | 'techreport';

class EntryGenerator {
  private readonly usedKeys = new Set<string>();

  constructor(
    private readonly random: () => number,
    private readonly pools: Pools,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private between(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low + 1));
  }

  private zipf(words: string[], cdf: Float64Array): string {
    const target = this.random();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return words[lo];
  }

  private word(): string {
    return this.zipf(this.pools.vocabulary, this.pools.vocabularyCdf);
  }

  private contentWord(): string {
    return this.zipf(this.pools.contentWords, this.pools.contentCdf);
  }

  entry(withAbstract: boolean): { key: string; text: string } {
    const r = this.random();
    const type: EntryType =
      r < 0.38 ? 'article' : r < 0.72 ? 'inproceedings' : r < 0.79 ? 'book' : r < 0.94 ? 'misc' : r < 0.97 ? 'incollection' : r < 0.985 ? 'phdthesis' : 'techreport';
    // Recent years are far more common in real libraries.
    let year = 2026 - Math.floor(57 * Math.pow(this.random(), 2.2));
    if (type === 'misc' && year < 2008) year = this.between(2008, 2026);

    const authorCount = this.authorCount(type);
    const authors = this.authors(authorCount);
    const title = this.title();
    const key = this.key(type, authors.familyKeys, year, title.keyWord);

    const fields: [string, string][] = [];
    const quoted = this.random() < 0.08;
    const value = (text: string): string => (quoted && !text.includes('"') ? `"${text}"` : `{${text}}`);
    const add = (name: string, text: string): void => {
      fields.push([name, value(text)]);
    };

    add('author', authors.text);
    add('title', title.text);
    switch (type) {
      case 'article':
        add('journal', this.pick(JOURNALS));
        add('volume', String(this.between(1, 180)));
        if (this.random() < 0.7) add('number', String(this.between(1, 12)));
        break;
      case 'inproceedings':
      case 'incollection': {
        const conference = this.pick(CONFERENCES);
        const edition = year - conference.firstYear + 1;
        add('booktitle', edition >= 1 ? `Proceedings of the ${ordinal(edition)} ${conference.name}` : `Proceedings of the ${year} ${conference.name}`);
        if (type === 'incollection' || this.random() < 0.3) {
          const [publisher, address] = this.pick(PUBLISHERS);
          add('publisher', publisher);
          add('address', address);
        }
        break;
      }
      case 'book': {
        const [publisher, address] = this.pick(PUBLISHERS);
        add('publisher', publisher);
        add('address', address);
        if (this.random() < 0.3) add('edition', ordinal(this.between(2, 5)));
        if (this.random() < 0.5) add('isbn', `978-${this.between(0, 9)}-${this.between(100, 999)}-${this.between(10000, 99999)}-${this.between(0, 9)}`);
        break;
      }
      case 'phdthesis':
        add('school', `University of ${this.pick(['Cambridge', 'Edinburgh', 'Tokyo', 'Toronto', 'M{\\"u}nchen', 'S{\\~a}o Paulo', 'Helsinki', 'Cape Town'])}`);
        break;
      case 'techreport':
        add('institution', this.pick(['Microsoft Research', 'IBM Research', 'Max-Planck-Institut f{\\"u}r Informatik', 'INRIA', 'National Institute of Standards and Technology']));
        add('number', `TR-${year}-${this.between(1, 99)}`);
        break;
      case 'misc':
        break;
    }
    if (this.random() < 0.15) fields.push(['year', String(year)]);
    else add('year', String(year));
    if (type !== 'misc' && this.random() < 0.25) fields.push(['month', this.pick(MONTHS)]);
    if (type === 'article' || type === 'inproceedings' || type === 'incollection') {
      if (this.random() < 0.7) {
        const first = this.between(1, 900);
        add('pages', `${first}--${first + this.between(3, 30)}`);
      }
    }
    if (type === 'misc') {
      const month = this.between(1, 12);
      const yymm = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}`;
      const eprint = `${yymm}.${String(this.between(1, year >= 2015 ? 99999 : 9999)).padStart(year >= 2015 ? 5 : 4, '0')}`;
      add('eprint', eprint);
      add('archiveprefix', 'arXiv');
      add('primaryclass', this.pick(ARXIV_CLASSES));
      add('url', `https://arxiv.org/abs/${eprint}`);
    } else {
      if (this.random() < 0.6) add('doi', `10.${this.between(1000, 99999)}/${keyWord(this.contentWord()).slice(0, 6)}.${year}.${this.between(1, 99999)}`);
      if (this.random() < 0.15) add('url', `https://example.org/${type}/${year}/${this.between(1, 999999)}`);
    }
    if (this.random() < 0.2) {
      const keywords = new Set<string>();
      const keywordCount = this.between(2, 6);
      for (let i = 0; i < keywordCount; i++) keywords.add(this.contentWord());
      add('keywords', [...keywords].join(', '));
    }
    if (withAbstract) add('abstract', this.abstract());

    return { key, text: this.format(type, key, fields) };
  }

  private format(type: EntryType, key: string, fields: [string, string][]): string {
    const style = this.random();
    const lines: string[] = [`@${type}{${key},\n`];
    const aligned = style < 0.1;
    const indent = style < 0.6 ? '  ' : style < 0.9 ? '\t' : '    ';
    const trailingComma = this.random() < 0.6;
    for (let i = 0; i < fields.length; i++) {
      const [name, value] = fields[i];
      const separator = aligned ? ' '.repeat(Math.max(1, 13 - name.length)) + '= ' : ' = ';
      const comma = i < fields.length - 1 || trailingComma ? ',' : '';
      lines.push(`${indent}${name}${separator}${value}${comma}\n`);
    }
    lines.push('}\n\n');
    return lines.join('');
  }

  private authorCount(type: EntryType): number {
    if (type === 'book' || type === 'phdthesis') return this.random() < 0.7 ? 1 : this.between(2, 3);
    const r = this.random();
    if (r < 0.15) return 1;
    if (r < 0.4) return 2;
    if (r < 0.62) return 3;
    if (r < 0.77) return 4;
    if (r < 0.88) return 5;
    if (r < 0.97) return this.between(6, 8);
    return this.between(9, 12);
  }

  private authors(count: number): { text: string; familyKeys: string[] } {
    if (this.random() < 0.015) {
      const corporate = this.pick(CORPORATE_AUTHORS);
      return { text: corporate, familyKeys: [keyWord(corporate.split(' ').find((w) => !/^\{?The$/.test(w)) ?? corporate)] };
    }
    const style = this.random();
    const names: string[] = [];
    const familyKeys: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = this.pick(this.pools.names);
      familyKeys.push(keyWord(name.family));
      names.push(this.formatName(name, style));
    }
    if (count >= 3 && this.random() < 0.06) names.splice(this.between(1, count - 1), count, 'others');
    return { text: names.join(' and '), familyKeys };
  }

  private formatName(name: Name, style: number): string {
    let given = name.given;
    if (style > 0.9) {
      // Initials: `Jean-Pierre A.` → `J.-P. A.`, `{\L}ukasz` → `{\L}.`
      given = given.replace(/(^|[\s-])(\{(?:[^{}]|\{[^{}]*\})*\}|[^\s-])[^\s-]*/g, (_, separator: string, first: string) => `${separator}${first}.`);
      given = given.replace(/\.\./g, '.');
    }
    const von = name.von ? `${name.von} ` : '';
    if (name.suffix) return `${von}${name.family}, ${name.suffix}, ${given}`;
    if (style < 0.6 || style > 0.9) return `${von}${name.family}, ${given}`;
    return `${given} ${von}${name.family}`;
  }

  private title(): { text: string; keyWord: string } {
    const w = (): string => this.contentWord();
    const cap = (word: string): string => word.split('-').map(capitalize).join('-');
    let words: string[];
    switch (this.between(0, 6)) {
      case 0:
        words = [w(), w(), 'for', w(), w()];
        break;
      case 1:
        words = ['On', 'the', w(), 'of', w(), w()];
        break;
      case 2:
        words = [this.acronym() + ':', w(), w(), 'with', w(), w()];
        break;
      case 3:
        words = ['Towards', w(), w(), 'in', w(), w()];
        break;
      case 4:
        words = [w(), 'from', w(), w(), 'via', w()];
        break;
      case 5:
        words = [w(), w(), w(), 'and', w(), w()];
        break;
      default:
        words = ['A', w(), 'Approach', 'to', w(), w(), 'for', w()];
    }
    const titleCase = this.random() < 0.7;
    words = words.map((word, i) => {
      if (i === 0 || (titleCase && !['for', 'of', 'the', 'with', 'in', 'from', 'via', 'and', 'to'].includes(word))) return cap(word);
      return word;
    });
    // `{Protected}` words and inline math, as real titles have.
    if (this.random() < 0.15) words.splice(this.between(1, words.length - 1), 0, `{${cap(w())}}`);
    if (this.random() < 0.06) words.splice(this.between(1, words.length - 1), 0, this.pick(MATH_SNIPPETS));
    const keyCandidate = words.map(keyWord).find((word) => word.length > 2 && !['on', 'the', 'towards', 'a'].includes(word));
    return { text: words.join(' '), keyWord: keyCandidate ?? 'paper' };
  }

  private acronym(): string {
    const length = this.between(3, 6);
    let acronym = '';
    for (let i = 0; i < length; i++) acronym += String.fromCharCode(65 + Math.floor(this.random() * 26));
    return this.random() < 0.5 ? `{${acronym}}` : acronym;
  }

  private abstract(): string {
    // Word counts 80–250, skewed to the lower end as real abstracts are.
    const target = 80 + Math.floor(170 * Math.pow(this.random(), 5));
    const sentences: string[] = [];
    let written = 0;
    while (written < target) {
      const length = Math.min(this.between(8, 26), target - written + 3);
      const words: string[] = [];
      for (let i = 0; i < length; i++) words.push(this.word());
      words[0] = capitalize(words[0]);
      const extra = this.random();
      if (extra < 0.05) words.splice(this.between(1, length - 1), 0, this.pick(MATH_SNIPPETS));
      else if (extra < 0.1) words.push(`by ${this.between(1, 40)}.${this.between(0, 9)}\\%`);
      sentences.push(words.join(' ') + '.');
      written += length;
    }
    return sentences.join(' ');
  }

  private key(type: EntryType, familyKeys: string[], year: number, titleWord: string): string {
    const family = familyKeys[0] || 'anon';
    const r = this.random();
    let base: string;
    if (type === 'misc' && r < 0.25) {
      // ADS-style arXiv key.
      base = `${year}arXiv${this.between(1000, 9999)}${this.between(1000, 9999)}${family.charAt(0).toUpperCase()}`;
    } else if (r < 0.65) {
      base = `${family}${year}${titleWord}`;
    } else if (r < 0.75) {
      base = `${capitalize(family)}:${year}:${capitalize(titleWord)}`;
    } else if (r < 0.9) {
      const who = familyKeys.length === 1 ? family : familyKeys.length === 2 ? `${family}-${familyKeys[1]}` : `${family}-etal`;
      base = `${who}-${year}-${titleWord}`;
    } else {
      base = `${family}_${year}_${titleWord}`;
    }
    let key = base;
    for (let n = 1; this.usedKeys.has(key); n++) {
      key = n <= 26 ? base + String.fromCharCode(96 + n) : `${base}${n}`;
    }
    this.usedKeys.add(key);
    return key;
  }
}

// ---------------------------------------------------------------------------------------
// Command line

function parseArguments(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`Unexpected argument: ${argv[i]}`);
    args[match[1]] = match[2] ?? argv[++i] ?? '';
  }
  return args;
}

function main(): void {
  const args = parseArguments(process.argv.slice(2));
  const count = Number(args.count ?? 90000);
  const out = args.out;
  if (!Number.isInteger(count) || count < 0 || !out) {
    console.error('usage: node --import tsx bench/generate.ts --count N --out FILE [--seed S] [--abstract-ratio R] [--broken-every N] [--keys-out FILE]');
    process.exit(2);
  }
  const started = performance.now();
  const result = generateBibtexWithInfo(count, {
    seed: args.seed === undefined ? undefined : Number(args.seed),
    abstractRatio: args['abstract-ratio'] === undefined ? undefined : Number(args['abstract-ratio']),
    brokenEvery: args['broken-every'] === undefined ? undefined : Number(args['broken-every']),
  });
  const generated = performance.now();
  writeFileSync(out, result.text);
  if (args['keys-out']) writeFileSync(args['keys-out'], JSON.stringify({ keys: result.keys, brokenKeys: result.brokenKeys }));
  const megabytes = Buffer.byteLength(result.text) / 1e6;
  console.error(
    `${count} entries (${result.brokenKeys.length} broken), ${megabytes.toFixed(1)} MB, generated in ${((generated - started) / 1000).toFixed(2)} s → ${out}`,
  );
}

if (require.main === module) main();
