/** Callback task of every human step: records the pending task with its token (see use-cases/record-task). */
import middy from '@middy/core';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';
import { recordTask } from '../use-cases/record-task';

export const handlerWith = (deps: Dependencies) => middy().handler(async (event: unknown) => recordTask(deps, event));

export const handler = lambdaEntry(handlerWith);
