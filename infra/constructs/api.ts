import { Aws, CfnResource, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolEmail,
  VerificationEmailStyle,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { API_FUNCTION_IDS, type ApiFunctionId, isPublic, type RouteKey, routesOf } from '../../contract/routes';
import { ROLES } from '../../domain/model';
import type { Identity } from '../config';
import { AnjuFunction, type DataAccess, type FunctionDefaults, type WorkflowAccess } from './anju-function';
import { SharpLayer } from './sharp-layer';

export const API_LOGICAL_ID = 'Api';
export const USER_POOL_LOGICAL_ID = 'UserPool';
/** Custom attributes that carry a Cognito user's jurisdiction (claims `custom:county`, `custom:township`). */
export const USER_JURISDICTION_ATTRIBUTES = ['county', 'township'] as const;

export type ApiFunctionSpec = {
  /** Handler module under `functions/`. */
  readonly entry: string;
  readonly description: string;
  readonly table: DataAccess;
  readonly bucket: DataAccess;
  readonly workflow: readonly WorkflowAccess[];
  /** Makes image previews with sharp (from the sharp layer, on x86_64), with room for a 15 MB photo. */
  readonly images?: true;
  /** Administers staff sign-ins in the stack's user pool (Cognito mode only; nothing to administer at an outside issuer). */
  readonly userPoolAccounts?: true;
  /** @default 10 s, 20 s with `images` (API Gateway waits at most 30 s) */
  readonly timeoutSeconds?: number;
};

/**
 * Routes with their own throttling besides the stage's per-route default: the household's own view answers
 * anyone without a token, so API Gateway holds it to a few lookups a second before the function's own limits
 * per source and per ID number (functions/use-cases/monitoring/public-status.ts) are even asked.
 */
export const ROUTE_THROTTLES: Readonly<Partial<Record<RouteKey, { rateLimit: number; burstLimit: number }>>> = {
  'POST /public/status': { rateLimit: 5, burstLimit: 10 },
};

/** What the staff-accounts function does in the user pool, and nothing else (no delete, no group or pool changes). */
export const USER_POOL_ACCOUNT_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminResetUserPassword',
  'cognito-idp:AdminUpdateUserAttributes',
] as const;

/**
 * The API functions by logical id (docs/design.md, "Functions"): what each may touch. Which routes
 * each serves comes from the contract (contract/routes.ts); a function the contract names without
 * a spec here is a type error.
 */
