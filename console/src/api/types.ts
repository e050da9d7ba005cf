/**
 * The shapes the console reads from the API. Domain records come from the zod-inferred types of
 * `domain/`; the views mirror functions/use-cases/views.ts and the report use cases.
 */
import type { Bilingual } from '../../../domain/errors';
import type { AuditEvent, Household, Inspection, Phase, Photo, Role } from '../../../domain/model';
import type { SpotCheckCoverage, StatusCounts } from '../../../domain/rules/progress';

export type { Household, Phase, Role, SpotCheckCoverage, StatusCounts };

export interface Me {
  username: string;
  /** The person's name, when the API gives it. */
  displayName?: string;
  roles: Role[];
  county?: string;
  township?: string;
}

export interface DevUser extends Me {
  displayName: string;
  county: string;
}

export interface TaskView {
  householdId: string;
  step: Phase;
  status: string;
  role?: Role;
  county: string;
  township: string;
  dueAt?: string;
  createdAt: string;
  overdue: boolean;
  /** Second round (issue 16): the household by name in the queue; the console fetches it while absent. */
  headName?: string;
  villageCode?: string;
  programId?: string;
}

export interface PhotoView extends Photo {
  /** Presigned GET of a preview; absent until the preview feature is deployed. */
  previewUrl?: string;
  originalUrl?: string;
}

export interface PaymentView {
  householdId: string;
  installment: number;
  amount: number;
  status: 'released' | 'paid' | 'failed';
  reference: string;
  releasedBy: string;
  releasedAt: string;
  approvedBy?: string;
  approvedAt?: string;
  /** Second round (`GET /payments?status=awaiting-approval`): the household by name, the installment's label. */
  headName?: string;
  villageCode?: string;
  programId?: string;
  label?: string;
}

export interface HouseholdFile {
  householdId: string;
  phase: Phase;
  version: number;
  household: Household;
  task: TaskView | null;
  timeline: AuditEvent[];
  photos: PhotoView[];
  payments: PaymentView[];
  inspections: Inspection[];
  objections?: { objectionId: string; objector?: string; reason?: string; status?: string }[];
  flags: { source: 'photo' | 'inspection'; ref: string; flag: string }[];
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface PhotoUpload {
  photoId: string;
  upload: { url: string; method: string; headers: Record<string, string> };
}

/** The progress report is the domain's shape, shared with the API that answers it. */
export type { Overdue, ProgressLine, ProgressReport, ProgressRow } from '../../../domain/rules/progress';

export interface MoneyLine {
  planned: number;
  released: number;
  paid: number;
  pending: number;
  failed: number;
}

export interface FundsReport {
  county: string;
  generatedAt: string;
  households: number;
  total: MoneyLine;
  bySource: ({ source: string; label: Bilingual } & MoneyLine)[];
  byTownship: ({ township: string; name: string; households: number } & MoneyLine)[];
}

export interface NoticeItem {
  householdId: string;
  headName: string;
  idNumberMasked: string;
  village: string;
  township: string;
  category: Household['category'];
  grade: Household['grade'] | null;
  mode: Household['mode'] | null;
  subsidyFen: number | null;
  noticeStartsAt: string | null;
  noticeEndsAt: string | null;
  objections: number;
}

/** Fen (integer) to a yuan string with two decimals: money is never a float in the API. */
export function yuan(fen: number | undefined): string {
  if (fen === undefined) return '-';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}
export type PhotoKind = Photo['kind'];
