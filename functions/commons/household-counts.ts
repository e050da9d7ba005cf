/**
 * Counting households without reading them: one `Select: COUNT` Query per township and phase on
 * GSI4 (`T#{township}#P#{phase}`), never a scan. DynamoDB counts at most 1 MB of index items per
 * page, so a large partition is followed through LastEvaluatedKey.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Phase } from '../../domain/model';
import { ddb } from './clients';
import { env } from './env';

export async function countHouseholdsInPhase(township: string, phase: Phase): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: env.tableName,
        IndexName: 'GSI4',
        KeyConditionExpression: 'GSI4PK = :pk',
        ExpressionAttributeValues: { ':pk': `T#${township}#P#${phase}` },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}

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
