/**
 * Resolves CloudFormation intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`, `Fn::If` and conditions, `Fn::Base64`, `Fn::ToJsonString`) and pseudo parameters to the values
 * the twin uses: its local names (local-names.ts) and the local API's URL.
 */
import { asRecord } from '../json';
import { AssemblyError, type CfnTemplate } from './cfn-types';
import { bucketName, functionArn, LOCAL_ACCOUNT, LOCAL_REGION, STACK_NAME, stateMachineArn } from './local-names';

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': STACK_NAME,
  'AWS::StackId': `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/${STACK_NAME}/local`,
};

/** Marks a property that `AWS::NoValue` removed. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export type ResolveOptions = {
  /** The local API's URL, for `Fn::GetAtt [Api, ApiEndpoint]`. */
  readonly apiEndpoint?: string;
};

/** Resolves CloudFormation intrinsics in a template to the values the local runtime uses. */
export class IntrinsicResolver {
  constructor(
    private readonly template: CfnTemplate,
    private readonly options: ResolveOptions = {},
  ) {}

  resolve(value: unknown): unknown {
    const resolved = this.resolveValue(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new AssemblyError(`${where} did not resolve to a string (got ${JSON.stringify(resolved)})`);
  }

  ref(name: string): unknown {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (pseudo !== undefined) return pseudo;
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name === 'AWS::NotificationARNs') return [];
    const parameter = this.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? '';
    const resource = this.template.Resources?.[name];
    if (!resource) throw new AssemblyError(`Ref to '${name}', which the template does not define`);
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return bucketName(name);
      case 'AWS::StepFunctions::StateMachine':
        return stateMachineArn(this.stateMachineNameOf(name));
      case 'AWS::Cognito::UserPool':
        return `${LOCAL_REGION}_${name}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${LOCAL_REGION}.amazonaws.com/${LOCAL_ACCOUNT}/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
      default:
        // Tables, functions, roles, APIs, integrations, authorizers: the logical id is the local name.
        return name;
    }
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.template.Resources?.[logicalId];
    if (!resource) throw new AssemblyError(`Fn::GetAtt on '${logicalId}', which the template does not define`);
    const name = this.ref(logicalId);
    const prefix = `${LOCAL_REGION}:${LOCAL_ACCOUNT}`;
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${prefix}:table/${logicalId}`;
      case 'AWS::DynamoDB::Table.StreamArn':
        return `arn:aws:dynamodb:${prefix}:table/${logicalId}/stream/local`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${String(name)}`;
      case 'AWS::S3::Bucket.DomainName':
        return `${String(name)}.s3.amazonaws.com`;
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${String(name)}.s3.${LOCAL_REGION}.amazonaws.com`;
      case 'AWS::Lambda::Function.Arn':
        return functionArn(logicalId);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return stateMachineArn(this.stateMachineNameOf(logicalId));
      case 'AWS::StepFunctions::StateMachine.Name':
        return this.stateMachineNameOf(logicalId);
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`;
      case 'AWS::Cognito::UserPool.Arn':
        return `arn:aws:cognito-idp:${prefix}:userpool/${String(name)}`;
      case 'AWS::Cognito::UserPool.ProviderURL':
      case 'AWS::Cognito::UserPool.ProviderName':
        return `cognito-idp.${LOCAL_REGION}.amazonaws.com/${String(name)}`;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return this.options.apiEndpoint ?? 'http://127.0.0.1';
      case 'AWS::ApiGatewayV2::Api.ApiId':
        return logicalId;
      case 'AWS::Events::Rule.Arn':
        return `arn:aws:events:${prefix}:rule/${logicalId}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${prefix}:${logicalId}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${prefix}:log-group:${logicalId}:*`;
      default:
        if (attribute === 'Arn') {
          const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
          return `arn:aws:${service}:${prefix}:${logicalId}`;
        }
        return `${logicalId}.${attribute}`;
    }
  }

  /** A state machine is named by its `StateMachineName` when the template sets one, as on AWS. */
  stateMachineNameOf(logicalId: string): string {
    const name = this.template.Resources?.[logicalId]?.Properties?.StateMachineName;
    return name === undefined ? logicalId : this.resolveString(name, `${logicalId}.StateMachineName`);
  }

  private resolveValue(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => this.resolveValue(item)).filter((item) => item !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.resolveValue(item);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  private intrinsic(name: string, argument: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(this.asString(this.resolveValue(argument), 'Ref'));
      case 'Fn::GetAtt': {
        const [logicalId, ...attribute] =
          typeof argument === 'string' ? argument.split('.') : this.asList(this.resolveValue(argument), name);
        return this.getAtt(this.asString(logicalId, name), attribute.map((a) => this.asString(a, name)).join('.'));
      }
      case 'Fn::Join': {
        const [separator, items] = this.asList(argument, name);
        const list = this.asList(this.resolveValue(items), name);
        return list.map((item) => this.scalar(item, name)).join(this.asString(separator, name));
      }
      case 'Fn::Sub': {
        if (typeof argument === 'string') return this.sub(argument, {});
        const [text, variables] = this.asList(argument, name);
        const resolvedVariables = this.resolveValue(variables ?? {});
        return this.sub(this.asString(this.resolveValue(text), name), asRecord(resolvedVariables));
      }
      case 'Fn::Select': {
        const [index, items] = this.asList(argument, name);
        const list = this.asList(this.resolveValue(items), name);
        return list[Number(this.resolveValue(index))];
      }
      case 'Fn::Split': {
        const [separator, text] = this.asList(argument, name);
        return this.asString(this.resolveValue(text), name).split(this.asString(separator, name));
      }
      case 'Fn::Base64':
        return Buffer.from(this.asString(this.resolveValue(argument), name)).toString('base64');
      case 'Fn::GetAZs':
        return [`${LOCAL_REGION}a`, `${LOCAL_REGION}b`, `${LOCAL_REGION}c`];
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.asList(argument, name);
        return this.condition(this.asString(condition, name))
          ? this.resolveValue(whenTrue)
          : this.resolveValue(whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = this.asList(argument, name);
        return JSON.stringify(this.resolveValue(a)) === JSON.stringify(this.resolveValue(b));
      }
      case 'Fn::Not':
        return !this.truthy(this.asList(argument, name)[0]);
      case 'Fn::And':
        return this.asList(argument, name).every((item) => this.truthy(item));
      case 'Fn::Or':
        return this.asList(argument, name).some((item) => this.truthy(item));
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolveValue(argument));
      default:
        throw new AssemblyError(`the local runtime does not resolve ${name}`);
    }
  }

  private truthy(value: unknown): boolean {
    if (value && typeof value === 'object' && 'Condition' in value) {
      return this.condition(this.asString((value as { Condition: unknown }).Condition, 'Condition'));
    }
    return this.resolveValue(value) === true;
  }

  private condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new AssemblyError(`the template has no condition '${name}'`);
    return this.resolveValue(definition) === true;
  }

  /** `${Name}` is a Ref (or variable), `${Name.Attr}` a GetAtt, `${!Text}` the literal `${Text}`. */
  private sub(text: string, variables: Record<string, unknown>): string {
    return text.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const key = inner.trim();
      if (Object.hasOwn(variables, key)) return this.scalar(variables[key], 'Fn::Sub');
      const dot = key.indexOf('.');
      if (dot > 0 && !key.startsWith('AWS::')) {
        return this.scalar(this.getAtt(key.slice(0, dot), key.slice(dot + 1)), 'Fn::Sub');
      }
      return this.scalar(this.ref(key), 'Fn::Sub');
    });
  }

  private scalar(value: unknown, where: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new AssemblyError(`${where} needs a string but got ${JSON.stringify(value)}`);
  }

  private asString(value: unknown, where: string): string {
    if (typeof value !== 'string') throw new AssemblyError(`${where} expects a string, got ${JSON.stringify(value)}`);
    return value;
  }

  private asList(value: unknown, where: string): unknown[] {
    if (!Array.isArray(value)) throw new AssemblyError(`${where} expects a list, got ${JSON.stringify(value)}`);
    return value;
  }
}
