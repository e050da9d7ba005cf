/** The workflow's own steps: `open-notice`, `close-notice`, `archive` (see use-cases/system-tasks). */
import middy from '@middy/core';
import { runSystemTask } from '../use-cases/system-tasks';

export const handler = middy().handler(async (event: unknown) => runSystemTask(event));
