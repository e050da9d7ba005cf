/**
 * The shapes the console reads from the API: the contract's response schemas (contract/views.ts),
 * inferred, so a field the server adds, renames or drops is a type error here rather than drift.
 * Only the local twin's sign-in list (`GET /auth/dev-users`, not part of the API on AWS) is
 * written out by hand.
 */
import type { z } from 'zod';
import type {
  FundsReport,
  HouseholdFileView,
  LedgerPayment,
  Me,
  NoticeList,
  Page,
  PhotoUpload,
  PhotoWithLinks,
  PhotoView as RecordedPhotoView,
  TaskView,
} from '../../../contract/views';
import type { Household, Phase, Photo, Role } from '../../../domain/model';

export type {
  ProgressLine,
  ProgressReport,
  ProgressRow,
  SpotCheckCoverage,
  StatusCounts,
} from '../../../contract/views';
export type { FundsReport, Household, Me, Page, Phase, PhotoUpload, Role, TaskView };

export type HouseholdFile = HouseholdFileView;
/** A photo of the household file, with its presigned preview and original links (null until confirmed). */
export type PhotoView = PhotoWithLinks;
/** A photo as confirming it answers (no links: the household file presigns them). */
export type RecordedPhoto = RecordedPhotoView;
export type PaymentView = z.infer<typeof LedgerPayment> & {
  /** `GET /payments?status=awaiting-approval` (second round): the household by name, the installment's label. */
  headName?: string;
  villageCode?: string;
  programId?: string;
  label?: string;
};
export type NoticeItem = z.infer<typeof NoticeList>['items'][number];
export type MoneyLine = FundsReport['total'];
export type PhotoKind = Photo['kind'];

/** A seeded user of the local twin's sign-in page. */
export interface DevUser extends Me {
  displayName: string;
  county: string;
}

/** Fen (integer) to a yuan string with two decimals: money is never a float in the API. */
export function yuan(fen: number | undefined): string {
  if (fen === undefined) return '-';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}
