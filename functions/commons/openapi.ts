/**
 * The OpenAPI 3.1 description of the public API (/work/shared/api.md), generated from the same
 * zod schemas that validate requests, with an example body for every operation that is valid
 * for a household of the demo program.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ActionBodies } from '../../domain/actions';
import { demoApplication, demoProgram, exampleActionBody } from '../../domain/demo';
import { LedgerPayment } from '../../domain/funding/bank';
import {
  ACTIONS,
  type Action,
  Actor,
  AuditEvent,
  Household,
  HouseholdApplication,
  Inspection,
  Payment,
  Phase,
  Photo,
  PhotoKind,
  ProgramConfig,
  Role,
} from '../../domain/model';
import { NoticeList } from '../../domain/public-notice';
import { stepForAction } from '../../process/renovation';
import { Objection } from '../store';
import { BatchQuery, FundsReportQuery } from '../use-cases/funds';
import { HouseholdExportQuery } from '../use-cases/household-export';
import { ProgressQuery } from '../use-cases/progress-report';
import { HouseholdListQuery } from '../use-cases/read-households';
import { TaskQuery } from '../use-cases/work-queue';

const Bilingual = z.object({ zh: z.string(), en: z.string() });
const ErrorBody = z
  .object({
    error: z.string().meta({ example: 'ValidationError' }),
    message: Bilingual,
    fields: z.array(z.object({ path: z.string(), message: Bilingual })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error' });

const TaskView = z
  .object({
    householdId: z.string(),
    step: Phase,
    status: z.enum(['starting', 'open', 'decided']),
    role: Role.optional(),
    jurisdiction: z.string().optional(),
    county: z.string(),
    township: z.string(),
    dueAt: z.string().optional(),
    createdAt: z.string(),
    overdue: z.boolean(),
  })
  .meta({ id: 'Task' });

const HouseholdSchema = Household.meta({ id: 'Household' });
const PhotoWithLinks = Photo.extend({
  previewUrl: z.string().nullable().meta({
    description:
      'Presigned GET of the downscaled WebP preview (at most 640 px, upright), valid 15 minutes and made afresh on every read; null until the photo is confirmed or when no preview could be made (e.g. HEIC)',
  }),
  originalUrl: z.string().nullable().meta({
    description:
      'Presigned GET of the uploaded original, valid 15 minutes and made afresh on every read; null until the photo is confirmed',
  }),
}).meta({ id: 'PhotoWithLinks' });
const HouseholdFile = z
  .object({
    householdId: z.string(),
    phase: Phase,
    version: z.number().int(),
    household: HouseholdSchema,
    task: TaskView.nullable(),
    timeline: z.array(AuditEvent),
    photos: z.array(PhotoWithLinks),
    payments: z.array(Payment),
    inspections: z.array(Inspection),
    objections: z.array(Objection),
    /** Every flag of its photos and inspections. */
    flags: z.array(z.object({ source: z.enum(['photo', 'inspection']), ref: z.string(), flag: z.string() })),
  })
  .meta({ id: 'HouseholdFile' });

const Registered = z.object({ householdId: z.string(), phase: Phase, version: z.number().int() });
const Paged = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), cursor: z.string().optional() });

const IdempotencyHeaders = z.object({
  'Idempotency-Key': z.string().max(128).optional().meta({
    description: 'The same key with the same body returns the first answer; with another body: 422',
  }),
});
const HouseholdParams = z.object({ id: z.string().meta({ example: '5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10' }) });

function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

const ERRORS = {
  400: json(ErrorBody, 'Invalid body or query (field-level messages, zh-CN and en)'),
  401: json(ErrorBody, 'No or bad token'),
  403: json(ErrorBody, 'Wrong role or outside jurisdiction'),
  404: json(ErrorBody, 'Unknown household'),
  409: json(ErrorBody, 'The action does not fit the current phase, or the version is stale'),
  422: json(ErrorBody, 'Idempotency-Key reused with another body'),
  429: json(ErrorBody, 'Throttled'),
};
const READ_ERRORS = { 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403], 429: ERRORS[429] };

