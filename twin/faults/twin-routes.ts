/**
 * Local-only routes of the twin itself, on the API's port beside the template's routes (which never start with
 * `/local/`): `GET /local/twin` answers the faults injected so far and the requests IAM refused, so a test can
 * prove that faults happened and that nothing was refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authorizer } from '../iam/authorizer';
import type { FaultInjector } from './faults';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export function twinRoutes(twin: { faults: FaultInjector; iam: Authorizer }, next: Handler): Handler {
  return (request, response) => {
    if (request.method === 'GET' && (request.url ?? '').split('?')[0] === '/local/twin') {
      const body = JSON.stringify({ faults: twin.faults.injected(), accessDenied: twin.iam.denials() });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    next(request, response);
  };
}
