/**
 * What the household's own view (`POST /public/status`) reads and writes besides the household file: the code
 * printed on the agreement (`HH#{id}` / `STATUS-CODE`, beside the household it opens), the head's ID-number claim
 * that finds the household, the lookup counters (`LOOKUP-LIMIT#{scope}#{hash}` / `{window start}`, removed by TTL)
 * and the log of every lookup (`LOOKUP-LOG#{China day}` / `{at}#{request}`), which keeps the ID number masked.
 */
import { z } from 'zod';
import { householdPartition, keys } from './items';
import { ABSENT, type Table } from './table';

export const StatusCodeRecord = z.object({
  householdId: z.string(),
  code: z.string().regex(/^\d{8}$/),
  issuedAt: z.string(),
  issuedBy: z.string(),
  /** How many codes were issued before this one (a reissue voids the printed one). */
  reissues: z.number().int().nonnegative().default(0),
});
export type StatusCodeRecord = z.infer<typeof StatusCodeRecord>;

export const LookupOutcome = z.enum(['found', 'no-match', 'limited-source', 'limited-id-number']);
export type LookupOutcome = z.infer<typeof LookupOutcome>;

export interface LookupLogEntry {
  at: string;
  requestId: string;
  outcome: LookupOutcome;
  /** `522327********1234`: the log never holds the whole number. */
  idMasked: string;
  /** A salted hash of the source address, to see repeated guessing without keeping the address. */
  sourceHash: string;
  /** The household shown, when the lookup matched. */
  householdId?: string;
}

export interface StatusLookupStore {
  statusCode(householdId: string): Promise<StatusCodeRecord | undefined>;
  /** Stores a code; without `replacing` only when none exists (false: one does). */
  putStatusCode(record: StatusCodeRecord, replacing?: StatusCodeRecord): Promise<boolean>;
  /** The household holding the claim on this ID-number hash (the renovation's one-subsidy-per-person claim). */
  householdOfIdHash(idHash: string): Promise<string | undefined>;
  /**
   * Counts one lookup in a window; false (and nothing counted) when the window already holds `max` lookups.
   * One conditional update, so concurrent lookups on every container share the count.
   */
  countLookup(scope: string, key: string, windowStart: number, expiresAt: number, max: number): Promise<boolean>;
  logLookup(entry: LookupLogEntry): Promise<void>;
  /** The lookups of a China day, oldest first (for audits and tests). */
  lookupsOn(day: string): Promise<LookupLogEntry[]>;
}

const codeKey = (householdId: string) => ({ PK: householdPartition(householdId), SK: 'STATUS-CODE' });

export function dynamoStatusLookupStore(table: Table): StatusLookupStore {
  return {
    async statusCode(householdId) {
      const item = await table.get(codeKey(householdId));
      return item ? StatusCodeRecord.parse(item) : undefined;
    },

    putStatusCode(record, replacing) {
      return table.applied(
        table.put({
          Item: { ...codeKey(record.householdId), entity: 'status-code', ...record },
          ...(replacing
            ? { ConditionExpression: 'code = :old', ExpressionAttributeValues: { ':old': replacing.code } }
            : ABSENT),
        }),
      );
    },

    async householdOfIdHash(idHash) {
      const item = await table.get(keys.idClaim(idHash));
      return typeof item?.householdId === 'string' ? item.householdId : undefined;
    },

    countLookup(scope, key, windowStart, expiresAt, max) {
      return table.applied(
        table.update({
          Key: { PK: `LOOKUP-LIMIT#${scope}#${key}`, SK: String(windowStart) },
          UpdateExpression: 'ADD lookups :one SET expiresAt = :expires, entity = :entity',
          ConditionExpression: 'attribute_not_exists(lookups) OR lookups < :max',
          ExpressionAttributeValues: { ':one': 1, ':expires': expiresAt, ':max': max, ':entity': 'lookup-limit' },
        }),
      );
    },

    async logLookup(entry) {
      const day = new Date(Date.parse(entry.at) + 8 * 3_600_000).toISOString().slice(0, 10);
      await table.put({
        Item: { PK: `LOOKUP-LOG#${day}`, SK: `${entry.at}#${entry.requestId}`, entity: 'lookup-log', ...entry },
      });
    },

    async lookupsOn(day) {
      const items = await table.queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `LOOKUP-LOG#${day}` },
      });
      return items.map((item) => ({
        at: String(item.at),
        requestId: String(item.requestId),
        outcome: LookupOutcome.parse(item.outcome),
        idMasked: String(item.idMasked),
        sourceHash: String(item.sourceHash),
        ...(typeof item.householdId === 'string' ? { householdId: item.householdId } : {}),
      }));
    },
  };
}
