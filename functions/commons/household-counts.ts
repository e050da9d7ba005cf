/**
 * Counting a household's items without reading them: a `Select: COUNT` Query on its partition,
 * never a scan. DynamoDB counts at most 1 MB per page, so the count follows LastEvaluatedKey.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from './clients';
import { env } from './env';

/** Objections recorded for a household, whatever their status (`OBJ#` items of its partition). */
export async function countObjections(householdId: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: env.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :objection)',
        ExpressionAttributeValues: { ':pk': `HH#${householdId}`, ':objection': 'OBJ#' },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}
