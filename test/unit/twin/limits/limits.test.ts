import { describe, expect, it } from 'vitest';
import {
  executionOfTaskToken,
  MAX_PAYLOAD_BYTES,
  mintTaskToken,
  payloadBytes,
  TASK_TOKEN_FORMAT,
  TASK_TOKEN_LENGTH,
} from '../../../../twin/limits/limits';

const execution =
  'arn:aws:states:us-east-1:000000000000:execution:RenovationWorkflow:0c5e2c1e-6f1b-4a41-9d5a-8c8f5f1c2b3a-0';

describe('task tokens', () => {
  it('are as long as AWS makes them, URL-safe, and different every time', () => {
    const a = mintTaskToken(execution);
    const b = mintTaskToken(execution);
    expect(a).toHaveLength(TASK_TOKEN_LENGTH);
    expect(a).toMatch(TASK_TOKEN_FORMAT);
    expect(a).not.toBe(b);
  });

  it('name the execution they were minted for, and nothing for a token of no execution', () => {
    expect(executionOfTaskToken(mintTaskToken(execution))).toBe(execution);
    expect(executionOfTaskToken('not a token')).toBeUndefined();
    expect(executionOfTaskToken(Buffer.alloc(100, 7).toString('base64url'))).toBeUndefined();
  });
});

describe('payloadBytes', () => {
  it('counts the JSON text in UTF-8, as Step Functions does against its 256 KB limit', () => {
    expect(payloadBytes({ name: '危房' })).toBe(Buffer.byteLength('{"name":"危房"}'));
    expect(payloadBytes('{"a":1}')).toBe(7);
    expect(payloadBytes({ photos: 'x'.repeat(MAX_PAYLOAD_BYTES) })).toBeGreaterThan(MAX_PAYLOAD_BYTES);
  });
});
