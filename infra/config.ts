/**
 * What one deployment is: its stage, region and the choices a county or province makes, read from
 * CDK context (`-c key=value`, or `stages.<stage>.<key>` in cdk.json for settings a stage keeps).
 * Every physical name derives from the stage, so two stages deploy side by side in one account.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Node } from 'constructs';

/** A setting the deployer got wrong; the CDK app prints its one-sentence message and stops. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export const DEFAULT_STAGE = 'dev';

/**
 * How staff prove who they are. `cognito`: a user pool of this stack (global regions). `oidc`: an
 * OpenID Connect issuer the county already runs (a province's unified government identity service,
 * a self-hosted Keycloak); the only choice in AWS China, which has no Cognito user pools.
 */
export type Identity =
  | { readonly mode: 'cognito'; readonly mfa: 'optional' | 'required' }
  | { readonly mode: 'oidc'; readonly issuer: string; readonly audience: string };

export interface DeploymentConfig {
  readonly stage: string;
  /** Undefined: an environment-agnostic template for the CLI's region (global regions only). */
  readonly region?: string;
  /** True for the `aws-cn` partition (cn-north-1, cn-northwest-1). */
  readonly china: boolean;
  readonly identity: Identity;
  /** Where alarm notifications go (an SNS email subscription to confirm). */
  readonly alarmEmail?: string;
  /** Retention of every log group of the stage (function, access and execution logs). */
  readonly logRetention: RetentionDays;
  /** Default route throttling of the HTTP API stage (docs/deploy.md sizes it for a province). */
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** Days after upload from which an archived household's photos sit in Glacier Instant Retrieval. */
  readonly archiveToGlacierDays: number;
  /** Object lock (governance mode) default retention of evidence, in days; undefined: no object lock. */
  readonly objectLockDays?: number;
  /** How long the monthly table backups of AWS Backup are kept, in years. */
  readonly backupRetentionYears: number;
  /** The console's own domain (required to serve it in China, with an ICP filing) and its certificate. */
  readonly consoleDomain?: string;
  /** ACM certificate ARN in us-east-1 (global) or IAM server certificate id (China) for `consoleDomain`. */
  readonly consoleCertificate?: string;
}

export const DEFAULTS = {
  logRetentionDays: 365,
  // One morning of a province: see docs/deploy.md, "API throttling".
  apiRateLimit: 200,
  apiBurstLimit: 400,
  archiveToGlacierDays: 30,
  backupRetentionYears: 10,
} as const;

/** `anju-<stage>`: the stack name, and the prefix of every physical name the stack sets itself. */
export function namePrefix(stage: string): string {
  return `anju-${stage}`;
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,14}[a-z0-9]$|^[a-z]$/;
const RETENTION_DAYS = new Set(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

/** Reads and checks the deployment's context; throws ConfigurationError with one sentence when it cannot. */
export function readDeploymentConfig(node: Node): DeploymentConfig {
  const stage = text(node.tryGetContext('stage')) ?? DEFAULT_STAGE;
  if (!STAGE_PATTERN.test(stage)) {
    throw new ConfigurationError(
      `The stage '${stage}' is not usable in resource names: use 1 to 16 lower-case letters, digits and inner hyphens, starting with a letter (e.g. -c stage=prod).`,
    );
  }
  const perStage = record(record(node.tryGetContext('stages'))[stage]);
  const setting = (key: string): unknown => node.tryGetContext(key) ?? perStage[key];

  const region = text(setting('region'));
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ConfigurationError(`The region '${region}' is not an AWS region name such as cn-northwest-1.`);
  }
  const china = region !== undefined && RegionInfo.get(region).partition === 'aws-cn';

  const issuer = text(setting('oidcIssuer'));
  const audience = text(setting('oidcAudience'));
  let identity: Identity;
  if (issuer !== undefined || audience !== undefined || china) {
    if (issuer === undefined || audience === undefined) {
      throw new ConfigurationError(
        china
          ? `AWS China (${region}) has no Cognito user pools, so staff sign in with your OpenID Connect issuer: pass -c oidcIssuer=https://... -c oidcAudience=<client id>.`
          : 'OpenID Connect sign-in needs both -c oidcIssuer=https://... and -c oidcAudience=<client id>.',
      );
    }
    if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(issuer) || issuer.endsWith('/')) {
      throw new ConfigurationError(
        `The OpenID Connect issuer '${issuer}' must be the issuer's https URL without a trailing slash, exactly as its discovery document names it.`,
      );
    }
    identity = { mode: 'oidc', issuer, audience };
  } else {
    const mfa = text(setting('mfa')) ?? 'optional';
    if (mfa !== 'optional' && mfa !== 'required') {
      throw new ConfigurationError(`-c mfa must be 'optional' or 'required', not '${mfa}'.`);
    }
    identity = { mode: 'cognito', mfa };
  }

  const alarmEmail = text(setting('alarmEmail'));
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new ConfigurationError(`The alarm e-mail address '${alarmEmail}' is not an e-mail address.`);
  }

  const logRetentionDays = integer(setting('logRetentionDays'), 'logRetentionDays', DEFAULTS.logRetentionDays);
  if (!RETENTION_DAYS.has(logRetentionDays)) {
    throw new ConfigurationError(
      `CloudWatch Logs cannot keep logs for ${logRetentionDays} days: choose one of ${[...RETENTION_DAYS].join(', ')} (9999: never expire).`,
    );
  }
  const objectLockDays = optionalInteger(setting('objectLockDays'), 'objectLockDays');

  const consoleDomain = text(setting('consoleDomain'));
  const consoleCertificate = text(setting('consoleCertificate'));
  if ((consoleDomain === undefined) !== (consoleCertificate === undefined)) {
    throw new ConfigurationError(
      'A console domain needs its certificate and the other way round: pass both -c consoleDomain=... and -c consoleCertificate=... (an ACM ARN in us-east-1, or in China an IAM server certificate id).',
    );
  }

  return {
    stage,
    ...(region === undefined ? {} : { region }),
    china,
    identity,
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    logRetention: logRetentionDays as RetentionDays,
    apiRateLimit: integer(setting('apiRateLimit'), 'apiRateLimit', DEFAULTS.apiRateLimit),
    apiBurstLimit: integer(setting('apiBurstLimit'), 'apiBurstLimit', DEFAULTS.apiBurstLimit),
    archiveToGlacierDays: integer(
      setting('archiveToGlacierDays'),
      'archiveToGlacierDays',
      DEFAULTS.archiveToGlacierDays,
      0,
    ),
    ...(objectLockDays === undefined || objectLockDays === 0 ? {} : { objectLockDays }),
    backupRetentionYears: integer(
      setting('backupRetentionYears'),
      'backupRetentionYears',
      DEFAULTS.backupRetentionYears,
    ),
    ...(consoleDomain === undefined ? {} : { consoleDomain }),
    ...(consoleCertificate === undefined ? {} : { consoleCertificate }),
  };
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function optionalInteger(value: unknown, key: string): number | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new ConfigurationError(`-c ${key} must be a whole number of zero or more, not '${raw}'.`);
  }
  return parsed;
}

function integer(value: unknown, key: string, fallback: number, min = 1): number {
  const parsed = optionalInteger(value, key) ?? fallback;
  if (parsed < min) throw new ConfigurationError(`-c ${key} must be at least ${min}, not ${parsed}.`);
  return parsed;
}
