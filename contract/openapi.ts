/**
 * The OpenAPI 3.1 description of the public API (docs/api.md), generated from the contract's
 * routes: the same zod schemas that validate requests and type the answers, with an example body
 * for every operation that is valid for a household of the demo program.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ACTIONS, type Action } from '../domain/model';
import type { Access } from './access';
import { demoApplication, demoIdNumber, demoProgram, exampleActionBody } from './examples';
import { MONITORING_BODY_EXAMPLES } from './monitoring-examples';
import { CONTRACT_ROUTES, type ContractRoute, type Refusal, type RouteKey, type RouteSpec } from './routes';
import { ErrorBody } from './views';

const REFUSALS: Readonly<Record<Refusal, string>> = {
  400: 'Invalid body or query (field-level messages, zh-CN and en)',
  401: 'No or bad token',
  403: 'Wrong role or outside jurisdiction',
  404: 'No such household, program, photo or payment',
  409: 'The action does not fit the current phase, or the version is stale',
  422: 'Idempotency-Key reused with another body',
  429: 'Throttled',
};

/** The version a demo household has when it reaches the step of each action (registration is version 1). */
const ACTION_EXAMPLE_VERSION: Readonly<Record<Action, number>> = {
  'appraise-safety': 1,
  'village-appraisal': 2,
  'township-review': 3,
  'county-approve': 4,
  // Objections are recorded during the notice (version 5); no-objection path from there on.
  object: 5,
  'resolve-objection': 7,
  'sign-agreement': 6,
  'release-installment': 7,
  inspect: 8,
  accept: 12,
  // Recorded while construction runs, e.g. right after the advance payment.
  supervise: 8,
  // After the acceptance and the last release (archived at version 14).
  'move-in': 14,
};

/** Example bodies of the routes that take one (the action route's come per action). */
const BODY_EXAMPLES: Partial<Record<RouteKey, unknown>> = {
  'PUT /programs/{programId}': demoProgram,
  'POST /households': demoApplication(1),
  'POST /households/{id}/photos': {
    step: 'safety-appraisal',
    kind: 'before',
    contentType: 'image/jpeg',
    size: 245_760,
    sha256: 'a3f1c5d2e4b6a8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8',
  },
  'POST /payments/results': 'reference,status,reason\n5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10-00,paid,\n',
  'POST /users': {
    username: 'wei.zhijian',
    displayName: '韦明（者楼镇质检员）',
    roles: ['inspector'],
    county: demoProgram.county.code,
    township: demoProgram.townships[0]?.code,
    email: 'wei.zhijian@example.gov.cn',
  },
  'PATCH /users/{username}': { roles: ['inspector', 'construction'], enabled: true },
  'POST /households/{id}/reveal': { field: 'phone', reason: '电话通知农户到村委会签订改造协议' },
  ...MONITORING_BODY_EXAMPLES,
  'POST /rosters': {
    county: demoProgram.county.code,
    kind: 'relocation',
    year: 2019,
    title: '县发改局 2016-2020年易地扶贫搬迁名单',
    rows: [
      { 姓名: '王国平', 身份证号: demoIdNumber(9001), 村: '者楼村', 年度: '2019' },
      { 姓名: '王小红', 身份证号: demoIdNumber(9002), 村: '者楼村', 年度: '2019' },
    ],
  },
  'POST /households/{id}/overrides': {
    version: 14,
    flag: 'stage-too-soon',
    reason: '县住建局现场核实：基础与主体均已按图施工完成，间隔短因雨季前抢工，同意放行',
  },
};

const demoTownship = demoProgram.townships[0];
/** Path and query parameters of the demo program, by name. */
const PARAMETER_EXAMPLES: Readonly<Record<string, unknown>> = {
  programId: demoProgram.programId,
  program: demoProgram.programId,
  county: demoProgram.county.code,
  ...(demoTownship ? { township: demoTownship.code } : {}),
  ...(demoTownship?.villages[0] ? { village: demoTownship.villages[0].code } : {}),
  month: '2026-05',
};