export const API_FUNCTIONS: { readonly [F in ApiFunctionId]: ApiFunctionSpec } = {
  HealthFn: {
    entry: 'api/health',
    description: 'GET /health: pings the table, the bucket and the state machine',
    table: 'RO',
    bucket: 'RO',
    workflow: ['describe'],
  },
  OpenApiFn: {
    entry: 'api/openapi',
    description: 'GET /openapi.json: the API description generated from the contract',
    table: 'NONE',
    bucket: 'NONE',
    workflow: [],
  },
  MeFn: {
    entry: 'api/me',
    description: "GET /me: the caller's account; links a first sign-in to the account an administrator created",
    table: 'RW',
    bucket: 'NONE',
    workflow: [],
  },
  ProgramsFn: {
    entry: 'api/programs',
    description: 'Program configuration (quota, townships, subsidy tiers, installments) and the outside rosters',
    table: 'RW',
    bucket: 'NONE',
    workflow: [],
  },
  HouseholdsFn: {
    entry: 'api/households',
    description:
      'Register applications (starts the execution), list households, read a household file and its ledger card',
    table: 'RW',
    bucket: 'RO',
    workflow: ['start'],
  },
  TasksFn: {
    entry: 'api/tasks',
    description: "The caller's work queue",
    table: 'RO',
    bucket: 'NONE',
    workflow: [],
  },
  ActionsFn: {
    entry: 'api/actions',
    description: 'Human steps: store the decision in one transaction, then answer the callback task',
    table: 'RW',
    bucket: 'RO',
    workflow: ['respond'],
  },
  FundsFn: {
    entry: 'api/funds',
    description: 'Payments: second-user approval, bank batch file and results, retries; the funds report',
    table: 'RW',
    bucket: 'NONE',
    workflow: [],
  },
  PhotosFn: {
    entry: 'api/photos',
    description: 'Photo evidence: presigned uploads to a key the server chooses, then verification and EXIF facts',
    table: 'RW',
    bucket: 'RW',
    workflow: [],
    images: true,
  },
  ReportsFn: {
    entry: 'api/reports',
    description:
      "Progress report from running counters, the masked household list and the auditor's view (JSON or Excel)",
    table: 'RO',
    bucket: 'NONE',
    workflow: [],
  },
  NoticesFn: {
    entry: 'api/notices',
    description: 'Public notice list of a county, township or village: names shown, ID numbers masked',
    table: 'RO',
    bucket: 'NONE',
    workflow: [],
  },
  UsersFn: {
    entry: 'api/users',
    description:
      'Staff accounts: create, change, disable, reset or unlink, each an audited event; names for user names',
    table: 'RW',
    bucket: 'NONE',
    workflow: [],
    userPoolAccounts: true,
  },
  MonitoringFn: {
    entry: 'api/monitoring',
    description:
      'Housing-safety ledger: monthly rosters, checks, cases and their measures, visits, photos, the monthly report; ' +
      'a case closed by renovation registers the household (starts its execution)',
    table: 'RW',
    bucket: 'RW',
    workflow: ['start'],
    // Photos of the ledger get previews like the renovation's; a roster of thousands of rows is read and written.
    images: true,
    timeoutSeconds: 29,
  },
  PublicStatusFn: {
    entry: 'api/public-status',
    description:
      "The household's own view without a staff login: rate-limited per source and ID number, every lookup logged",
    // Writes only its lookup counters and log; reads the household, its payments and its code.
    table: 'RW',
    bucket: 'NONE',
    workflow: [],
  },
};

export interface AnjuApiProps {
  readonly table: ITable;
  readonly bucket: IBucket;
  readonly stateMachineArn: string;
  /** Who signs staff in: this stack's Cognito user pool, or an outside OpenID Connect issuer. */
  readonly identity: Identity;
  /** `anju-<stage>`: the API's name. */
  readonly namePrefix: string;
  readonly functionDefaults: FunctionDefaults;
  /** Retention of the access log group. */
  readonly logRetention: RetentionDays;
  /**
   * The web console's URL (`https://<distribution domain>`): the Cognito hosted UI returns there
   * after sign-in and sign-out, and it is the origin CORS allows.
   * @default no hosted UI; CORS allows `allowedOrigins`
   */
  readonly consoleUrl?: string;
  /**
   * Origins of the web console allowed by CORS.
   * @default [consoleUrl] when given, else ['*'] (tokens travel in the Authorization header, not in cookies)
   */
  readonly allowedOrigins?: readonly string[];
  /** Steady-state requests per second of each route of the default stage. */
  readonly rateLimit: number;
  /** Burst of each route of the default stage. */
  readonly burstLimit: number;
}

/** The invitation a new staff member receives (Cognito requires `{username}` and `{####}`). */
export const INVITATION_MESSAGE = {
  emailSubject: '安居系统账号已开通',
  emailBody:
    '您好：<br/>您在安居（农村危房改造）系统的账号已开通。<br/>用户名：{username}<br/>临时密码：{####}<br/>' +
    '请在 3 天内登录并设置新密码；临时密码过期后请联系本县系统管理员重新发送。<br/>' +
    '可在登录后绑定身份验证器（手机 App 生成的动态码），保护账号中的身份证号和银行账号信息。<br/>如非本人，请忽略本邮件。',
} as const;

/** The code that confirms an address or resets a forgotten password (Cognito requires `{####}`). */
export const VERIFICATION_MESSAGE = {
  emailSubject: '安居系统验证码',
  emailBody:
    '您好：<br/>您的安居系统验证码是 {####}，用于重置密码或验证邮箱，请尽快使用。<br/>' +
    '工作人员不会向您索要验证码；如非本人操作，请忽略本邮件并告知本县系统管理员。',
} as const;

