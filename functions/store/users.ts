/**
 * Staff accounts (`USER#{username}`), their hash chain (`EV#{seq}` in the same partition) and the link of an issuer's
 * subject to an account (`SUB#{subject}`, holding a copy of the account). Every change is one transaction: the
 * account under its version, its event, and the subject item put, moved or deleted with it, so the copy a request's
 * caller is read from never differs from the account.
 */
import type { Bilingual } from '../../domain/errors';
import type { StaffUser, UserEvent } from '../../domain/users';
import {
  type Item,
  staffPartition,
  staffSortPrefix,
  subjectItem,
  subjectUserOf,
  userEventItem,
  userEventOf,
  userItem,
  userKeys,
  userRecordOf,
} from './items';
import { ABSENT, decodeCursor, encodeCursor, type GuardedWrite, StartKey, type Table } from './table';

export interface UserRecord {
  readonly user: StaffUser;
  /** The hash of the account's latest event: the next change chains onto it without reading the events. */
  readonly lastHash: string;
}

export interface StaffFilter {
  province: string;
  county?: string | undefined;
  township?: string | undefined;
}

export interface UserStore {
  /** The account and its chain's head, strongly consistent: changes are decided on it. */
  get(username: string): Promise<UserRecord | undefined>;
  /** The account an issuer's subject is linked to (one read; strongly consistent, so a disable holds at once). */
  bySubject(subject: string): Promise<StaffUser | undefined>;
  /** Accounts of a township, a county (its townships' too) or a province's own level, by township then name. */
  list(
    filter: StaffFilter,
    page?: { cursor?: string; limit?: number },
  ): Promise<{ items: StaffUser[]; cursor?: string }>;
  /** The accounts of these user names that exist, in one batch read (names for the timeline and exports). */
  many(usernames: readonly string[]): Promise<StaffUser[]>;
  /** The account's events, oldest first. */
  events(username: string): Promise<UserEvent[]>;
  /** Writes a change made by `userChange` (domain/users.ts) after `before` (undefined: a new account). */
  commit(before: UserRecord | undefined, change: { after: StaffUser; event: UserEvent }): Promise<void>;
}

const TAKEN: Bilingual = { zh: '该用户名已被使用', en: 'That user name is taken' };
const STALE: Bilingual = {
  zh: '该账号已被他人修改，请刷新后重试',
  en: 'The account was changed by someone else; reload and retry',
};
const SUBJECT_TAKEN: Bilingual = {
  zh: '该登录账号已关联到另一个安居账号',
  en: 'That sign-in is already linked to another Anju account',
};
/** BatchGetItem reads at most 100 keys a request. */
const BATCH = 100;

export function dynamoUserStore(table: Table): UserStore {
  return {
    get: (username) => table.find(userKeys.user(username), userRecordOf),

    bySubject: (subject) => table.find(userKeys.subject(subject), subjectUserOf),

    async list(filter, { cursor, limit = 100 } = {}) {
      const partition = staffPartition(filter);
      const inTownship = filter.county !== undefined && filter.township !== undefined;
      const page = await table.queryPage({
        IndexName: 'GSI1',
        KeyConditionExpression: inTownship ? 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)' : 'GSI1PK = :pk',
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(inTownship ? { ':prefix': staffSortPrefix(filter.township) } : {}),
        },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, StartKey),
      });
      const next = encodeCursor(page.lastKey);
      return {
        items: page.items.map((item) => userRecordOf(item).user),
        ...(next === undefined ? {} : { cursor: next }),
      };
    },

    async many(usernames) {
      const unique = [...new Set(usernames)];
      const found: Item[] = [];
      for (let start = 0; start < unique.length; start += BATCH) {
        found.push(...(await table.getMany(unique.slice(start, start + BATCH).map((name) => userKeys.user(name)))));
      }
      return found.map((item) => userRecordOf(item).user);
    },

    async events(username) {
      const items = await table.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ev)',
        ExpressionAttributeValues: { ':pk': userKeys.user(username).PK, ':ev': 'EV#' },
        ConsistentRead: true,
      });
      return items.map(userEventOf);
    },

    async commit(before, { after, event }) {
      const writes: GuardedWrite[] = [
        before === undefined
          ? table.putWrite(userItem({ user: after, lastHash: event.hash }), TAKEN, ABSENT)
          : table.putWrite(userItem({ user: after, lastHash: event.hash }), STALE, {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': before.user.version },
            }),
        table.putWrite(userEventItem(event), STALE, ABSENT),
      ];
      const previous = before?.user.subject;
      if (previous !== undefined && previous !== after.subject) {
        writes.push({
          item: {
            Delete: {
              TableName: table.name,
              Key: userKeys.subject(previous),
              ConditionExpression: 'attribute_not_exists(PK) OR username = :username',
              ExpressionAttributeValues: { ':username': after.username },
            },
          },
          onConflict: STALE,
        });
      }
      if (after.subject !== undefined) {
        writes.push(
          table.putWrite(subjectItem({ ...after, subject: after.subject }), SUBJECT_TAKEN, {
            ConditionExpression: 'attribute_not_exists(PK) OR username = :username',
            ExpressionAttributeValues: { ':username': after.username },
          }),
        );
      }
      await table.transact(writes);
    },
  };
}