function withExamples(schema: z.ZodObject | undefined): z.ZodObject | undefined {
  if (!schema) return undefined;
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(schema.shape)) {
    const example = PARAMETER_EXAMPLES[name];
    shape[name] = example === undefined ? (field as z.ZodType) : (field as z.ZodType).meta({ example });
  }
  return z.object(shape);
}

function whoMayCall(access: Access): string {
  if ('public' in access) return 'Anyone, without a token.';
  if ('signedIn' in access) return 'Anyone signed in.';
  const roles = access.roles === 'any' ? 'Any role' : `Role ${access.roles.join(' or ')}`;
  const within = {
    county: 'anywhere in the county',
    township: "in the township, or at the county's level",
    'county-level': "at the county's level",
  }[access.within];
  const wide = access.countyWide?.length ? ` (${access.countyWide.join(' and ')} read the whole county)` : '';
  return `${roles}, ${within}${wide}.`;
}

function answers(spec: RouteSpec): RouteConfig['responses'] {
  const responses: RouteConfig['responses'] = {};
  for (const answer of [spec.success, ...(spec.otherAnswers ?? [])]) {
    responses[answer.status] = {
      description: answer.description,
      ...(answer.content
        ? {
            content: Object.fromEntries(Object.entries(answer.content).map(([type, schema]) => [type, { schema }])),
          }
        : {}),
    };
  }
  for (const status of spec.refusals) {
    responses[status] = { description: REFUSALS[status], content: { 'application/json': { schema: ErrorBody } } };
  }
  return responses;
}

function body(contentType: string, schema: z.ZodType, example: unknown) {
  return { required: true, content: { [contentType]: { schema, ...(example === undefined ? {} : { example }) } } };
}

/** One operation per route; the action route is one per action, as clients call it. */
function operations(route: ContractRoute, secured: RouteConfig['security']): RouteConfig[] {
  const { spec } = route;
  const method = route.method.toLowerCase() as RouteConfig['method'];
  const base = {
    method,
    responses: answers(spec),
    // A route anyone may call says so (`security: []`), e.g. the household's own view.
    security: 'access' in spec && 'public' in spec.access ? [] : secured,
  };
  if ('byAction' in spec) {
    const params = spec.params ? withExamples(spec.params.omit({ action: true })) : undefined;
    return ACTIONS.map((action) => {
      const operation = spec.byAction[action];
      return {
        ...base,
        path: route.path.replace('{action}', action),
        operationId: `action-${action}`,
        summary: operation.summary,
        description: `Who may call: ${whoMayCall(operation.access)}`,
        request: {
          ...(params ? { params } : {}),
          ...(spec.headers ? { headers: spec.headers } : {}),
          body: body('application/json', operation.body, exampleActionBody(action, ACTION_EXAMPLE_VERSION[action])),
        },
      };
    });
  }
  const params = withExamples(spec.params);
  const query = withExamples(spec.query);
  return [
    {
      ...base,
      path: route.path,
      summary: spec.summary,
      description: `Who may call: ${whoMayCall(spec.access)}`,
      request: {
        ...(params ? { params } : {}),
        ...(query ? { query } : {}),
        ...(spec.headers ? { headers: spec.headers } : {}),
        ...(spec.body
          ? {
              body: body(spec.body.contentType, spec.body.schema, BODY_EXAMPLES[route.key]),
            }
          : {}),
      },
    },
  ];
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  const secured = [{ [bearer.name]: [] }];
  for (const route of CONTRACT_ROUTES) {
    for (const operation of operations(route, secured)) registry.registerPath(operation);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Anju (安居) API',
      version: '0.1.0',
      description: 'Rural dangerous-housing renovation (农村危房改造): households, human steps, evidence, money.',
    },
  });
}
