/**
 * Bad input answers 400 whatever the headers: a body too deep or too large is refused before
 * anything walks it. Before this, a deeply nested body sent with an Idempotency-Key overflowed the
 * stack while its hash was computed and answered 500; without the header the same body was a 400.
 */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { demoApplication } from '../../../../contract/examples';
import { handlerWith as actionsHandlerWith } from '../../../../functions/api/actions';
import { handlerWith as householdsHandlerWith } from '../../../../functions/api/households';
import { jsonBody, jsonDepth, MAX_JSON_BODY_BYTES, MAX_JSON_DEPTH } from '../../../../functions/http/request';
import { apiEvent, context } from '../support/api';
import { testDependencies } from '../support/dependencies';
import { HOUSEHOLD_ID, NOW } from '../support/fixtures';
import { ddbMock, withMocksAtFixedTime } from '../support/mocks';

const actionsHandler = actionsHandlerWith(testDependencies());
const householdsHandler = householdsHandlerWith(testDependencies());

withMocksAtFixedTime(NOW);

const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A valid application with a deep extra field: zod would strip the field, so only a limit stops it. */
function applicationWith(extra: string): string {
  const valid = JSON.stringify(demoApplication(3));
  return `${valid.slice(0, -1)},"extra":${extra}}`;
}

async function send(handler: typeof householdsHandler, event: ReturnType<typeof apiEvent>) {
  const response = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: JSON.parse(String(response.body)) };
}

describe('jsonDepth', () => {
  it('counts nesting of arrays and objects, not brackets inside strings', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[["}')).toBe(1);
    expect(jsonDepth(nestedArrays(40))).toBe(40);
  });
});

describe('jsonBody limits', () => {
  const event = (body: string) => apiEvent({ method: 'POST', path: '/households', body });

  it(`takes a body ${MAX_JSON_DEPTH} levels deep and refuses one level more, in both languages`, () => {
    expect(jsonBody(event(nestedObjects(MAX_JSON_DEPTH)))).toBeTypeOf('object');
    expect(() => jsonBody(event(nestedObjects(MAX_JSON_DEPTH + 1)))).toThrow(/nested too deeply/);
    expect(() => jsonBody(event(nestedArrays(100_000)))).toThrow(/nested too deeply/);
  });

  it('refuses a body larger than the limit before parsing it', () => {
    const large = JSON.stringify({ note: 'x'.repeat(MAX_JSON_BODY_BYTES) });
    expect(() => jsonBody(event(large))).toThrow(/at most 2 MB/);
  });
});

describe('a deeply nested body with an Idempotency-Key', () => {
  it('answers POST /households with a 400 and writes nothing', async () => {
    for (const extra of [nestedObjects(20_000), nestedArrays(20_000)]) {
      const answer = await send(
        householdsHandler,
        apiEvent({
          method: 'POST',
          path: '/households',
          body: applicationWith(extra),
          headers: { 'Idempotency-Key': 'deep-1' },
          user: 'wang.minzheng',
        }),
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('ValidationError');
      expect(answer.body.message.zh).toContain('嵌套层级过深');
      expect(ddbMock.commandCalls(PutCommand)).toHaveLength(0);
      expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
    }
  });

  it('answers an action with the same 400 as without the header', async () => {
    const event = (headers: Record<string, string>) =>
      apiEvent({
        method: 'POST',
        path: `/households/${HOUSEHOLD_ID}/actions/township-review`,
        pathParameters: { id: HOUSEHOLD_ID, action: 'township-review' },
        body: `{"version":3,"decision":"approve","checkedItems":${nestedObjects(5_000)}}`,
        headers,
        user: 'li.zhujian',
      });
    const withKey = await send(actionsHandler, event({ 'Idempotency-Key': 'deep-2' }));
    const without = await send(actionsHandler, event({}));
    expect(withKey).toEqual(without);
    expect(withKey.status).toBe(400);
  });
});
