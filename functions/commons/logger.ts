import { Logger } from '@aws-lambda-powertools/logger';
import { env } from './env';

/**
 * Structured logs. Never log whole events or personal data; ID numbers and bank accounts only
 * masked (domain/rules/idNumber: maskIdNumber, maskBankAccount).
 */
// The logger reads LOG_LEVEL itself; env.ts has already checked that it is set.
export const logger = new Logger({ serviceName: env.serviceName });
