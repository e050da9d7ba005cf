import { Aws, CfnResource, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
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
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolEmail,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { API_FUNCTION_IDS, type ApiFunctionId, isPublic, routesOf } from '../../contract/routes';
import { ROLES } from '../../domain/model';
import { AnjuFunction, type DataAccess, type WorkflowAccess } from './anju-function';
import { SharpLayer } from './sharp-layer';

export const API_LOGICAL_ID = 'Api';
export const USER_POOL_LOGICAL_ID = 'UserPool';

export type ApiFunctionSpec = {
  /** Handler module under `functions/`. */
  readonly entry: string;
  readonly description: string;
  readonly table: DataAccess;
  readonly bucket: DataAccess;
  readonly workflow: readonly WorkflowAccess[];
  /** Makes image previews with sharp (from the sharp layer, on x86_64), with room for a 15 MB photo. */
  readonly images?: true;
};

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
    description: "GET /me: the caller's roles and jurisdiction",
    table: 'NONE',
    bucket: 'NONE',
    workflow: [],
  },
  ProgramsFn: {
    entry: 'api/programs',
    description: 'Program configuration: quota, townships, subsidy tiers, installments',
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
    description: 'Progress report from running counters and the masked household list (JSON or Excel)',
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
};

export interface AnjuApiProps {
  readonly table: ITable;
  readonly bucket: IBucket;
  readonly stateMachineArn: string;
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
  /** Steady-state requests per second of the default stage. @default 50 */
  readonly rateLimit?: number;
  /** Burst of the default stage. @default 100 */
  readonly burstLimit?: number;
}

/**
 * The staff API: an HTTP API whose routes need a Cognito JWT (all but /health and /openapi.json),
 * the user pool with one group per role and the county/township attributes that carry a user's
 * jurisdiction, and one function per row of API_FUNCTIONS, on the routes the contract gives it.
 */
export class AnjuApi extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly userPool: UserPool;
  public readonly userPoolClient: UserPoolClient;
  /** The Cognito hosted UI's domain, when the console is deployed (`consoleUrl`). */
  public readonly userPoolDomain?: UserPoolDomain;
  public readonly authorizer: HttpJwtAuthorizer;
  public readonly functions: Readonly<Record<string, AnjuFunction>>;
  public readonly accessLogs: LogGroup;
  /** sharp for the functions that make image previews; undefined when none does. */
  public readonly sharpLayer?: SharpLayer;

  constructor(scope: Construct, id: string, props: AnjuApiProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      // Staff accounts are created by administrators, never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
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
      // Staff handle ID numbers and bank accounts; an authenticator app works without a signal in the village.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      email: UserPoolEmail.withCognito(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const userPoolCfn = this.userPool.node.defaultChild;
    if (CfnResource.isCfnResource(userPoolCfn)) userPoolCfn.overrideLogicalId(USER_POOL_LOGICAL_ID);
    for (const role of ROLES) {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, description: `Anju role ${role}` });
    }
    // A public client (no secret): the console signs in through the hosted UI with the
    // authorization code grant and PKCE; scripts may still use SRP.
    this.userPoolClient = this.userPool.addClient('ConsoleClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(8),
      accessTokenValidity: Duration.hours(8),
      refreshTokenValidity: Duration.days(30),
      ...(props.consoleUrl === undefined
        ? {}
        : {
            supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls: [props.consoleUrl],
              logoutUrls: [props.consoleUrl],
            },
          }),
    });
    if (props.consoleUrl !== undefined) {
      // Cognito prefixes are global per region: the first block of the stack's UUID keeps it unique.
      const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
      this.userPoolDomain = this.userPool.addDomain('HostedUi', {
        cognitoDomain: { domainPrefix: `anju-${Fn.select(0, Fn.split('-', stackUuid))}` },
      });
    }
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason: 'Threat protection needs the Plus feature plan; MFA is required for every staff account instead.',
    });

    // API Gateway checks `aud` of ID tokens: clients send the ID token, which carries
    // `cognito:groups` and the `custom:county` / `custom:township` claims the handlers read.
    // The issuer is spelled out (as HttpUserPoolAuthorizer does) so it resolves from Ref and pseudo
    // parameters alone, in AWS and in the local runtime.
    const issuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', issuer, {
      jwtAudience: [this.userPoolClient.userPoolClientId],
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: 'anju',
      description: 'Anju: rural dangerous-housing renovation',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...(props.allowedOrigins ?? (props.consoleUrl === undefined ? ['*'] : [props.consoleUrl]))],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.OPTIONS],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
        maxAge: Duration.hours(1),
      },
    });
    const apiCfn = this.httpApi.node.defaultChild;
    if (CfnResource.isCfnResource(apiCfn)) apiCfn.overrideLogicalId(API_LOGICAL_ID);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs) },
    });

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
      const fn = new AnjuFunction(this, spec.id, { entry: spec.entry, description: spec.description, ...images })
        .bindTable(props.table, spec.table)
        .bindBucket(props.bucket, spec.bucket)
        .bindStateMachine(props.stateMachineArn, spec.workflow);
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

  /** The URL clients call. */
  get url(): string {
    return this.stage.url;
  }
}
