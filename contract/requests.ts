/**
 * What a client sends beyond the domain's own records (applications, program configurations and
 * action bodies live in domain/): query strings, path parameters and the photo request. The
 * handlers validate each request with these before a use case runs; the OpenAPI document shows
 * the same schemas.
 */
import { z } from 'zod';
import { bilingualIssue } from '../domain/errors';
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
  /**
   * Search instead of the newest-first list: an exact 18-character ID number, a village's name, or
   * the beginning of the head's name (docs/data-access.md, "Search").
   */
  q: z.string().trim().min(1).max(40).optional().meta({
    description:
      "Search: an exact ID number, a village's name, or the beginning of the head's name; answers sorted by name, masked",
    example: '韦',
  }),
  /** Only this village's households (with `q`: those whose head's name begins with it). */
  village: VillageCode.optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

/** Payment states a list can ask for: released and waiting for the second signature, or approved and waiting for the bank. */
export const PAYMENT_LIST_STATES = ['awaiting-approval', 'awaiting-bank'] as const;

export const PaymentListQuery = z.strictObject({
  county: CountyCode.optional().meta({ description: "Absent: the caller's county" }),
  status: z.enum(PAYMENT_LIST_STATES),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const TaskCountsQuery = z.strictObject({
  township: TownshipCode.optional(),
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

/** The import template; with a program, a sheet of its townships, villages and sites. */
export const ImportTemplateQuery = z.strictObject({
  program: z
    .string()
    .regex(/^[a-z0-9-]{3,40}$/)
    .optional()
    .meta({ description: 'Adds a sheet naming the townships, villages and sites of this program' }),
});
export const BatchQuery = CountyQuery.extend({ date: z.iso.date().optional() });

/** The program a report is about: the caller's current one, sent by the client; never guessed among several. */
const ReportProgram = z
  .string()
  .regex(/^[a-z0-9-]{3,40}$/)
  .optional()
  .meta({
    description:
      "The program reported on (the client sends the user's current program). Absent: the county's only program; a county with several answers 400 naming them",
  });

export const FundsReportQuery = CountyQuery.extend({
  program: ReportProgram,
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

export const ProgressQuery = z.strictObject({
  county: CountyCode,
  program: ReportProgram,
  /** One township; township staff always read their own. */
  township: TownshipCode.optional().meta({
    description: 'One township; township staff read their own (the default for them)',
  }),
  /** The day the figures describe, `YYYY-MM-DD` in China; absent: today. Not after today. */
  asOf: z.iso
    .date()
    .optional()
    .meta({ description: 'The day the figures describe (截至), not after today; absent: today' }),
  format: z.enum(['json', 'xlsx', 'text']).default('json'),
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

/** Personal numbers a reveal may show in full. */
export const REVEALABLE_FIELDS = ['idNumber', 'phone', 'bankAccount'] as const;

export const RevealBody = z.strictObject({
  field: z.enum(REVEALABLE_FIELDS).meta({ description: "The head's ID number, phone or bank account" }),
  /** Why the person needs the full number; recorded on the household's audit trail with who and when. */
  reason: z
    .string()
    .trim()
    .max(200)
    .default('')
    .refine(
      (reason) => reason.length >= 2,
      bilingualIssue({
        zh: '请写明查看完整号码的理由（将记入档案）',
        en: 'Say why you need the full number (it is recorded in the file)',
      }),
    )
    .meta({ example: '核对一卡通开户信息' }),
});
export type RevealBody = z.infer<typeof RevealBody>;
