/** Every minute: re-send stored, unacknowledged decisions and start executions that never started (functions/outbox). */
import middy from '@middy/core';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';

export const handlerWith = ({ outbox }: Dependencies) => middy().handler(async () => outbox.sweep());

export const handler = lambdaEntry(handlerWith);
