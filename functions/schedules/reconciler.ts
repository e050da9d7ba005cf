/**
 * Every five minutes: every unfinished household has one running execution, replaced before its time limit
 * (functions/outbox/reconcile.ts, docs/workflow.md "Healing").
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaEntry, runDeadline } from '../config/handler';
import { logger } from '../config/logger';
import type { Dependencies } from '../use-cases/dependencies';

const metrics = new Metrics();
const tracer = new Tracer();

export const handlerWith = ({ outbox }: Dependencies) =>
  middy()
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics))
    .handler(async (_event: unknown, context: Context) => {
      const deadline = runDeadline(context);
      const counts = await outbox.reconcileDue(new Date(), deadline);
      // Published every run, zeros included, so a reconciler that stopped shows as missing data.
      metrics.addMetric('HouseholdsReconciled', MetricUnit.Count, counts.checked);
      metrics.addMetric('ExecutionsRestarted', MetricUnit.Count, counts.restarted + counts.started);
      metrics.addMetric('ReconcileFailures', MetricUnit.Count, counts.failed);
      if (counts.restarted + counts.started + counts.failed > 0) logger.info('reconciled', { ...counts });
      return counts;
    });

export const handler = lambdaEntry(handlerWith);
