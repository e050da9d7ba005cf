// Imported first by every handler test: the functions read their configuration at module load.
process.env.TABLE_NAME = 'anju-test';
process.env.EVIDENCE_BUCKET = 'anju-evidence-test';
process.env.STATE_MACHINE_ARN = 'arn:aws:states:cn-north-1:123456789012:stateMachine:Renovation';
process.env.POWERTOOLS_SERVICE_NAME = 'anju-test';
process.env.LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_REGION = 'cn-north-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
