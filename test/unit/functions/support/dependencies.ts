/**
 * The handlers' dependencies as a test builds them: the functions' own store, evidence and outbox over SDK clients
 * that aws-sdk-client-mock intercepts (support/mocks.ts), with a fixed configuration instead of the environment.
 */

import { DEFAULT_MAX_PHOTO_DISTANCE_M } from '../../../../domain/rules/evidence';
import { createClients } from '../../../../functions/config/clients';
import type { Config } from '../../../../functions/config/config';
import { createDependencies } from '../../../../functions/config/dependencies';
import { logger } from '../../../../functions/config/logger';
import type { Dependencies } from '../../../../functions/use-cases/dependencies';
import { STANDARD_EXECUTION_LIMIT_MS } from '../../../../process/healing';
import { testCallers } from './callers';

export const TEST_CONFIG: Config = {
  tableName: 'anju-test',
  evidenceBucket: 'anju-evidence-test',
  stateMachineArn: 'arn:aws:states:cn-north-1:123456789012:stateMachine:Renovation',
  photoMaxDistanceM: DEFAULT_MAX_PHOTO_DISTANCE_M,
  identityMode: 'cognito',
  signInNameClaim: 'cognito:username',
  executionLimitSeconds: STANDARD_EXECUTION_LIMIT_MS / 1000,
};

/** The handlers' logs are not what these tests read. */
export function quietLogs(): void {
  logger.setLogLevel(process.env.DEBUG_LOGS ? 'DEBUG' : 'SILENT');
}

quietLogs();

export function testDependencies(config: Partial<Config> = {}): Dependencies {
  const clients = createClients({
    region: 'cn-north-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // Each test answers the program read as it likes: nothing is remembered between calls.
  const dependencies = createDependencies({ ...TEST_CONFIG, ...config }, clients, { programsFreshForMs: 0 });
  // Callers come from the test users table, where each test's claims put them (support/callers.ts).
  return { ...dependencies, callers: testCallers() };
}
