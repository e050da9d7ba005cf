/**
 * The OpenAPI document against the contract's routes (the routes the stack deploys: see
 * test/infra/stack.test.ts): a route documented twice or not at all, or with the wrong success
 * status, fails here; every operation that takes a body has an example its schema accepts.
 */
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../contract/openapi';
import { PhotoRequestBody } from '../../../contract/requests';
import { CONTRACT_ROUTES } from '../../../contract/routes';
import { ActionBodies } from '../../../domain/actions';
import { ACTIONS, HouseholdApplication, ProgramConfig } from '../../../domain/model';

const document = buildOpenApiDocument();

interface Operation {
  responses?: Record<string, unknown>;
  requestBody?: { content?: Record<string, { example?: unknown }> };
}
type PathItem = Record<string, Operation>;
const paths = (document.paths ?? {}) as Record<string, PathItem>;

/** `METHOD /path` of every route of the contract; the action route stands for one path per action. */
const deployed = CONTRACT_ROUTES.flatMap((route) =>
  route.path.includes('{action}')
    ? ACTIONS.map((action) => `${route.method} ${route.path.replace('{action}', action)}`)
    : [`${route.method} ${route.path}`],
).sort();

const documented = Object.entries(paths)
  .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
  .sort();

/** The success status each route answers with (the handlers in functions/api/). */
function successStatusOf(key: string): string {
  if (
    key === 'POST /households' ||
    key === 'POST /households/{id}/photos' ||
    key === 'POST /monitoring/cases' ||
    key === 'POST /monitoring/cases/{id}/photos' ||
    key === 'POST /users' ||
    key === 'POST /rosters'
  )
    return '201';
  return '200';
}

function operation(key: string): Operation {
  const [method = '', path = ''] = key.split(' ');
  const found = paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`${key} is not documented`);
  return found;
}

function exampleOf(key: string): unknown {
  return operation(key).requestBody?.content?.['application/json']?.example;
}

describe('GET /openapi.json', () => {
  it('documents exactly the routes of the contract', () => {
    expect(documented).toEqual(deployed);
  });

  it.each(deployed)('%s names its success status', (key) => {
    const responses = Object.keys(operation(key).responses ?? {});
    expect(responses).toContain(successStatusOf(key));
    expect(responses.filter((status) => status.startsWith('2') && status !== successStatusOf(key))).toEqual([]);
  });

  it.each(ACTIONS)('has an example body for %s that its schema accepts', (action) => {
    const example = exampleOf(`POST /households/{id}/actions/${action}`);
    expect(example).toBeDefined();
    expect(ActionBodies[action].safeParse(example).error).toBeUndefined();
  });

  it('has valid example bodies for registration, programs and photo requests', () => {
    expect(HouseholdApplication.safeParse(exampleOf('POST /households')).error).toBeUndefined();
    expect(ProgramConfig.safeParse(exampleOf('PUT /programs/{programId}')).error).toBeUndefined();
    expect(PhotoRequestBody.safeParse(exampleOf('POST /households/{id}/photos')).error).toBeUndefined();
  });
  it.each(CONTRACT_ROUTES.filter((route) => 'body' in route.spec && route.spec.body !== undefined))(
    'has an example body for $key that its schema accepts',
    (route) => {
      const body = 'body' in route.spec ? route.spec.body : undefined;
      const example = operation(route.key).requestBody?.content?.[body?.contentType ?? '']?.example;
      expect(example).toBeDefined();
      expect(body?.schema.safeParse(example).error).toBeUndefined();
    },
  );

  it('describes the photo links the console reads on the household file: previewUrl and originalUrl', () => {
    const schemas = (document.components?.schemas ?? {}) as Record<
      string,
      { properties?: Record<string, unknown>; required?: string[] }
    >;
    const photo = schemas.PhotoWithLinks;
    expect(Object.keys(photo?.properties ?? {})).toEqual(expect.arrayContaining(['previewUrl', 'originalUrl']));
    expect(photo?.required).toEqual(expect.arrayContaining(['previewUrl', 'originalUrl']));
    expect(JSON.stringify(schemas.HouseholdFile?.properties?.photos)).toContain('PhotoWithLinks');
  });
});
