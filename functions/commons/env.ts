/**
 * The functions' configuration, read once when the module loads. A missing variable fails the
 * cold start loudly instead of surfacing later as an obscure SDK error mid-request.
 */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`environment variable ${name} is required but not set`);
  }
  return value;
}

export const env = {
  tableName: required('TABLE_NAME'),
  evidenceBucket: required('EVIDENCE_BUCKET'),
  stateMachineArn: required('STATE_MACHINE_ARN'),
  serviceName: required('POWERTOOLS_SERVICE_NAME'),
  logLevel: required('LOG_LEVEL'),
} as const;
