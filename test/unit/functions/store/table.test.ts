import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../../../../functions/config/clients';
import { clientRequestToken, Table } from '../../../../functions/store/table';
import { ddbMock, namedError, resetMocks } from '../support/mocks';

const { documents } = createClients({ region: 'cn-north-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
const table = new Table(documents, 'anju-test');
const photo = { PK: 'HH#hh-1', SK: 'PHOTO#ph-1', status: 'requested', size: 1000, flags: [] };

describe('a put of a new item', () => {
  beforeEach(resetMocks);

  it('is written when nothing is there', async () => {
    ddbMock.on(PutCommand).resolves({});

    expect(await table.putNew(photo)).toBe(true);
    expect(ddbMock.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(PK)');
  });

  it('takes its own item, met by the SDK retry of a put whose answer was lost, as written', async () => {
    ddbMock.on(PutCommand).rejects(namedError('ConditionalCheckFailedException'));
    // The same attributes, stored in another order.
    ddbMock
      .on(GetCommand)
      .resolves({ Item: { flags: [], size: 1000, status: 'requested', SK: 'PHOTO#ph-1', PK: 'HH#hh-1' } });

    expect(await table.putNew(photo)).toBe(true);
  });

  it('refuses when another item is there', async () => {
    ddbMock.on(PutCommand).rejects(namedError('ConditionalCheckFailedException'));
    ddbMock.on(GetCommand).resolves({ Item: { ...photo, status: 'confirmed' } });

    expect(await table.putNew(photo)).toBe(false);
  });
});

describe('a transaction', () => {
  beforeEach(resetMocks);

  it('carries a ClientRequestToken made from its items, the same for the same items, another for its next attempt', async () => {
    const items = [{ Put: { TableName: 'anju-test', Item: { PK: 'a', SK: 'b', v: 1 } } }];
    expect(clientRequestToken(items, 1)).toBe(clientRequestToken(JSON.parse(JSON.stringify(items)), 1));
    expect(clientRequestToken(items, 1)).toMatch(/^[0-9a-f]{36}$/);
    expect(clientRequestToken(items, 2)).not.toBe(clientRequestToken(items, 1));
    expect(clientRequestToken([{ Put: { TableName: 'anju-test', Item: { PK: 'a', SK: 'b', v: 2 } } }], 1)).not.toBe(
      clientRequestToken(items, 1),
    );
  });

  it('tries again after a TransactionConflict, which wrote nothing, as a new attempt with a new token', async () => {
    const conflict = Object.assign(namedError('TransactionCanceledException'), {
      CancellationReasons: [{ Code: 'TransactionConflict' }],
    });
    ddbMock.on(TransactWriteCommand).rejectsOnce(conflict).resolves({});

    await table.transact([
      { item: { Put: { TableName: 'anju-test', Item: { PK: 'a', SK: 'b' } } }, onConflict: { zh: '', en: '' } },
    ]);

    const tokens = ddbMock.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(2);
  });
});
