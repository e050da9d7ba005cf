/** The workflow's own steps: `open-notice`, `close-notice`, `archive` (see use-cases/system-tasks). */
import middy from '@middy/core';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { runSystemTask } from '../use-cases/system-tasks';

export const handlerWith = (deps: Dependencies) =>
  middy().handler(async (event: unknown) => runSystemTask(deps, event));

export const handler = lambdaEntry(handlerWith);
