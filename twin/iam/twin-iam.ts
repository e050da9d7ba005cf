/**
 * IAM in the twin, put together from the synthesized template: the roles and policies (`roles.ts`), the
 * evaluator (`authorizer.ts`), per-role temporary credentials (`credentials.ts`), and what each local service
 * and the twin's own callers (the state machine's Task states, EventBridge's schedules) check with them.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionSpec, LocalAssembly } from '../assembly/assembly';
import { functionArn, functionNameOf } from '../assembly/local-names';
import type { FaultInjector } from '../faults/faults';
import { Authorizer, type Caller } from './authorizer';
import { CredentialStore } from './credentials';
import { type DynamoCall, type DynamoFront, startDynamoFront } from './dynamodb-front';
import type { ArnScope } from './requests';
import { type IamModel, readIamModel } from './roles';
import { s3Gate } from './s3-gate';
import { stepFunctionsGate } from './stepfunctions-gate';

export type TwinIam = {
  readonly model: IamModel;
  readonly authorizer: Authorizer;
  readonly credentials: CredentialStore;
  /** The variables a function's sandbox signs with: its role's temporary credentials. */
  environmentFor(spec: FunctionSpec): Record<string, string>;
  readonly s3Gate: ReturnType<typeof s3Gate>;
  readonly stepFunctionsGate: ReturnType<typeof stepFunctionsGate>;
  startDynamoFront(options: {
    port: number;
    backend: string;
    observe?: (call: DynamoCall) => void;
  }): Promise<DynamoFront>;
  /** Invokes a function as a Task state does: with the state machine's role, through the function's policy. */
  invokeAsStateMachine(
    stateMachineArn: string,
    functionNameOrArn: string,
    invoke: () => Promise<unknown>,
  ): Promise<unknown>;
  /** Whether EventBridge may invoke the function for the rule (its `AWS::Lambda::Permission`); logs a refusal. */
  mayScheduleInvoke(ruleLogicalId: string, functionName: string): boolean;
};

export class TwinIamError extends Error {
  override readonly name = 'TwinIamError';
}

export function createTwinIam(
  assembly: LocalAssembly,
  options: { readonly faults?: FaultInjector; readonly log: (line: string) => void },
): TwinIam {
  const model = readIamModel(assembly.template);
  for (const warning of model.warnings) options.log(`[iam] ${warning}`);
  const scope: ArnScope = { partition: model.partition, region: model.region, account: model.account };
  const authorizer = new Authorizer(model, (_record, message) => options.log(`[iam] AccessDenied: ${message}`));
  for (const problem of authorizer.invalidPolicies()) options.log(`[iam] a policy IAM would refuse: ${problem}`);
  const credentials = new CredentialStore();

  // Lambda and Step Functions assume their roles: a role whose trust policy does not let them fails the start,
  // as the deployment would fail.
  const assume = (roleArn: string, service: string, sourceArn: string, what: string) => {
    const role = authorizer.role(roleArn);
    if (!role) throw new TwinIamError(`${what} runs as ${roleArn}, which is not a role of the template.`);
    const caller: Caller = { kind: 'service', service, sourceArn, sourceAccount: model.account };
    const decision = authorizer.authorize(caller, {
      action: 'sts:AssumeRole',
      resource: roleArn,
      ...(role.trustPolicy ? { resourcePolicy: role.trustPolicy } : {}),
    });
    if (!decision.allowed)
      throw new TwinIamError(`The role of ${what} cannot be assumed by ${service}: ${decision.message}`);
  };
  for (const [stateMachineArn, roleArn] of model.stateMachineRoles) {
    assume(roleArn, 'states.amazonaws.com', stateMachineArn, `state machine ${stateMachineArn}`);
  }

  return {
    model,
    authorizer,
    credentials,
    environmentFor(spec) {
      const roleArn = model.functionRoles.get(spec.name);
      if (!roleArn) throw new TwinIamError(`Function ${spec.name} has no role in the template.`);
      assume(roleArn, 'lambda.amazonaws.com', spec.arn, `function ${spec.name}`);
      // Lambda names the role session after the function.
      return CredentialStore.environmentOf(credentials.mint(roleArn, spec.name));
    },
    s3Gate: s3Gate({
      scope,
      credentials,
      authorizer,
      bucketPolicies: model.bucketPolicies,
      log: options.log,
      ...(options.faults ? { faults: options.faults } : {}),
    }),
    stepFunctionsGate: stepFunctionsGate({
      scope,
      credentials,
      authorizer,
      log: options.log,
      ...(options.faults ? { faults: options.faults } : {}),
    }),
    startDynamoFront({ port, backend, observe }) {
      const keys = new Map<string, string>();
      // Tables are named by their logical id locally (twin/assembly/local-names.ts).
      for (const [logicalId, resource] of Object.entries(assembly.template.Resources ?? {})) {
        if (resource.Type !== 'AWS::DynamoDB::Table') continue;
        const schema = Array.isArray(resource.Properties?.KeySchema)
          ? (resource.Properties?.KeySchema as Record<string, unknown>[])
          : [];
        const hash = schema.find((element) => element.KeyType === 'HASH')?.AttributeName;
        if (typeof hash === 'string') keys.set(logicalId, hash);
      }
      return startDynamoFront({
        port,
        backend,
        scope,
        credentials,
        authorizer,
        partitionKeyOf: (table) => keys.get(table),
        log: options.log,
        ...(options.faults ? { faults: options.faults } : {}),
        ...(observe ? { observe } : {}),
      });
    },
    async invokeAsStateMachine(stateMachineArn, functionNameOrArn, invoke) {
      const name = functionNameOf(functionNameOrArn);
      const resource = functionNameOrArn.startsWith('arn:') ? functionNameOrArn : functionArn(name);
      const roleArn = model.stateMachineRoles.get(stateMachineArn);
      const caller: Caller = roleArn
        ? { kind: 'role', roleArn, sessionName: stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1) }
        : { kind: 'service', service: 'states.amazonaws.com', sourceArn: stateMachineArn };
      const policy = model.functionPolicies.get(name);
      const decision = authorizer.authorize(caller, {
        action: 'lambda:InvokeFunction',
        resource,
        ...(policy ? { resourcePolicy: policy } : {}),
      });
      if (!decision.allowed) {
        // As Step Functions reports a Lambda API refusal at a Task state.
        const error = new Error(
          `${decision.message} (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`,
        );
        error.name = 'Lambda.AWSLambdaException';
        throw error;
      }
      const before = options.faults?.lambdaInvoke('before');
      if (before) throw before;
      const result = await invoke();
      const after = options.faults?.lambdaInvoke('after');
      if (after) throw after;
      return result;
    },
    mayScheduleInvoke(ruleLogicalId, functionName) {
      const name = functionNameOf(functionName);
      const ruleArn = model.ruleArns.get(ruleLogicalId);
      const policy = model.functionPolicies.get(name);
      const decision = authorizer.authorize(
        { kind: 'service', service: 'events.amazonaws.com', ...(ruleArn ? { sourceArn: ruleArn } : {}) },
        { action: 'lambda:InvokeFunction', resource: functionArn(name), ...(policy ? { resourcePolicy: policy } : {}) },
      );
      return decision.allowed;
    },
  };
}
