import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../domain/errors';
import { type StaffUser, userChange } from '../../../../domain/users';
import { subjectItem, userItem } from '../../../../functions/store/items';
import { testDependencies } from '../support/dependencies';
import { ddbMock, transactionCanceled, withMocksAtFixedTime } from '../support/mocks';

const AT = '2026-03-01T02:00:00.000Z';
const { store } = testDependencies();

const newcomer: Omit<StaffUser, 'version' | 'createdAt' | 'updatedAt'> = {
  username: 'huang.minzheng',
  displayName: '黄丽',
  roles: ['civil-affairs'],
  province: '52',
  county: '522327',
  township: '522327101',
  enabled: true,
};

withMocksAtFixedTime(new Date(AT));

describe('the users store', () => {
  it('creates an account, its first event and no subject link until one is known', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    const created = userChange(undefined, newcomer, { at: AT, actor: 'sun.guanli', type: 'create' });

    await store.users.commit(undefined, created);

    const items = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]?.Put).toMatchObject({
      Item: {
        PK: 'USER#huang.minzheng',
        SK: 'USER',
        GSI1PK: 'STAFF#522327',
        GSI1SK: '522327101#huang.minzheng',
        version: 1,
        lastHash: created.event.hash,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(items[1]?.Put).toMatchObject({ Item: { PK: 'USER#huang.minzheng', SK: 'EV#000001', type: 'create' } });
  });

  it('moves the subject copy with every change: linked, changed, unlinked', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    const created = userChange(undefined, newcomer, { at: AT, actor: 'sun.guanli', type: 'create' });
    const before = { user: created.after, lastHash: created.event.hash };
    const linked = userChange(before, { ...created.after, subject: 'sub-1' }, { at: AT, actor: 'x', type: 'link' });
    const linkedBefore = { user: linked.after, lastHash: linked.event.hash };
    const unlinked = userChange(
      linkedBefore,
      { ...linked.after, subject: undefined },
      { at: AT, actor: 'sun.guanli', type: 'unlink' },
    );

    await store.users.commit(before, linked);
    await store.users.commit(linkedBefore, unlinked);

    const [link, unlink] = ddbMock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems);
    expect(link?.[0]?.Put?.ConditionExpression).toBe('version = :expected');
    expect(link?.[2]?.Put).toMatchObject({
      Item: { PK: 'SUB#sub-1', SK: 'SUB', username: 'huang.minzheng', roles: ['civil-affairs'], enabled: true },
      ConditionExpression: 'attribute_not_exists(PK) OR username = :username',
    });
    expect(unlink?.[2]?.Delete).toMatchObject({ Key: { PK: 'SUB#sub-1', SK: 'SUB' } });
    expect(unlink).toHaveLength(3);
  });

  it('refuses a subject already linked to another account with a sentence', async () => {
    ddbMock.on(TransactWriteCommand).rejects(transactionCanceled(2, 3));
    const created = userChange(undefined, newcomer, { at: AT, actor: 'sun.guanli', type: 'create' });
    const before = { user: created.after, lastHash: created.event.hash };
    const linked = userChange(before, { ...created.after, subject: 'taken' }, { at: AT, actor: 'x', type: 'link' });

    await expect(store.users.commit(before, linked)).rejects.toThrow(ConflictError);
  });

  it('reads the caller by subject in one strongly consistent read', async () => {
    const user = userChange(undefined, { ...newcomer, subject: 'sub-9' }, { at: AT, actor: 'a', type: 'create' }).after;
    ddbMock.on(GetCommand).resolves({ Item: subjectItem({ ...user, subject: 'sub-9' }) });

    await expect(store.users.bySubject('sub-9')).resolves.toMatchObject({ username: 'huang.minzheng' });
    expect(ddbMock.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { PK: 'SUB#sub-9', SK: 'SUB' },
      ConsistentRead: true,
    });
  });

  it('lists a township inside its county partition, a province at its own level', async () => {
    const user = userChange(undefined, newcomer, { at: AT, actor: 'a', type: 'create' }).after;
    ddbMock.on(QueryCommand).resolves({ Items: [userItem({ user, lastHash: 'h' })] });

    const page = await store.users.list({ province: '52', county: '522327', township: '522327101' });
    await store.users.list({ province: '52' });

    expect(page.items).toEqual([user]);
    const [township, province] = ddbMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(township?.ExpressionAttributeValues).toEqual({ ':pk': 'STAFF#522327', ':prefix': '522327101#' });
    expect(province?.ExpressionAttributeValues).toEqual({ ':pk': 'STAFF#P52' });
  });
});
