/**
 * What a client sends beyond the domain's own records (applications, program configurations and
 * action bodies live in domain/): query strings, path parameters and the photo request. The
 * handlers validate each request with these before a use case runs; the OpenAPI document shows
 * the same schemas.
 */
import { z } from 'zod';
import { CountyCode, Phase, PhotoKind, TownshipCode, VillageCode } from '../domain/model';
import { MAX_PHOTO_BYTES, PHOTO_CONTENT_TYPES } from '../domain/rules/evidence';

// ---------------------------------------------------------------- path parameters

export const HouseholdPath = z.object({
  id: z.string().min(1).meta({ example: '5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10' }),
});
export const ProgramPath = z.object({ programId: z.string().min(1) });
export const PhotoPath = HouseholdPath.extend({ photoId: z.string().min(1).meta({ example: 'ph-4e1f' }) });
/** A payment: the household and the index of the installment in the plan (one digit, as on the wire). */
export const PaymentPath = z.object({
  householdId: z.string().min(1).max(80).meta({ example: '5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10' }),
  installment: z.string().regex(/^\d$/).meta({ description: 'Index into the installment plan', example: '0' }),
});

// ---------------------------------------------------------------- query strings

export const HouseholdListQuery = z.strictObject({
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
  phase: Phase.optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const TaskQuery = z.strictObject({
  township: TownshipCode.optional(),
  step: Phase.optional(),
  cursor: z.string().max(4000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const NoticeQuery = z.strictObject({
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
  village: VillageCode.optional(),
});

export const CountyQuery = z.object({ county: CountyCode });
export const BatchQuery = CountyQuery.extend({ date: z.iso.date().optional() });
export const FundsReportQuery = CountyQuery.extend({ format: z.enum(['json', 'csv', 'xlsx']).default('json') });

export const ProgressQuery = z.strictObject({
  county: CountyCode,
  /** Absent: the county's most recent program. */
  program: z
    .string()
    .regex(/^[a-z0-9-]{3,40}$/)
    .optional()
    .meta({ description: "Absent: the county's most recent program" }),
  format: z.enum(['json', 'xlsx']).default('json'),
});

export const HouseholdExportQuery = z.strictObject({
  county: CountyCode,
  township: TownshipCode.optional(),
  format: z.enum(['json', 'xlsx']).default('json'),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const RosterListQuery = z.strictObject({ county: CountyCode });
export const RosterPath = z.object({ rosterId: z.string().min(1).max(80) });

/** An auditor's period: China calendar days, inclusive; `from` not after `to`. */
export const AuditReportQuery = z
  .strictObject({
    county: CountyCode,
    from: z.iso.date().meta({ example: '2026-01-01' }),
    to: z.iso.date().meta({ example: '2026-12-31' }),
    format: z.enum(['json', 'xlsx']).default('json'),
  })
  .refine((query) => query.from <= query.to, {
    path: ['to'],
    message: '结束日期不能早于开始日期 / the period ends before it starts',
  });

// ---------------------------------------------------------------- headers

export const IdempotencyHeaders = z.object({
  'Idempotency-Key': z.string().max(128).optional().meta({
    description: 'The same key with the same body returns the first answer; with another body: 422',
  }),
});

// ---------------------------------------------------------------- bodies

const TOO_LARGE = {
  zh: `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`,
  en: `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`,
};

export const PhotoRequestBody = z.strictObject({
  /** The step the photo documents, e.g. `milestone-inspection`; part of the object key. */
  step: Phase,
  kind: PhotoKind,
  contentType: z.enum(PHOTO_CONTENT_TYPES, {
    error: `须为图片类型 / must be one of ${PHOTO_CONTENT_TYPES.join(', ')}`,
  }),
  size: z
    .number()
    .int()
    .positive()
    .max(MAX_PHOTO_BYTES, { error: `${TOO_LARGE.zh} / ${TOO_LARGE.en}` }),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'SHA-256 须为 64 位十六进制 / SHA-256 is 64 hexadecimal digits')
    .transform((hex) => hex.toLowerCase()),
});
export type PhotoRequestBody = z.infer<typeof PhotoRequestBody>;
