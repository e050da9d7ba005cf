/**
 * The functions' configuration: the variables the template sets, read and checked in one place. A missing variable
 * is named in one error instead of surfacing later as an obscure SDK error mid-request.
 */
import { DEFAULT_MAX_PHOTO_DISTANCE_M } from '../../domain/rules/evidence';
import { STANDARD_EXECUTION_LIMIT_MS } from '../../process/healing';

/** How staff sign in (infra/config.ts): this stack's Cognito user pool, or an outside OpenID Connect issuer. */
export type IdentityMode = 'cognito' | 'oidc';

export interface Config {
  readonly tableName: string;
  readonly evidenceBucket: string;
  readonly stateMachineArn: string;
  /** The distance beyond which a photo is flagged `gps-far`; `PHOTO_MAX_DISTANCE_M`, optional. */
  readonly photoMaxDistanceM: number;
  /** `IDENTITY_MODE`: `cognito` or `oidc`. */
  readonly identityMode: IdentityMode;
  /**
   * The token claim with the person's sign-in name, which links a first sign-in to the account an administrator
   * created: `cognito:username` in Cognito mode, else `IDENTITY_USERNAME_CLAIM` (default `preferred_username`).
   */
  readonly signInNameClaim: string;
  /** `USER_POOL_ID`: the user pool whose accounts the staff-accounts function administers (Cognito mode). */
  readonly userPoolId?: string;
  /**
   * How long an execution of the state machine may run (`EXECUTION_LIMIT_SECONDS`, optional): one year, the limit
   * of a Standard workflow; the local twin sets it when it shortens that limit. The reconciler's policy follows it.
   */
  readonly executionLimitSeconds: number;
}

export function readConfig(variables: Readonly<Record<string, string | undefined>>): Config {
  const missing: string[] = [];
  const required = (name: string): string => {
    const value = variables[name];
    if (value === undefined || value.trim() === '') {
      missing.push(name);
      return '';
    }
    return value;
  };
  const config: Config = {
    tableName: required('TABLE_NAME'),
    evidenceBucket: required('EVIDENCE_BUCKET'),
    stateMachineArn: required('STATE_MACHINE_ARN'),
    photoMaxDistanceM: distance(variables.PHOTO_MAX_DISTANCE_M),
    ...identity(variables),
    executionLimitSeconds: executionLimit(variables.EXECUTION_LIMIT_SECONDS),
  };
  // The logger reads these itself; they are checked here so a template without them fails as loudly.
  required('POWERTOOLS_SERVICE_NAME');
  required('LOG_LEVEL');
  if (missing.length > 0) {
    throw new Error(`environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} required but not set`);
  }
  return config;
}

function identity(
  variables: Readonly<Record<string, string | undefined>>,
): Pick<Config, 'identityMode' | 'signInNameClaim' | 'userPoolId'> {
  const mode = variables.IDENTITY_MODE?.trim() || 'cognito';
  if (mode !== 'cognito' && mode !== 'oidc') throw new Error(`IDENTITY_MODE must be cognito or oidc, not ${mode}`);
  const claim = variables.IDENTITY_USERNAME_CLAIM?.trim();
  const userPoolId = variables.USER_POOL_ID?.trim();
  return {
    identityMode: mode,
    signInNameClaim: mode === 'cognito' ? 'cognito:username' : claim || 'preferred_username',
    ...(userPoolId ? { userPoolId } : {}),
  };
}

function executionLimit(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return STANDARD_EXECUTION_LIMIT_MS / 1000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > STANDARD_EXECUTION_LIMIT_MS / 1000) {
    throw new Error('EXECUTION_LIMIT_SECONDS must be a whole number of seconds up to one year');
  }
  return value;
}

function distance(raw: string | undefined): number {
  const value = raw === undefined || raw.trim() === '' ? DEFAULT_MAX_PHOTO_DISTANCE_M : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error('PHOTO_MAX_DISTANCE_M must be a positive number');
  return value;
}
