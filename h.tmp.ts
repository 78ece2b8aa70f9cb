import { readFileSync } from 'fs';
import { parseHayagriva } from './src/core/hayagriva';
const f = process.argv[2];
const r = parseHayagriva(readFileSync(f, 'utf8'), f);
for (const e of r.entries) console.log(e.key, e.type, e.line, JSON.stringify(e.keySpan), e.broken ?? '', JSON.stringify(Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k, v.raw]))));
for (const d of r.diagnostics) console.log(d.line + 1, d.column + 1, d.severity, d.code, d.message);
