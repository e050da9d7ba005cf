/** Every minute: re-send stored, unacknowledged decisions and start executions that never started (functions/outbox). */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { lambdaEntry } from '../config/handler';
import type { Dependencies } from '../use-cases/dependencies';

// Namespace and service (the stage) come from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME.
const metrics = new Metrics();
const tracer = new Tracer();

export const handlerWith = ({ outbox }: Dependencies) =>
  middy()
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .handler(async () => {
      const counts = await outbox.sweep();
      // Published every run, zero included: the outbox alarm also fires when the sweeper stops.
      metrics.addMetric('OutboxOldestAgeSeconds', MetricUnit.Seconds, counts.oldestAgeSeconds);
      return counts;
    });

export const handler = lambdaEntry(handlerWith);
