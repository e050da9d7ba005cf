/**
 * The functions' configuration: the variables the template sets, read and checked in one place. A missing variable
 * is named in one error instead of surfacing later as an obscure SDK error mid-request.
 */
import { DEFAULT_MAX_PHOTO_DISTANCE_M } from '../../domain/rules/evidence';

export interface Config {
  readonly tableName: string;
  readonly evidenceBucket: string;
  readonly stateMachineArn: string;
  /** The distance beyond which a photo is flagged `gps-far`; `PHOTO_MAX_DISTANCE_M`, optional. */
  readonly photoMaxDistanceM: number;
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
  };
  // The logger reads these itself; they are checked here so a template without them fails as loudly.
  required('POWERTOOLS_SERVICE_NAME');
  required('LOG_LEVEL');
  if (missing.length > 0) {
    throw new Error(`environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} required but not set`);
  }
  return config;
}

function distance(raw: string | undefined): number {
  const value = raw === undefined || raw.trim() === '' ? DEFAULT_MAX_PHOTO_DISTANCE_M : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error('PHOTO_MAX_DISTANCE_M must be a positive number');
  return value;
}
