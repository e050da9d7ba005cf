import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../domain/errors';
import { errorReply } from '../../../../functions/http/errors';
import { quietLogs } from '../support/dependencies';

quietLogs();

function named(name: string): Error {
  const error = new Error('[AbortError]: The operation was aborted.');
  error.name = name;
  return error;
}

describe('errorReply', () => {
  it('answers a timeout with a retryable 503, not a 500', () => {
    const reply = errorReply(named('TimeoutError'), 'req-1');

    expect(reply.status).toBe(503);
    expect(reply.headers?.['retry-after']).toBe('1');
    expect(reply.body).toMatchObject({ error: 'Unavailable', message: { en: expect.stringMatching(/retry/) } });
    expect(JSON.stringify(reply.body)).not.toContain('AbortError');
  });

  it('keeps an unexpected error a generic 500 and a domain conflict a 409', () => {
    expect(errorReply(named('TypeError'), 'req-2').status).toBe(500);
    expect(errorReply(new ConflictError({ zh: '冲突', en: 'conflict' }), 'req-3').status).toBe(409);
  });
});
