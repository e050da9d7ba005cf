/**
 * The local runtime's settings, read once from the environment. Every bad value stops the start
 * with one sentence a newcomer can act on, never a stack trace.
 */
import path from 'node:path';
import { z } from 'zod';
import { FaultConfigError, type FaultPlan, parseFaults } from '../twin/faults/faults';

export const LogMode = z.enum(['quiet', 'info']);
export type LogMode = z.infer<typeof LogMode>;

export type LocalConfig = {
  /** Port of the HTTP API; 0 asks the system for a free one (tests). */
  readonly port: number;
  /** Absolute path of the folder where DynamoDB Local, S3 and Step Functions keep their data. */
  readonly dataDir: string;
  /** Every timed wait (the public notice) lasts one second. */
  readonly fastWaits: boolean;
  readonly log: LogMode;
  /** Households of the demo county to load at start (`--demo` or ANJU_DEMO=1: 600); 0 loads none. */
  readonly demoHouseholds: number;
  /** Faults the local services inject (ANJU_FAULTS, twin/faults/faults.ts); no rules: none. */
  readonly faults: FaultPlan;
  /**
   * The longest a Standard execution runs before it ends TIMED_OUT (ANJU_EXECUTION_MAX_SECONDS); undefined: one
   * year, or one hour with fast waits.
   */
  readonly executionMaxSeconds: number | undefined;
  /**
   * A template to run instead of `cdk.out/AnjuStack.template.json` (ANJU_TEMPLATE), its bundles still read from
   * `cdk.out/`: tests run an edited copy (one grant removed) to see the twin refuse what it no longer grants.
   */
  readonly templateFile: string | undefined;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const EnvSchema = z.object({
  PORT: z
    .string()
    .trim()
    .regex(/^\d{1,5}$/, 'PORT must be a number from 0 to 65535')
    .transform(Number)
    .refine((n) => n <= 65_535, 'PORT must be a number from 0 to 65535')
    .default(3000),
  ANJU_DATA_DIR: z.string().trim().min(1, 'ANJU_DATA_DIR must not be empty').default('.anju'),
  ANJU_FAST_WAITS: z
    .enum(['0', '1', 'true', 'false', ''], { message: 'ANJU_FAST_WAITS must be 1 or 0' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  ANJU_LOG: z.enum(LogMode.options, { message: 'ANJU_LOG must be quiet or info' }).default('info'),
  ANJU_DEMO: z
    .enum(['0', '1', 'true', 'false', ''], { message: 'ANJU_DEMO must be 1 or 0' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  ANJU_DEMO_HOUSEHOLDS: z
    .string()
    .trim()
    .regex(/^\d{1,4}$/, 'ANJU_DEMO_HOUSEHOLDS must be a number from 1 to 600')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 600, 'ANJU_DEMO_HOUSEHOLDS must be a number from 1 to 600')
    .default(600),
  ANJU_EXECUTION_MAX_SECONDS: z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, 'ANJU_EXECUTION_MAX_SECONDS must be a whole number of seconds from 1 to 31536000 (one year)')
    .transform(Number)
    .refine(
      (n) => n >= 1 && n <= 31_536_000,
      'ANJU_EXECUTION_MAX_SECONDS must be a whole number of seconds from 1 to 31536000 (one year)',
    )
    .optional(),
  ANJU_TEMPLATE: z.string().trim().min(1).optional(),
});

/** Reads the settings; throws `ConfigError` with one sentence naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LocalConfig {
  const parsed = EnvSchema.safeParse({
    PORT: env.PORT === '' ? undefined : env.PORT,
    ANJU_DATA_DIR: env.ANJU_DATA_DIR === '' ? undefined : env.ANJU_DATA_DIR,
    ANJU_FAST_WAITS: env.ANJU_FAST_WAITS,
    ANJU_LOG: env.ANJU_LOG === '' ? undefined : env.ANJU_LOG,
    ANJU_DEMO: env.ANJU_DEMO,
    ANJU_DEMO_HOUSEHOLDS: env.ANJU_DEMO_HOUSEHOLDS === '' ? undefined : env.ANJU_DEMO_HOUSEHOLDS,
    ANJU_EXECUTION_MAX_SECONDS: env.ANJU_EXECUTION_MAX_SECONDS === '' ? undefined : env.ANJU_EXECUTION_MAX_SECONDS,
    ANJU_TEMPLATE: env.ANJU_TEMPLATE === '' ? undefined : env.ANJU_TEMPLATE,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'a setting';
    throw new ConfigError(`${issue?.message ?? `${variable} is not valid`} (got ${JSON.stringify(env[variable])}).`);
  }
  const {
    PORT,
    ANJU_DATA_DIR,
    ANJU_FAST_WAITS,
    ANJU_LOG,
    ANJU_DEMO,
    ANJU_DEMO_HOUSEHOLDS,
    ANJU_EXECUTION_MAX_SECONDS,
    ANJU_TEMPLATE,
  } = parsed.data;
  let faults: FaultPlan;
  try {
    faults = parseFaults(env.ANJU_FAULTS);
  } catch (error) {
    if (error instanceof FaultConfigError) throw new ConfigError(error.message);
    throw error;
  }
  return {
    port: PORT,
    dataDir: path.resolve(cwd, ANJU_DATA_DIR),
    fastWaits: ANJU_FAST_WAITS,
    log: ANJU_LOG,
    demoHouseholds: ANJU_DEMO ? ANJU_DEMO_HOUSEHOLDS : 0,
    faults,
    executionMaxSeconds: ANJU_EXECUTION_MAX_SECONDS,
    templateFile: ANJU_TEMPLATE === undefined ? undefined : path.resolve(cwd, ANJU_TEMPLATE),
  };
}
