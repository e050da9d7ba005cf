/**
 * No household receives the renovation subsidy twice (重复享受), checked by the head's ID number
 * across programs and years. The check is a claim: the data layer puts `IDN#{sha256(id)}` with
 * `attribute_not_exists`, so two concurrent registrations cannot both succeed. Only the hash is
 * stored, never the ID number in the key.
 */
import { hashIdNumber } from './idNumber';

export const ID_CLAIM_PREFIX = 'IDN#';

/** The partition key of the claim on this ID number (`IDN#<sha256 hex>`). */
export function idClaimKey(idNumber: string): string {
  return `${ID_CLAIM_PREFIX}${hashIdNumber(idNumber)}`;
}
