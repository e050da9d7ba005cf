/**
 * What `npm start` runs (bundled to `.build/twin-start.mjs` by `scripts/build-local.mjs`). Kept apart from
 * `twin/main.ts` so the benchmarks that start the stack in their own process can import it without starting a
 * second one.
 */
import { runFromCommandLine } from './main';

await runFromCommandLine();
