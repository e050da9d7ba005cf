/** `GET /openapi.json` (no auth): generated once per container from the zod schemas. */
import { apiHandler } from '../commons/http';
import { buildOpenApiDocument } from '../commons/openapi';
import { withLambdaContext } from '../config/handler';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = withLambdaContext(
  apiHandler(async () => {
    document ??= buildOpenApiDocument();
    return { status: 200, body: document };
  }),
);
