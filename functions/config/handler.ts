/**
 * Each handler module's Lambda entry: `export const handler = lambdaEntry(handlerWith)`, where `handlerWith`
 * takes the dependencies and is what the tests call with their own. A handler that needs none (`GET /me`) is
 * wrapped in `withLambdaContext` alone.
 *
 * The configuration is read and the clients and dependencies are built when the module loads, at the cold start:
 * the local twin sets a function's own variables only while its module loads (docs/local-runtime.md), and the work
 * is done once per container. A configuration that fails there is kept and thrown by every invocation, with its
 * message naming the missing variables, instead of failing the import: so a test can import the module for its
 * `handlerWith` without any variables set.
 */
import type { Context } from 'aws-lambda';
import type { Dependencies } from '../use-cases/dependencies';
import { createClients } from './clients';
import { readConfig } from './config';
import { createDependencies } from './dependencies';
import { logger } from './logger';

export type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export function lambdaEntry<E, R>(
  build: (dependencies: Dependencies) => Handler<E, R>,
  variables: Readonly<Record<string, string | undefined>> = process.env,
): Handler<E, R> {
  let built: Handler<E, R> | undefined;
  let failure: unknown;
  try {
    built = build(createDependencies(readConfig(variables), createClients()));
  } catch (error) {
    failure = error;
  }
  return withLambdaContext(async (event, context) => {
    if (!built) throw failure;
    return built(event, context);
  });
}

/** The handler with every log line of an invocation carrying its Lambda context (request id, function name). */
export function withLambdaContext<E, R>(handler: Handler<E, R>): Handler<E, R> {
  return (event, context) => {
    logger.addContext(context);
    return handler(event, context);
  };
}
