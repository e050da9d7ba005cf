/**
 * Routes of the API's second round (shared/api.md, "Added in the second round") the console is
 * written against. Each answers `{ available: false }` while the server does not have the route
 * yet (404, or 400 refusing the new query field), so a screen can say so in a sentence.
 */

import { ApiError, getJson, postJson } from './client';
import type { Household, Page, PaymentView } from './types';

export type Maybe<T> = { available: true; value: T } | { available: false };

function missingRoute(error: unknown, newFields: readonly string[]): boolean {
  if (!(error instanceof ApiError) || error.kind !== 'api') return false;
  if (error.status === 404 || error.status === 405 || error.status === 501) return true;
  return error.status === 400 && error.fields.some((f) => newFields.includes(f.path));
}

async function maybe<T>(call: () => Promise<T>, newFields: readonly string[] = []): Promise<Maybe<T>> {
  try {
    return { available: true, value: await call() };
  } catch (error) {
    if (missingRoute(error, newFields)) return { available: false };
    throw error;
  }
}

/** `GET /households?q=`: by head's name, exact ID number or village; masked in the answer. */
export function searchHouseholds(query: URLSearchParams): Promise<Maybe<Page<Household>>> {
  return maybe(() => getJson<Page<Household>>(`/households?${query}`), ['q', 'village']);
}

export interface AwaitingApprovalPage extends Page<PaymentView> {
  totals?: { count: number; amount: number };
}

/** `GET /payments?county=&status=awaiting-approval&cursor=`: every payment awaiting its second signature. */
export async function paymentsAwaitingApproval(county: string | undefined): Promise<Maybe<AwaitingApprovalPage>> {
  const items: PaymentView[] = [];
  let cursor: string | undefined;
  let totals: AwaitingApprovalPage['totals'];
  do {
    const query = new URLSearchParams({ status: 'awaiting-approval' });
    if (county) query.set('county', county);
    if (cursor) query.set('cursor', cursor);
    const page = await maybe(() => getJson<AwaitingApprovalPage>(`/payments?${query}`), ['status']);
    if (!page.available) return page;
    items.push(...page.value.items);
    totals = page.value.totals ?? totals;
    cursor = page.value.cursor;
  } while (cursor);
  return { available: true, value: { items, ...(totals ? { totals } : {}) } };
}

/** `POST /households/{id}/reveal` `{ field, reason }`: the full number, recorded as an audit event. */
export function revealField(
  householdId: string,
  field: 'idNumber' | 'phone',
  reason: string,
): Promise<Maybe<{ value: string }>> {
  return maybe(() =>
    postJson<{ value: string }>(`/households/${encodeURIComponent(householdId)}/reveal`, { field, reason }),
  );
}
