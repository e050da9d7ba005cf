/**
 * `npm run users -- <command>`: staff accounts from the command line.
 *
 * Through the API, as an administrator (the same rules as the console: inside your jurisdiction, never your own
 * authority): `list`, `create`, `change`, `disable`, `enable`, `reset-password`, `unlink`, `history`. The token is
 * `--token` (or ANJU_TOKEN: an ID token of the administrator, e.g. copied from the console's session); locally
 * `--user NAME` signs in with the twin's dev login.
 *
 * Straight into a stage's table with your AWS credentials, for the first administrator of a fresh deployment only:
 * `bootstrap` (docs/deploy.md, "The first administrator").
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Command } from 'commander';
import { ROLE_TITLES } from '../../domain/labels';
import { ROLES, type Role } from '../../domain/model';
import { checkedJurisdiction } from '../../domain/users';
import { cognitoAccounts, outsideIssuerAccounts } from '../../functions/accounts';
import { createStore } from '../../functions/store';
import { api, login } from '../api-client/client';
import { bootstrapAdministrator } from './bootstrap';

type Connection = { url: string; token?: string; user?: string };

const program = new Command()
  .name('users')
  .description('安居工作人员账号 / Anju staff accounts')
  .option('--url <url>', 'the API base URL', process.env.ANJU_API_URL ?? 'http://127.0.0.1:3000')
  .option('--token <token>', "an administrator's ID token (or ANJU_TOKEN)")
  .option('--user <username>', 'local twin only: sign in as this account with the dev login');

function roles(text: string): Role[] {
  const list = text.split(',').map((role) => role.trim());
  const unknown = list.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) {
    throw new Error(
      `unknown role ${unknown.join(', ')}; roles are ${ROLES.map((r) => `${r} (${ROLE_TITLES[r].zh})`).join(', ')}`,
    );
  }
  return list as Role[];
}

async function client() {
  const { url, token, user } = program.opts<Connection>();
  const bearer = token ?? process.env.ANJU_TOKEN ?? (user ? await login(url, user) : undefined);
  if (!bearer) throw new Error('give --token (or ANJU_TOKEN), or locally --user <admin>');
  return api(url, bearer);
}

/** Prints the answer, or its bilingual message and exits 1. */
function report(answer: { status: number; body: unknown }): void {
  if (answer.status >= 200 && answer.status < 300) {
    process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
    return;
  }
  const body = answer.body as { message?: { zh?: string; en?: string }; fields?: { path: string }[] };
  const fields = body.fields?.map((field) => field.path).join(', ');
  process.stderr.write(
    `${answer.status}: ${body.message?.zh ?? ''} / ${body.message?.en ?? JSON.stringify(answer.body)}${fields ? ` (${fields})` : ''}\n`,
  );
  process.exitCode = 1;
}

const patch = async (username: string, body: Record<string, unknown>) =>
  report(await (await client()).patch(`/users/${encodeURIComponent(username)}`, body));

program
  .command('list')
  .description('accounts of a township, a county or a province (default: your own jurisdiction)')
  .option('--county <code>')
  .option('--township <code>')
  .option('--province <code>')
  .action(async (options: { county?: string; township?: string; province?: string }) => {
    const query = new URLSearchParams(Object.entries(options).filter((entry): entry is [string, string] => !!entry[1]));
    report(await (await client()).get(`/users${query.size > 0 ? `?${query}` : ''}`));
  });

program
  .command('create')
  .description('create an account (Cognito mode: --email is required and receives the invitation)')
  .requiredOption('--username <name>')
  .requiredOption('--name <display name>')
  .requiredOption('--roles <list>', `comma-separated: ${ROLES.join(', ')}`)
  .option('--county <code>')
  .option('--township <code>')
  .option('--province <code>', 'for a province-level administrator (no county)')
  .option('--email <address>')
  .option('--subject <sub>', "OpenID Connect mode: the issuer's subject, to link at once")
  .action(
    async (options: {
      username: string;
      name: string;
      roles: string;
      county?: string;
      township?: string;
      province?: string;
      email?: string;
      subject?: string;
    }) => {
      const { name, roles: roleList, ...rest } = options;
      const body = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
      report(await (await client()).post('/users', { ...body, displayName: name, roles: roles(roleList) }));
    },
  );

