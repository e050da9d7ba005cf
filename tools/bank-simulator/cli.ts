/**
 * `npx tsx tools/bank-simulator/cli.ts <batch.csv> [--fail-every N]`: prints the simulated bank's result file
 * for a batch file downloaded from `GET /payments/batch`, ready for `POST /payments/results`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { simulateBank } from './bank-simulator';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'fail-every': { type: 'string' } },
});
const batchPath = positionals[0];
if (batchPath === undefined) {
  process.stderr.write('usage: tsx tools/bank-simulator/cli.ts <batch.csv> [--fail-every N]\n');
  process.exit(2);
}
const failEvery = values['fail-every'] === undefined ? undefined : Number(values['fail-every']);
if (failEvery !== undefined && (!Number.isInteger(failEvery) || failEvery < 1)) {
  process.stderr.write('--fail-every needs a positive integer\n');
  process.exit(2);
}
process.stdout.write(simulateBank(readFileSync(batchPath, 'utf8'), failEvery === undefined ? {} : { failEvery }));
