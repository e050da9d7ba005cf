/**
 * What stands before the local Step Functions service as AWS's front door does: the SigV4 signature and session
 * token, the caller's IAM permission for the operation on its state machine or execution (`requests.ts`), and
 * the faults ANJU_FAULTS asks for (ThrottlingException before; with `@after`, a 500 after the operation ran).
 */
import { createHash } from 'node:crypto';
import type { FaultInjector } from '../faults/faults';
import { executionOfTaskToken } from '../limits/limits';
import type { ServiceGate, ServiceRefusal } from '../services/stepfunctions/stepfunctions';
import { authenticate } from './authenticate';
import type { Authorizer } from './authorizer';
import type { CredentialStore } from './credentials';
import { type ArnScope, stateMachineOfExecution, stepFunctionsRequests } from './requests';

export function stepFunctionsGate(options: {
  readonly scope: ArnScope;
  readonly credentials: CredentialStore;
  readonly authorizer: Authorizer;
  readonly faults?: FaultInjector;
  readonly log?: (line: string) => void;
}): ServiceGate {
  const log = options.log ?? (() => {});
  const stateMachineOfToken = (token: string) => {
    const execution = executionOfTaskToken(token);
    return execution === undefined ? undefined : stateMachineOfExecution(execution);
  };
  return {
    async before(request): Promise<ServiceRefusal | undefined> {
      const questionMark = request.url.indexOf('?');
      const identity = await authenticate(
        {
          method: request.method,
          rawPath: questionMark < 0 ? request.url : request.url.slice(0, questionMark),
          rawQuery: questionMark < 0 ? '' : request.url.slice(questionMark + 1),
          headers: request.headers,
        },
        {
          store: options.credentials,
          region: options.scope.region,
          service: 'states',
          bodySha256: createHash('sha256').update(request.body, 'utf8').digest('hex'),
        },
      );
      if (!identity.ok) return { status: identity.status, code: identity.code, message: identity.message };
      const mapped = stepFunctionsRequests(request.operation, request.parsed, stateMachineOfToken);
      if ('unmapped' in mapped) {
        log(`[iam] refused ${request.operation}: the twin does not know which IAM actions ${mapped.unmapped} needs`);
        return {
          status: 400,
          code: 'AccessDeniedException',
          message: `The local twin cannot authorize ${mapped.unmapped}.`,
        };
      }
      const decision = options.authorizer.authorizeAll(identity.caller, mapped.requests);
      if (!decision.allowed) return { status: 400, code: 'AccessDeniedException', message: decision.message };
      return options.faults?.sfn(request.operation, 'before');
    },
    after(operation) {
      return options.faults?.sfn(operation, 'after');
    },
  };
}
