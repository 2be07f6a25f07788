/**
 * `npm run reference:synthetic -- --tps N --out FILE [--seed S]`: writes a synthetic national reference (the CSV
 * `REFERENCE_FILE` takes) shaped like Indonesia's at N TPS (default 820,000): reference/synthetic-nation.ts.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { nationShapeFor, syntheticNationCsv } from '../reference/synthetic-nation.js';

const { values } = parseArgs({
  options: { tps: { type: 'string', default: '820000' }, out: { type: 'string' }, seed: { type: 'string', default: '2024' } },
});
const tps = Number(values.tps);
if (!values.out || !Number.isInteger(tps) || tps < 1) {
  console.error('usage: npm run reference:synthetic -- --tps N --out FILE [--seed S]');
  process.exit(2);
}
const shape = nationShapeFor(tps);
const out = createWriteStream(values.out);
for (const line of syntheticNationCsv(shape, Number(values.seed))) if (!out.write(line + '\n')) await once(out, 'drain');
out.end();
await once(out, 'finish');
console.log(
  `wrote ${values.out}: ${shape.provinsi} provinsi, ${shape.kabupaten} kabupaten/kota, ${shape.kecamatan} kecamatan, ${shape.kelurahan} kelurahan, ${shape.tps} TPS (synthetic)`,
);
