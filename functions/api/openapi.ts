/** `GET /openapi.json` (no auth): generated once per container from the contract. */
import { buildOpenApiDocument } from '../../contract/openapi';
import { withLambdaContext } from '../config/handler';
import { contractHandler } from '../http/router';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = withLambdaContext(
  contractHandler('OpenApiFn', {
    'GET /openapi.json': async ({ ok }) => {
      document ??= buildOpenApiDocument();
      return ok(document);
    },
  }),
);
