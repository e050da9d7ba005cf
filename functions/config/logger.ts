/**
 * Structured logs (Powertools). Never log whole events or personal data; ID numbers and bank accounts only masked
 * (domain/rules/idNumber: maskIdNumber, maskBankAccount).
 *
 * One logger per function, as Powertools recommends: it reads `POWERTOOLS_SERVICE_NAME` and `LOG_LEVEL` itself when
 * the module loads (the template sets both) and gets each invocation's Lambda context from the handler's entry
 * (config/handler.ts), so every line carries the request id and the function's name.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();
