// Reading alone, as a process: the CLI's decode and reader, then only a count (see cli-bench.ts).
import { readFileSync } from 'node:fs';
import { parseCollection } from '../src/core/collection';
import { decodeCollection } from '../src/core/encoding';

const file = process.argv[2];
const result = parseCollection(decodeCollection(readFileSync(file)).text, file);
process.stdout.write(`${result.entries.length} entries\n`);
