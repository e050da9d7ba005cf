/**
 * Decides a request as IAM would, with `@cloud-copilot/iam-simulate`: the caller's identity policies (the
 * template's, for the role a function or state machine runs as) and the resource's policy when it has one,
 * actions and resource ARNs matched with IAM's wildcards, conditions evaluated on the request's context keys,
 * an explicit deny winning. One account, no organization: no SCP, RCP or permission boundary.
 *
 * The context every request carries: `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
 * `aws:userid`, `aws:RequestedRegion`, `aws:CurrentTime`, `aws:EpochTime`, and `aws:SecureTransport` = true
 * (the local endpoints are plain HTTP on loopback, standing in for AWS's HTTPS ones); services add their own
 * keys (`twin/iam/requests.ts`). A condition on a key the twin does not supply evaluates as IAM does for an
 * absent key: false, except for `...IfExists` and `Null` checks.
 */
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { type EvaluationResult, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { IamModel, PolicyDocument, RoleModel } from './roles';

/** Who makes a request. */
export type Caller =
  /** A function's or the state machine's role session (temporary credentials minted for it). */
  | { readonly kind: 'role'; readonly roleArn: string; readonly sessionName: string }
  /** An AWS service acting on behalf of a resource, e.g. EventBridge for a rule (`aws:SourceArn`). */
  | { readonly kind: 'service'; readonly service: string; readonly sourceArn?: string; readonly sourceAccount?: string }
  /** The person running the twin, with the operator's keys (tests, tools): an administrator, not evaluated. */
  | { readonly kind: 'operator' };

export type AccessRequest = {
  /** `service:Action`, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Service-specific condition keys of this request. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The resource's own policy (a bucket policy, a function's permissions), when it has one. */
  readonly resourcePolicy?: PolicyDocument;
};

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly result: Exclude<EvaluationResult, 'Allowed'>; readonly message: string };

export type DenialRecord = { readonly caller: string; readonly action: string; readonly resource: string };

type Validated = ReturnType<typeof createValidatedPolicy>;

/** The principal ARN IAM names in a message: the assumed-role session of a role. */
export function principalArnOf(caller: Caller, account: string, partition = 'aws'): string {
  switch (caller.kind) {
    case 'role':
      return `arn:${partition}:sts::${account}:assumed-role/${caller.roleArn.slice(caller.roleArn.lastIndexOf('/') + 1)}/${caller.sessionName}`;
    case 'service':
      return caller.service;
    case 'operator':
      return `arn:${partition}:iam::${account}:root`;
  }
}

export class Authorizer {
  private readonly identityPolicies = new Map<string, { name: string; policy: Validated }[]>();
  private readonly resourcePolicies = new WeakMap<PolicyDocument, Validated>();
  private readonly recentDenials: DenialRecord[] = [];
  private denialCount = 0;

  constructor(
    readonly model: IamModel,
    private readonly onDenial: (record: DenialRecord, message: string) => void = () => {},
  ) {
    for (const role of model.roles.values()) {
      this.identityPolicies.set(
        role.arn,
        role.policies.map((policy, index) => ({
          name: `${role.logicalId}/${index}:${policy.name}`,
          policy: createValidatedPolicy(policy.document, validateIdentityPolicy, { name: policy.name }),
        })),
      );
    }
  }

  /** Policies of the template IAM would refuse to create (a wrong action name, a bad ARN), one sentence each. */
  invalidPolicies(): string[] {
    const problems: string[] = [];
    for (const [roleArn, policies] of this.identityPolicies) {
      for (const { name, policy } of policies) {
        for (const error of policy.errors) problems.push(`${roleArn} ${name}: ${error.message} (${error.path})`);
      }
    }
    return problems;
  }

  role(roleArn: string): RoleModel | undefined {
    return this.model.roles.get(roleArn);
  }

  /** Every request must be allowed (TransactWriteItems needs each item's action on each table). */
  authorizeAll(caller: Caller, requests: readonly AccessRequest[]): Decision {
    for (const request of requests) {
      const decision = this.authorize(caller, request);
      if (!decision.allowed) return decision;
    }
    return { allowed: true };
  }

  authorize(caller: Caller, request: AccessRequest): Decision {
    if (caller.kind === 'operator') return { allowed: true };
    const { account, partition, region } = this.model;
    const principal = principalArnOf(caller, account, partition);
    const now = new Date();
    const context: Record<string, string | string[]> = {
      'aws:RequestedRegion': region,
      'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SecureTransport': 'true',
    };
    if (caller.kind === 'role') {
      Object.assign(context, {
        'aws:PrincipalArn': caller.roleArn,
        'aws:PrincipalAccount': account,
        'aws:PrincipalType': 'AssumedRole',
        'aws:userid': `AROA${caller.roleArn.slice(caller.roleArn.lastIndexOf('/') + 1).toUpperCase()}:${caller.sessionName}`,
      });
    } else {
      if (caller.sourceArn !== undefined) context['aws:SourceArn'] = caller.sourceArn;
      context['aws:SourceAccount'] = caller.sourceAccount ?? account;
      context['aws:PrincipalServiceName'] = caller.service;
    }
    for (const [key, value] of Object.entries(request.context ?? {})) {
      context[key] = typeof value === 'string' ? value : [...value];
    }
    const identityPolicies = caller.kind === 'role' ? (this.identityPolicies.get(caller.roleArn) ?? []) : [];
    const resourcePolicy = request.resourcePolicy ? this.validatedResourcePolicy(request.resourcePolicy) : undefined;
    const result = runUnsafeSimulation(
      {
        request: {
          principal,
          action: request.action,
          resource: { resource: request.resource, accountId: account },
          contextVariables: context,
        },
        identityPolicies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy ? { resourcePolicy } : {}),
      },
      {},
    );
    if (result === 'Allowed') return { allowed: true };
    const because =
      result === 'ExplicitlyDenied'
        ? 'with an explicit deny in a policy'
        : caller.kind === 'role'
          ? `because no identity-based policy allows the ${request.action} action`
          : `because no resource-based policy allows the ${request.action} action`;
    const message = `User: ${principal} is not authorized to perform: ${request.action} on resource: ${request.resource} ${because}`;
    const record = { caller: principal, action: request.action, resource: request.resource };
    this.denialCount += 1;
    this.recentDenials.push(record);
    if (this.recentDenials.length > 100) this.recentDenials.shift();
    this.onDenial(record, message);
    return { allowed: false, result, message };
  }

  /** How many requests were refused since the start, and the most recent ones. */
  denials(): { count: number; recent: readonly DenialRecord[] } {
    return { count: this.denialCount, recent: [...this.recentDenials] };
  }

  private validatedResourcePolicy(document: PolicyDocument): Validated {
    let validated = this.resourcePolicies.get(document);
    if (!validated) {
      validated = createValidatedPolicy(document, validateResourcePolicy, { name: 'resource policy' });
      this.resourcePolicies.set(document, validated);
    }
    return validated;
  }
}