/**
 * The staff API: an HTTP API whose routes need a JWT (all but /health and /openapi.json), one
 * function per row of API_FUNCTIONS on the routes the contract gives it, and, in Cognito mode, the user pool with one group per role
 * and the county/township attributes that carry a user's jurisdiction. In OpenID Connect mode (AWS
 * China, or any county with its own issuer) the authorizer checks the outside issuer's tokens and
 * the stack creates no Cognito resource at all.
 */
export class AnjuApi extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  /** The user pool, in Cognito mode. */
  public readonly userPool?: UserPool;
  public readonly userPoolClient?: UserPoolClient;
  /** The Cognito hosted UI's domain, in Cognito mode when the console is deployed (`consoleUrl`). */
  public readonly userPoolDomain?: UserPoolDomain;
  public readonly authorizer: HttpJwtAuthorizer;
  public readonly functions: Readonly<Record<string, AnjuFunction>>;
  public readonly accessLogs: LogGroup;
  /** sharp for the functions that make image previews; undefined when none does. */
  public readonly sharpLayer?: SharpLayer;

  constructor(scope: Construct, id: string, props: AnjuApiProps) {
    super(scope, id);

    if (props.identity.mode === 'cognito') {
      const cognito = this.cognito(props.identity.mfa, props.consoleUrl);
      this.userPool = cognito.userPool;
      this.userPoolClient = cognito.client;
      this.userPoolDomain = cognito.domain;
      // API Gateway checks `aud` of ID tokens: clients send the ID token, which carries
      // `cognito:groups` and the `custom:county` / `custom:township` claims the handlers read.
      // The issuer is spelled out (as HttpUserPoolAuthorizer does) so it resolves from Ref and pseudo
      // parameters alone, in AWS and in the local runtime.
      const issuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${cognito.userPool.userPoolId}`;
      this.authorizer = new HttpJwtAuthorizer('CognitoJwt', issuer, {
        jwtAudience: [cognito.client.userPoolClientId],
      });
    } else {
      // The outside issuer's tokens prove who signs in; roles and jurisdiction come from Anju's
      // own user table (the handlers' business), never from claims the issuer lets a user shape.
      this.authorizer = new HttpJwtAuthorizer('OidcJwt', props.identity.issuer, {
        jwtAudience: [props.identity.audience],
      });
    }

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: props.namePrefix,
      description: 'Anju: rural dangerous-housing renovation',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...(props.allowedOrigins ?? (props.consoleUrl === undefined ? ['*'] : [props.consoleUrl]))],
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.PUT,
          CorsHttpMethod.PATCH,
          CorsHttpMethod.OPTIONS,
        ],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
        maxAge: Duration.hours(1),
      },
    });
    const apiCfn = this.httpApi.node.defaultChild;
    if (CfnResource.isCfnResource(apiCfn)) apiCfn.overrideLogicalId(API_LOGICAL_ID);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      // Per route (HTTP APIs apply default route settings to each route): docs/deploy.md sizes it.
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs) },
    });

    const stageCfn = this.stage.node.defaultChild;
    if (stageCfn instanceof CfnStage) {
      stageCfn.routeSettings = Object.fromEntries(
        Object.entries(ROUTE_THROTTLES).map(([routeKey, limits]) => [
          routeKey,
          { throttlingRateLimit: limits.rateLimit, throttlingBurstLimit: limits.burstLimit },
        ]),
      );
    }

    const publicRoutes = new HttpNoneAuthorizer();
    const functions: Record<string, AnjuFunction> = {};
    const specs = API_FUNCTION_IDS.map((id) => ({ id, ...API_FUNCTIONS[id], routes: routesOf(id) }));
    const idle = specs.find((spec) => spec.routes.length === 0);
    if (idle) throw new Error(`${idle.id} serves no route of the contract (contract/routes.ts)`);
    if (specs.some((spec) => spec.images)) this.sharpLayer = new SharpLayer(this, 'SharpLayer');
    for (const spec of specs) {
      const images =
        spec.images && this.sharpLayer
          ? { sharpLayer: this.sharpLayer, memorySize: 1024, timeout: Duration.seconds(20) }
          : {};
      const timeout = spec.timeoutSeconds === undefined ? {} : { timeout: Duration.seconds(spec.timeoutSeconds) };
      const fn = new AnjuFunction(this, spec.id, {
        entry: spec.entry,
        description: spec.description,
        defaults: props.functionDefaults,
        ...images,
        ...timeout,
      })
        .bindTable(props.table, spec.table)
        .bindBucket(props.bucket, spec.bucket)
        .bindStateMachine(props.stateMachineArn, spec.workflow);
      if (spec.userPoolAccounts && this.userPool) {
        fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
        this.userPool.grant(fn, ...USER_POOL_ACCOUNT_ACTIONS);
      }
      functions[spec.id] = fn;
      const integration = new HttpLambdaIntegration(`${spec.id}Integration`, fn);
      for (const route of spec.routes) {
        const open = isPublic(route.spec);
        const authorizer: IHttpRouteAuthorizer = open ? publicRoutes : this.authorizer;
        const added = this.httpApi.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          authorizer,
        });
        if (!open) continue;
        for (const publicRoute of added) {
          Validations.of(publicRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${route.path} answers without a token by design (docs/api.md).`,
          });
        }
      }
    }
    this.functions = functions;
  }

  /** The user pool with its groups, the console's client and (with a console) the hosted UI. */
  private cognito(mfa: 'optional' | 'required', consoleUrl: string | undefined) {
    const userPool = new UserPool(this, 'UserPool', {
      // Staff accounts are created by administrators, never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      // Mutable for administrators (AdminUpdateUserAttributes); the console client cannot write them.
      customAttributes: {
        county: new StringAttribute({ minLen: 6, maxLen: 6, mutable: true }),
        township: new StringAttribute({ minLen: 9, maxLen: 9, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Staff handle ID numbers and bank accounts: an authenticator app (it works without a signal
      // in the village) is offered to everyone; `-c mfa=required` makes it compulsory.
      mfa: mfa === 'required' ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      email: UserPoolEmail.withCognito(),
      userInvitation: INVITATION_MESSAGE,
      userVerification: { ...VERIFICATION_MESSAGE, emailStyle: VerificationEmailStyle.CODE },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const userPoolCfn = userPool.node.defaultChild;
    if (CfnResource.isCfnResource(userPoolCfn)) userPoolCfn.overrideLogicalId(USER_POOL_LOGICAL_ID);
    for (const role of ROLES) {
      userPool.addGroup(`Group-${role}`, { groupName: role, description: `Anju role ${role}` });
    }
    // A public client (no secret): the console signs in through the hosted UI with the
    // authorization code grant and PKCE; scripts may still use SRP. A user may change their own
    // name only: roles are groups and jurisdiction is custom attributes, both set by administrators.
    const client = userPool.addClient('ConsoleClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(8),
      accessTokenValidity: Duration.hours(8),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ fullname: true, email: true, emailVerified: true })
        .withCustomAttributes(...USER_JURISDICTION_ATTRIBUTES),
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
      ...(consoleUrl === undefined
        ? {}
        : {
            supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls: [consoleUrl],
              logoutUrls: [consoleUrl],
            },
          }),
    });
    let domain: UserPoolDomain | undefined;
    if (consoleUrl !== undefined) {
      // Cognito prefixes are global per region: the first block of the stack's UUID keeps it unique.
      const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
      domain = userPool.addDomain('HostedUi', {
        cognitoDomain: { domainPrefix: `anju-${Fn.select(0, Fn.split('-', stackUuid))}` },
      });
    }
    const validations = Validations.of(userPool);
    validations.acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'Threat protection needs the Plus feature plan; TOTP MFA is offered to every staff account instead.',
    });
    if (mfa === 'optional') {
      validations.acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'TOTP MFA is offered, not forced, by default: village and township staff may have no smartphone of their own; a county requires it with -c mfa=required.',
      });
    }
    return { userPool, client, domain };
  }

  /** The URL clients call. */
  get url(): string {
    return this.stage.url;
  }
}
