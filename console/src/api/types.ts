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
  HouseholdView,
  Me,
  NoticeList,
  Page,
  PaymentListItem,
  PhotoUpload,
  PhotoWithLinks,
  PhotoView as RecordedPhotoView,
  TaskCounts,
  TaskView,
} from '../../../contract/views';
import type { Phase, Photo, Role } from '../../../domain/model';

export type {
  ProgressLine,
  ProgressReport,
  ProgressRow,
  SpotCheckCoverage,
  StatusCounts,
} from '../../../contract/views';
export type { FundsReport, Me, Page, Phase, PhotoUpload, Role, TaskCounts, TaskView };
/** A household as the API shows it: ID numbers, phone and bank account masked. */
export type Household = HouseholdView;

export type HouseholdFile = HouseholdFileView;
/** A photo of the household file, with its presigned preview and original links (null until confirmed). */
export type PhotoView = PhotoWithLinks;
/** A photo as confirming it answers (no links: the household file presigns them). */
export type RecordedPhoto = RecordedPhotoView;
/** A ledger entry as `GET /payments?status=` lists it: with its household's head and village and the installment's label. */
export type PaymentView = PaymentListItem;
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
