/**
 * The monitoring ledger's part of the public API (docs/api.md, "Added in the second round"): the
 * month's roster, the ledger of checks and cases with one route per action, the ledger's photos, the
 * work queue, the monthly report, the county's settings, the code printed on a renovation agreement,
 * and the household's own view without a staff login. Who may call each action comes from the
 * process description (process/monitoring.ts), as the renovation actions' access comes from theirs.
 */
import { z } from 'zod';
import { AuditEvent, CountyCode, Grade, Phase, TownshipCode } from '../domain/model';
import {
  CheckBody,
  ChooseMeasureBody,
  CloseCaseBody,
  DisasterReportBody,
  type LedgerAction,
  LedgerPhotoStep,
  ReappraisalBody,
  RosterImportBody,
  SettingsBody,
  StatusLookupBody,
  VisitBody,
} from '../domain/monitoring/actions';
import {
  CaseCause,
  CaseStage,
  CheckKind,
  FollowUpVisit,
  GradeRecord,
  HousingType,
  LedgerCase,
  LedgerCheck,
  LedgerSource,
  Measure,
  MonitoredCategory,
  MonitoringSettings,
  Month,
  Roster,
  RosterChange,
} from '../domain/monitoring/model';
import { PublicStatus } from '../domain/monitoring/public-status';
import { MonitoringReport } from '../domain/monitoring/report';
import { MAX_PHOTO_BYTES, PHOTO_CONTENT_TYPES } from '../domain/rules/evidence';
import { ownerOf } from '../process/monitoring';
import type { Access } from './access';
import { IdempotencyHeaders } from './requests';
import { PhotoUpload, PhotoWithLinks } from './views';

// ---------------------------------------------------------------- requests

export const LedgerPath = z.object({
  id: z
    .string()
    .regex(/^mh-[0-9a-f-]{36}$/)
    .meta({ example: 'mh-6f1c2a9e-0b7d-4c36-9a51-2e8f3d4b7c10' }),
});
export const LedgerPhotoPath = LedgerPath.extend({ photoId: z.string().min(1).max(80).meta({ example: 'ph-4e1f' }) });
export const RosterPath = z.object({
  id: z
    .string()
    .regex(/^\d{6}-\d{4}-(0[1-9]|1[0-2])$/)
    .meta({ description: 'The county and the month: `{county}-{YYYY-MM}`', example: '522327-2026-05' }),
});
export const CountyPath = z.object({ county: CountyCode });
export const StatusCodePath = z.object({
  id: z.string().min(1).meta({ example: '5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10' }),
});

export const LedgerQuery = z.strictObject({
  county: CountyCode,
  month: Month,
  township: TownshipCode.optional(),
});
export const LedgerTaskQuery = z.strictObject({
  county: CountyCode.optional(),
  township: TownshipCode.optional(),
  kind: z.enum(['check', 'case', 'visit']).optional(),
});
export const MonitoringReportQuery = z.strictObject({
  county: CountyCode,
  month: Month,
  format: z.enum(['json', 'xlsx']).default('json'),
});

export const LedgerPhotoBody = z.strictObject({
  step: LedgerPhotoStep,
  contentType: z.enum(PHOTO_CONTENT_TYPES),
  size: z.number().int().positive().max(MAX_PHOTO_BYTES),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'SHA-256 须为 64 位十六进制 / SHA-256 is 64 hexadecimal digits')
    .transform((hex) => hex.toLowerCase()),
});
export type LedgerPhotoBody = z.infer<typeof LedgerPhotoBody>;

export const StatusCodeBody = z.strictObject({
  /** A new code voids the printed one (the household lost its agreement). */
  reissue: z.boolean().default(false),
});

// ---------------------------------------------------------------- views

