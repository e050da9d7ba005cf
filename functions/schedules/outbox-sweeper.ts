/** Every minute: re-send stored, unacknowledged decisions and start executions that never started. */
import middy from '@middy/core';
import { sweepOutbox } from '../use-cases/sweep-outbox';

export const handler = middy().handler(async () => sweepOutbox());
