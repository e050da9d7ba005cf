/** Where each kind of evidence lies in the bucket; every key is chosen by the server. */

/** A photo's object: the key is chosen when the upload is requested. */
export function photoObjectKey(householdId: string, step: string, photoId: string): string {
  return `photos/${householdId}/${step}/${photoId}`;
}

/** A photo's preview, next to the original under its own prefix (never the original's key). */
export function previewObjectKey(householdId: string, step: string, photoId: string): string {
  return `previews/${householdId}/${step}/${photoId}.webp`;
}

export function ledgerCardKey(householdId: string): string {
  return `archive/${householdId}/ledger-card.json`;
}

export function ledgerCardHtmlKey(householdId: string): string {
  return `archive/${householdId}/ledger-card.html`;
}
