/**
 * The few parts of a synthesized CloudFormation template that the twin reads.
 * Property values stay `unknown` where a template may hold an intrinsic function ({ Ref }, { Fn::GetAtt }, ...):
 * readers resolve them (intrinsics.ts) or pick out the literal values they understand and ignore the rest.
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
}

/** A template the twin cannot read or resolve; its message names the resource or property. */
export class AssemblyError extends Error {
  override readonly name = 'AssemblyError';
}

/** One rule of an `AWS::S3::Bucket` `CorsConfiguration.CorsRules`, as CloudFormation spells it. */
export interface CorsRule {
  AllowedMethods: string[];
  AllowedOrigins: string[];
  AllowedHeaders?: string[];
  ExposedHeaders?: string[];
  MaxAge?: number;
  Id?: string;
}

/** The literal strings of a template list; intrinsic functions are dropped. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Resources of one CloudFormation type, with their logical ids. */
export function resourcesOfType(template: CfnTemplate, ...types: string[]): [string, CfnResource][] {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => types.includes(resource.Type));
}
