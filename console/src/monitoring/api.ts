/**
 * The monitoring ledger's routes as the console calls them, typed from the contract's views
 * (contract/monitoring.ts): a field the server adds, renames or drops is a type error here.
 */
import type {
  LedgerFileView,
  LedgerList,
  LedgerTasks,
  MonitoringReport,
  MonitoringSettingsView,
  RosterImported,
  RosterView,
  StatusCodeView,
} from '../../../contract/monitoring';
import type { PhotoUpload, PhotoView } from '../../../contract/views';
import { getJson, postJson } from '../api/client';
import { compressPhoto } from '../inspector/compress';
import { sha256Hex } from '../inspector/photo-queue';

export type {
  LedgerFileView,
  LedgerList,
  LedgerTasks,
  MonitoringReport,
  MonitoringSettingsView,
  RosterImported,
  RosterView,
  StatusCodeView,
};
export type LedgerRowView = LedgerList['rows'][number];
export type LedgerTaskView = LedgerTasks['items'][number];

const enc = encodeURIComponent;

export const monitoringApi = {
  settings: (county: string) => getJson<MonitoringSettingsView>(`/monitoring/settings/${enc(county)}`),
  tasks: () => getJson<LedgerTasks>('/monitoring/tasks'),
  ledger: (county: string, month: string, township?: string) =>
    getJson<LedgerList>(
      `/monitoring/cases?${new URLSearchParams({ county, month, ...(township ? { township } : {}) })}`,
    ),
  file: (ledgerId: string) => getJson<LedgerFileView>(`/monitoring/cases/${enc(ledgerId)}`),
  act: (ledgerId: string, action: string, body: unknown, key: string) =>
    postJson<LedgerFileView>(`/monitoring/cases/${enc(ledgerId)}/actions/${action}`, body, { 'idempotency-key': key }),
  importRoster: (body: unknown, key: string) =>
    postJson<RosterImported>('/monitoring/rosters', body, { 'idempotency-key': key }),
  roster: (county: string, month: string) => getJson<RosterView>(`/monitoring/rosters/${enc(`${county}-${month}`)}`),
  reportDisaster: (body: unknown, key: string) =>
    postJson<{ ledgerId: string; caseId: string; added: boolean }>('/monitoring/cases', body, {
      'idempotency-key': key,
    }),
  report: (county: string, month: string) =>
    getJson<MonitoringReport>(`/reports/monitoring?${new URLSearchParams({ county, month })}`),
  statusCode: (householdId: string) => getJson<StatusCodeView>(`/households/${enc(householdId)}/status-code`),
  issueStatusCode: (householdId: string, reissue: boolean) =>
    postJson<StatusCodeView>(`/households/${enc(householdId)}/status-code`, { reissue }),
};

/** Uploads one photo of a ledger household (made small first, its EXIF kept) and confirms it. */
export async function uploadLedgerPhoto(ledgerId: string, step: string, file: File): Promise<PhotoView> {
  const contentType = file.type || 'image/jpeg';
  const small = await compressPhoto(file, contentType);
  const sha256 = await sha256Hex(small.blob);
  const requested = await postJson<PhotoUpload>(`/monitoring/cases/${enc(ledgerId)}/photos`, {
    step,
    contentType: small.contentType,
    size: small.blob.size,
    sha256,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(requested.upload.headers)) {
    if (!['host', 'content-length'].includes(name.toLowerCase())) headers[name] = value;
  }
  const put = await fetch(requested.upload.url, { method: 'PUT', headers, body: small.blob });
  if (!put.ok) throw new Error(`upload answered ${put.status}`);
  return postJson<PhotoView>(`/monitoring/cases/${enc(ledgerId)}/photos/${enc(requested.photoId)}/confirm`);
}

/** A file as base64, for the roster import's JSON body. */
export async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** This month in China, `YYYY-MM`. */
export function chinaMonth(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
}