program
  .command('change <username>')
  .description("change an account's name, roles, place or e-mail (never your own roles or place)")
  .option('--name <display name>')
  .option('--roles <list>')
  .option('--county <code>', 'with --township for a township account; alone for a county-level account')
  .option('--township <code>')
  .option('--email <address>')
  .action(
    async (
      username: string,
      options: { name?: string; roles?: string; county?: string; township?: string; email?: string },
    ) => {
      await patch(username, {
        ...(options.name ? { displayName: options.name } : {}),
        ...(options.roles ? { roles: roles(options.roles) } : {}),
        ...(options.county || options.township
          ? {
              jurisdiction: {
                ...(options.county ? { county: options.county } : {}),
                ...(options.township ? { township: options.township } : {}),
              },
            }
          : {}),
        ...(options.email ? { email: options.email } : {}),
      });
    },
  );

program
  .command('disable <username>')
  .description('refuse every request of the account (within 10 seconds)')
  .action((username: string) => patch(username, { enabled: false }));
program.command('enable <username>').action((username: string) => patch(username, { enabled: true }));
program
  .command('reset-password <username>')
  .description('Cognito mode: mail the person a code to set a new password')
  .action((username: string) => patch(username, { resetPassword: true }));
program
  .command('unlink <username>')
  .description("OpenID Connect mode: forget the issuer's subject; the next sign-in links again by user name")
  .action((username: string) => patch(username, { unlink: true }));
program
  .command('history <username>')
  .description("the account's changes, with its hash chain verified")
  .action(async (username: string) =>
    report(await (await client()).get(`/users/${encodeURIComponent(username)}/history`)),
  );

program
  .command('bootstrap')
  .description(
    "the first administrator of a fresh deployment, written into the stage's table with your AWS credentials",
  )
  .requiredOption('--table <name>', 'the stack output TableName')
  .requiredOption('--region <region>', 'e.g. cn-northwest-1')
  .requiredOption('--username <name>')
  .requiredOption('--name <display name>')
  .option('--county <code>', 'a county administrator (6 digits)')
  .option('--province <code>', 'a province-level administrator (2 digits), without --county')
  .option('--user-pool <id>', 'Cognito mode: the stack output UserPoolId (the invitation goes to --email)')
  .option('--email <address>')
  .option(
    '--subject <sub>',
    "OpenID Connect mode: the issuer's subject; without it the first sign-in links by user name",
  )
  .action(
    async (options: {
      table: string;
      region: string;
      username: string;
      name: string;
      county?: string;
      province?: string;
      userPool?: string;
      email?: string;
      subject?: string;
    }) => {
      const province = options.province ?? options.county?.slice(0, 2);
      const place = checkedJurisdiction({
        province,
        ...(options.county ? { county: options.county } : {}),
      });
      const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: options.region }), {
        marshallOptions: { removeUndefinedValues: true },
      });
      const { users } = createStore(documents, options.table);
      const accounts = options.userPool ? cognitoAccounts(options.userPool) : outsideIssuerAccounts;
      const admin = await bootstrapAdministrator(
        users,
        accounts,
        {
          username: options.username,
          displayName: options.name,
          place,
          ...(options.email ? { email: options.email } : {}),
          ...(options.subject ? { subject: options.subject } : {}),
        },
        new Date().toISOString(),
      );
      process.stdout.write(
        `${admin.displayName} (${admin.username}) administers ${admin.county ?? `province ${admin.province}`}` +
          `${admin.subject ? '' : '; linked at their first sign-in'}.\n`,
      );
    },
  );

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
