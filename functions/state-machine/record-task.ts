/** Callback task of every human step: records the pending task with its token (see use-cases/record-task). */
import middy from '@middy/core';
import { recordTask } from '../use-cases/record-task';

export const handler = middy().handler(async (event: unknown) => recordTask(event));