/** A ledger household as the API shows it: the ID number masked, never whole. */
export const LedgerHouseholdView = z
  .object({
    ledgerId: z.string(),
    county: z.string(),
    township: z.string(),
    villageCode: z.string(),
    headName: z.string(),
    idMasked: z.string(),
    townshipName: z.string(),
    villageName: z.string(),
    persons: z.number().int(),
    category: MonitoredCategory,
    categoryName: z.string(),
    source: LedgerSource,
    firstRosterMonth: z.string().optional(),
    grades: z.array(GradeRecord),
    openCaseId: z.string().optional(),
    renovations: z.array(
      z.object({ householdId: z.string(), programId: z.string(), acceptedOn: z.string(), archivedAt: z.string() }),
    ),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LedgerHousehold' });
export type LedgerHouseholdView = z.infer<typeof LedgerHouseholdView>;

export const LedgerCheckView = LedgerCheck.extend({ overdue: z.boolean() }).meta({ id: 'LedgerCheck' });
export type LedgerCheckView = z.infer<typeof LedgerCheckView>;
export const LedgerCaseView = LedgerCase.extend({ overdue: z.boolean() }).meta({ id: 'LedgerCase' });
export type LedgerCaseView = z.infer<typeof LedgerCaseView>;
export const VisitView = FollowUpVisit.extend({ overdue: z.boolean() }).meta({ id: 'FollowUpVisit' });
export type VisitView = z.infer<typeof VisitView>;

/** The renovation a case follows, as far as the ledger shows it. */
export const FollowedRenovation = z.object({
  householdId: z.string(),
  programId: z.string(),
  phase: Phase.optional(),
});

export const LedgerFileView = z
  .object({
    household: LedgerHouseholdView,
    checks: z.array(LedgerCheckView),
    cases: z.array(LedgerCaseView),
    visits: z.array(VisitView),
    photos: z.array(PhotoWithLinks),
    timeline: z.array(AuditEvent),
    /** The renovation the open case follows. */
    renovation: FollowedRenovation.optional(),
    /** What the caller may do now (the API still decides). */
    actions: z.array(z.enum(['check', 'request-reappraisal', 'choose-measure', 'close', 'visit'])),
  })
  .meta({ id: 'LedgerFile' });
export type LedgerFileView = z.infer<typeof LedgerFileView>;

/** One household of the month's ledger: its check, and its case if one is open or moved this month. */
export const LedgerRow = z.object({
  ledgerId: z.string(),
  township: z.string(),
  villageCode: z.string(),
  townshipName: z.string(),
  villageName: z.string(),
  headName: z.string(),
  idMasked: z.string().optional(),
  categoryName: z.string().optional(),
  checks: z.array(
    z.object({
      checkId: z.string(),
      kind: CheckKind,
      status: z.enum(['open', 'done']),
      dueOn: z.string(),
      overdue: z.boolean(),
      change: RosterChange.optional(),
      changedFields: z.array(z.string()),
      grade: Grade.optional(),
      housingType: HousingType.optional(),
      unsafe: z.boolean().optional(),
      onTime: z.boolean().optional(),
      flags: z.array(z.string()),
    }),
  ),
  case: z
    .object({
      caseId: z.string(),
      cause: CaseCause,
      stage: CaseStage,
      measure: Measure.optional(),
      dueOn: z.string().optional(),
      overdue: z.boolean(),
      openedAt: z.string(),
      closedOn: z.string().optional(),
    })
    .optional(),
});
export type LedgerRow = z.infer<typeof LedgerRow>;

export const LedgerList = z
  .object({ county: z.string(), month: z.string(), township: z.string().optional(), rows: z.array(LedgerRow) })
  .meta({ id: 'LedgerList' });
export type LedgerList = z.infer<typeof LedgerList>;

/** A row of the roster as shown: masked, with what changed. */
export const RosterEntryView = z.object({
  ledgerId: z.string(),
  township: z.string(),
  villageCode: z.string(),
  headName: z.string(),
  idMasked: z.string(),
  persons: z.number().int(),
  categoryName: z.string(),
  change: RosterChange,
  changedFields: z.array(z.string()),
  checkStatus: z.enum(['open', 'done']),
});

export const RosterView = Roster.extend({
  /** Households new to the roster and changed since the previous one (unchanged ones are counted only). */
  newHouseholds: z.array(RosterEntryView),
  changedHouseholds: z.array(RosterEntryView),
  checks: z.object({ open: z.number().int(), done: z.number().int() }),
}).meta({ id: 'Roster' });
export type RosterView = z.infer<typeof RosterView>;

export const RosterImported = RosterView.extend({
  import: z.object({
    rowsRead: z.number().int(),
    added: z.number().int(),
    alreadyOnRoster: z.number().int(),
    rowErrors: z.number().int(),
  }),
}).meta({ id: 'RosterImported' });
export type RosterImported = z.infer<typeof RosterImported>;

/** An item of the ledger's work queue. */
export const LedgerTask = z.object({
  kind: z.enum(['check', 'case', 'visit']),
  ledgerId: z.string(),
  county: z.string(),
  township: z.string(),
  villageCode: z.string(),
  townshipName: z.string(),
  villageName: z.string(),
  headName: z.string(),
  dueOn: z.string(),
  overdue: z.boolean(),
  checkId: z.string().optional(),
  checkKind: CheckKind.optional(),
  caseId: z.string().optional(),
  stage: CaseStage.optional(),
  householdId: z.string().optional(),
  months: z.number().int().optional(),
});
export type LedgerTask = z.infer<typeof LedgerTask>;
export const LedgerTasks = z.object({ items: z.array(LedgerTask) }).meta({ id: 'LedgerTasks' });
export type LedgerTasks = z.infer<typeof LedgerTasks>;

export const DisasterReported = z.object({
  ledgerId: z.string(),
  caseId: z.string(),
  /** The household was not on the ledger and was added with the case. */
  added: z.boolean(),
});
export type DisasterReported = z.infer<typeof DisasterReported>;

export const StatusCodeView = z
  .object({
    householdId: z.string(),
    code: z.string(),
    /** `1234 5678`, as printed on the agreement. */
    printed: z.string(),
    issuedAt: z.string(),
    reissues: z.number().int(),
    headName: z.string(),
    idMasked: z.string(),
    programId: z.string(),
    county: z.string(),
    township: z.string(),
    villageCode: z.string(),
  })
  .meta({ id: 'StatusCode' });
export type StatusCodeView = z.infer<typeof StatusCodeView>;

/** The county's settings with what its forms need: its townships and villages, its latest program. */
export const MonitoringSettingsView = MonitoringSettings.extend({
  places: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      villages: z.array(z.object({ code: z.string(), name: z.string() })),
    }),
  ),
  latestProgram: z.object({ programId: z.string(), name: z.string() }).optional(),
}).meta({ id: 'MonitoringSettings' });
export type MonitoringSettingsView = z.infer<typeof MonitoringSettingsView>;

export { MonitoringReport, MonitoringSettings, PublicStatus };

// ---------------------------------------------------------------- access

/** Who may take a ledger action: the roles and level of its step in the process description. */
export function ledgerAccess(action: LedgerAction | 'report-disaster'): Access {
  const owner = ownerOf(action);
  return { roles: owner.roles, within: owner.level === 'county' ? 'county-level' : 'township' };
}

export const LEDGER_ACTION_BODY = {
  check: CheckBody,
  'request-reappraisal': ReappraisalBody,
  'choose-measure': ChooseMeasureBody,
  close: CloseCaseBody,
  visit: VisitBody,
} as const;

export {
  DisasterReportBody,
  IdempotencyHeaders,
  PhotoUpload,
  PhotoWithLinks,
  RosterImportBody,
  SettingsBody,
  StatusLookupBody,
};
