/**
 * Routes of the API's second round (shared/api.md, "Added in the second round") behind small
 * functions: the search, the county's payments awaiting their second signature, and the recorded
 * reveal of a personal number.
 */

import type { PaymentPage, Revealed } from '../../../contract/views';
import { getJson, postJson } from './client';
import type { Household, Page, PaymentView } from './types';

/** `GET /households?q=&village=`: by exact ID number, village or the beginning of the head's name; masked. */
export function searchHouseholds(query: URLSearchParams): Promise<Page<Household>> {
  return getJson<Page<Household>>(`/households?${query}`);
}

export interface AwaitingApproval {
  items: PaymentView[];
  /** Every payment awaiting approval in the county, as the server counts them. */
  totals: PaymentPage['totals'];
}

/** `GET /payments?county=&status=awaiting-approval&cursor=`: every payment awaiting its second signature, all pages. */
export async function paymentsAwaitingApproval(county: string | undefined): Promise<AwaitingApproval> {
  const items: PaymentView[] = [];
  let cursor: string | undefined;
  let totals: PaymentPage['totals'] = { count: 0, amount: 0 };
  do {
    const query = new URLSearchParams({ status: 'awaiting-approval', limit: '200' });
    if (county) query.set('county', county);
    if (cursor) query.set('cursor', cursor);
    const page = await getJson<PaymentPage>(`/payments?${query}`);
    items.push(...page.items);
    totals = page.totals;
    cursor = page.cursor;
  } while (cursor);
  return { items, totals };
}

/** `POST /households/{id}/reveal` `{ field, reason }`: the full number, recorded as an audit event of the household. */
export function revealField(householdId: string, field: Revealed['field'], reason: string): Promise<Revealed> {
  return postJson<Revealed>(`/households/${encodeURIComponent(householdId)}/reveal`, { field, reason });
}