function actionExampleVersion(action: Action): number {
  // The version a demo household has when it reaches the step (registration is version 1).
  const order: Record<Action, number> = {
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
  };
  return order[action];
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  const secured = [{ [bearer.name]: [] }];

  registry.registerPath({
    method: 'get',
    path: '/health',
    summary: 'Every part of the stack answers',
    responses: {
      200: json(z.object({ status: z.literal('ok') }), 'Healthy'),
      503: json(z.object({ status: z.literal('unavailable'), failed: z.array(z.string()) }), 'A part failed'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  });
  registry.registerPath({
    method: 'get',
    path: '/me',
    summary: "The caller's user name, roles and jurisdiction",
    security: secured,
    responses: { 200: json(Actor, 'The caller'), 401: ERRORS[401] },
  });
  const ProgramParams = z.object({ programId: z.string().meta({ example: demoProgram.programId }) });
  registry.registerPath({
    method: 'get',
    path: '/programs/{programId}',
    summary: 'A program configuration',
    security: secured,
    request: { params: ProgramParams },
    responses: { 200: json(ProgramConfig, 'The program'), ...READ_ERRORS, 404: ERRORS[404] },
  });
  registry.registerPath({
    method: 'put',
    path: '/programs/{programId}',
    summary: 'Create or replace a program configuration (admin)',
    security: secured,
    request: {
      params: ProgramParams,
      body: { required: true, content: { 'application/json': { schema: ProgramConfig, example: demoProgram } } },
    },
    responses: { 200: json(ProgramConfig, 'Stored'), ...READ_ERRORS },
  });
  registry.registerPath({
    method: 'post',
    path: '/households',
    summary: 'Register an application',
    security: secured,
    request: {
      headers: IdempotencyHeaders,
      body: {
        required: true,
        content: { 'application/json': { schema: HouseholdApplication, example: demoApplication(1) } },
      },
    },
    responses: { 201: json(Registered, 'Registered'), ...READ_ERRORS, 409: ERRORS[409], 422: ERRORS[422] },
  });
  registry.registerPath({
    method: 'get',
    path: '/households',
    summary: 'Households newest first, a page at a time',
    security: secured,
    request: { query: HouseholdListQuery },
    responses: { 200: json(Paged(HouseholdSchema), 'A page of households'), ...READ_ERRORS },
  });
  registry.registerPath({
    method: 'get',
    path: '/households/{id}',
    summary: 'The household file: phase, version, data, pending task, timeline, photos, payments',
    security: secured,
    request: { params: HouseholdParams },
    responses: { 200: json(HouseholdFile, 'The file'), ...READ_ERRORS, 404: ERRORS[404] },
  });
  registry.registerPath({
    method: 'get',
    path: '/households/{id}/ledger-card',
    summary:
      'The printable ledger card (台帐卡, A4 HTML with photos) of an archived household, rendered with photo links valid 15 minutes',
    security: secured,
    request: { params: HouseholdParams },
    responses: {
      200: { description: 'The card', content: { 'text/html': { schema: z.string() } } },
      ...READ_ERRORS,
      404: ERRORS[404],
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/tasks',
    summary: "The caller's work queue, earliest due first",
    security: secured,
    request: { query: TaskQuery },
    responses: { 200: json(Paged(TaskView), 'Pending human steps'), ...READ_ERRORS },
  });
  for (const action of ACTIONS) {
    const step = stepForAction(action);
    registry.registerPath({
      method: 'post',
      path: `/households/{id}/actions/${action}`,
      operationId: `action-${action}`,
      summary: `${action}: ${step.side ? 'recorded during' : 'completes'} ${step.phase} (role ${step.role}, ${step.level})`,
      security: secured,
      request: {
        params: HouseholdParams,
        headers: IdempotencyHeaders,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: ActionBodies[action],
              example: exampleActionBody(action, actionExampleVersion(action)),
            },
          },
        },
      },
      responses: { 200: json(HouseholdFile, 'The updated household file'), ...ERRORS },
    });
  }
  const PhotoRequest = z.object({
    step: Phase,
    kind: PhotoKind,
    contentType: Photo.shape.contentType,
    size: Photo.shape.size,
    sha256: Photo.shape.sha256,
  });
  registry.registerPath({
    method: 'post',
    path: '/households/{id}/photos',
    summary: 'A presigned upload for one photo',
    security: secured,
    request: {
      params: HouseholdParams,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: PhotoRequest,
            example: {
              step: 'safety-appraisal',
              kind: 'before',
              contentType: 'image/jpeg',
              size: 245_760,
              sha256: 'a3f1c5d2e4b6a8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8',
            },
          },
        },
      },
    },
    responses: {
      201: json(
        z.object({
          photoId: z.string(),
          upload: z.object({
            url: z.string(),
            method: z.literal('PUT'),
            headers: z.record(z.string(), z.string()),
            expiresAt: z.string(),
          }),
        }),
        'Where to upload',
      ),
      ...ERRORS,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/households/{id}/photos/{photoId}/confirm',
    summary: 'Verify the uploaded object and record the photo',
    security: secured,
    request: { params: HouseholdParams.extend({ photoId: z.string() }) },
    responses: { 200: json(Photo, 'The recorded photo'), ...ERRORS },
  });
  const CountyQuery = z.object({ county: z.string().meta({ example: demoProgram.county.code }) });
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const xlsx = { [XLSX]: { schema: z.string().meta({ format: 'binary' }) } };
  registry.registerPath({
    method: 'get',
    path: '/reports/progress',
    summary:
      'Per township: quota, households by phase, mode and site, floor area, status counts, overdue steps by role, ' +
      "spot checks; the county's spot-check coverage. From running counters; `format=xlsx` for Excel",
    security: secured,
    request: {
      query: ProgressQuery.extend({
        county: ProgressQuery.shape.county.meta({ example: demoProgram.county.code }),
        program: ProgressQuery.shape.program.meta({
          description: "Absent: the county's most recent program",
          example: demoProgram.programId,
        }),
      }),
    },
    responses: {
      200: {
        description: 'The progress report (JSON or Excel)',
        content: { 'application/json': { schema: z.record(z.string(), z.unknown()) }, ...xlsx },
      },
      ...READ_ERRORS,
      404: ERRORS[404],
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/reports/households',
    summary:
      'The household list of a county or township with ID numbers and bank accounts masked; JSON pages or `format=xlsx`',
    security: secured,
    request: {
      query: HouseholdExportQuery.extend({
        county: HouseholdExportQuery.shape.county.meta({ example: demoProgram.county.code }),
      }),
    },
    responses: {
      200: {
        description: 'A page of masked rows (JSON) or every row (Excel)',
        content: { 'application/json': { schema: z.record(z.string(), z.unknown()) }, ...xlsx },
      },
      ...READ_ERRORS,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/programs/{programId}/progress-counters/rebuild',
    summary: "Recount the program's progress counters from its households (admin; run while nobody acts)",
    security: secured,
    request: { params: ProgramParams },
    responses: {
      200: json(
        z.object({
          programId: z.string(),
          townships: z.array(z.object({ township: z.string(), registered: z.number() })),
        }),
        'The recount per township',
      ),
      ...READ_ERRORS,
      404: ERRORS[404],
    },
  });
  const demoTownship = demoProgram.townships[0];
  registry.registerPath({
    method: 'get',
    path: '/notices',
    summary: 'The public notice list (公示名单) of a county, township or village: names shown, ID numbers masked',
    security: secured,
    request: {
      query: z.object({
        county: z.string().optional().meta({ example: demoProgram.county.code }),
        township: z.string().optional().meta({ example: demoTownship?.code }),
        village: z.string().optional().meta({ example: demoTownship?.villages[0]?.code }),
      }),
    },
    responses: { 200: json(NoticeList, 'Households in or past their public notice, in board order'), ...READ_ERRORS },
  });
  const csv = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } });
  registry.registerPath({
    method: 'get',
    path: '/reports/funds',
    summary: 'Money by source, approved, released and pending; `format=csv` is the public disclosure (资金公开)',
    security: secured,
    request: { query: FundsReportQuery },
    responses: {
      200: {
        description: 'The funds report (JSON or `format=xlsx`) or the disclosure (CSV)',
        content: {
          'application/json': { schema: z.record(z.string(), z.unknown()) },
          'text/csv': { schema: z.string() },
          ...xlsx,
        },
      },
      ...READ_ERRORS,
    },
  });
  const PaymentParams = z.object({
    householdId: z.string().meta({ example: '5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10' }),
    installment: z.string().regex(/^\d$/).meta({ description: 'Index into the installment plan', example: '0' }),
  });
  const PAYMENT_ERRORS = { ...READ_ERRORS, 404: ERRORS[404], 409: ERRORS[409] };
  registry.registerPath({
    method: 'post',
    path: '/payments/{householdId}/{installment}/approve',
    summary: 'Approve a prepared release (复核) as a second finance user; it joins the bank batch',
    security: secured,
    request: { params: PaymentParams },
    responses: { 200: json(LedgerPayment, 'The approved payment'), ...PAYMENT_ERRORS },
  });
  registry.registerPath({
    method: 'post',
    path: '/payments/{householdId}/{installment}/retry',
    summary: 'Send a payment the bank refused once more under the same reference',
    security: secured,
    request: { params: PaymentParams },
    responses: { 200: json(LedgerPayment, 'The payment, due again'), ...PAYMENT_ERRORS },
  });
  registry.registerPath({
    method: 'get',
    path: '/payments/batch',
    summary: "The bank batch file (一卡通) of the county's approved payments",
    security: secured,
    request: { query: BatchQuery },
    responses: { 200: csv('The batch file'), ...READ_ERRORS },
  });
  registry.registerPath({
    method: 'post',
    path: '/payments/results',
    summary: "Import the bank's result file (回盘): paid or failed per reference",
    security: secured,
    request: {
      query: CountyQuery,
      body: {
        required: true,
        content: {
          'text/csv': {
            schema: z.string(),
            example: 'reference,status,reason\n5b0c7f6e-2d0f-4f59-9d43-1c1b8c6d2f10-00,paid,\n',
          },
        },
      },
    },
    responses: {
      200: json(
        z.object({
          paid: z.number().int(),
          failed: z.number().int(),
          ignored: z.array(z.record(z.string(), z.unknown())),
        }),
        'What the file changed',
      ),
      ...READ_ERRORS,
      409: ERRORS[409],
    },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Anju (安居) API',
      version: '0.1.0',
      description: 'Rural dangerous-housing renovation (农村危房改造): households, human steps, evidence, money.',
    },
  });
}
