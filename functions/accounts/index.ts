/**
 * The sign-in side of a staff account, where Anju owns it. Cognito mode: the stack's user pool holds the person's
 * password, so creating, disabling, enabling and resetting an account also goes to Cognito (AdminCreateUser sends
 * the Chinese invitation with a temporary password). OpenID Connect mode: the county's own issuer holds the
 * person's password and Anju administers nothing there: an account is linked to the issuer's subject instead.
 */
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ValidationError } from '../../domain/errors';

export interface SignInAccounts {
  readonly mode: 'cognito' | 'oidc';
  /** Creates the person's sign-in and answers its subject (Cognito); nothing to do at an outside issuer. */
  create(person: { username: string; displayName: string; email?: string }): Promise<{ subject?: string }>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  resetPassword(username: string): Promise<void>;
  updateProfile(username: string, profile: { displayName?: string; email?: string }): Promise<void>;
}

/** At an outside issuer the county's IT office creates, disables and resets sign-ins; Anju keeps only its table. */
export const outsideIssuerAccounts: SignInAccounts = {
  mode: 'oidc',
  create: async () => ({}),
  setEnabled: async () => {},
  resetPassword: async () => {
    throw ValidationError.field('resetPassword', {
      zh: '密码由统一身份认证平台管理，请在该平台重置',
      en: 'Passwords are kept by your identity service: reset it there',
    });
  },
  updateProfile: async () => {},
};

const subjectOf = (attributes: readonly AttributeType[] | undefined) =>
  attributes?.find((attribute) => attribute.Name === 'sub')?.Value;

const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

export function cognitoAccounts(userPoolId: string, client = new CognitoIdentityProviderClient({})): SignInAccounts {
  const pool = { UserPoolId: userPoolId };
  return {
    mode: 'cognito',
    async create({ username, displayName, email }) {
      if (email === undefined) {
        throw ValidationError.field('email', {
          zh: '请填写电子邮箱：临时密码将发送到该邮箱',
          en: 'An e-mail address is needed: the temporary password is sent there',
        });
      }
      try {
        const created = await client.send(
          new AdminCreateUserCommand({
            ...pool,
            Username: username,
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              { Name: 'name', Value: displayName },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
        return { subject: subjectOf(created.User?.Attributes) };
      } catch (error) {
        // A retry after a lost answer, or an account whose table write failed: the pool has the person already.
        if (!isNamed(error, 'UsernameExistsException')) throw error;
        const existing = await client.send(new AdminGetUserCommand({ ...pool, Username: username }));
        return { subject: subjectOf(existing.UserAttributes) };
      }
    },
    async setEnabled(username, enabled) {
      await client.send(
        enabled
          ? new AdminEnableUserCommand({ ...pool, Username: username })
          : new AdminDisableUserCommand({ ...pool, Username: username }),
      );
    },
    async resetPassword(username) {
      await client.send(new AdminResetUserPasswordCommand({ ...pool, Username: username }));
    },
    async updateProfile(username, { displayName, email }) {
      const attributes: AttributeType[] = [
        ...(displayName === undefined ? [] : [{ Name: 'name', Value: displayName }]),
        ...(email === undefined
          ? []
          : [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ]),
      ];
      if (attributes.length === 0) return;
      await client.send(
        new AdminUpdateUserAttributesCommand({ ...pool, Username: username, UserAttributes: attributes }),
      );
    },
  };
}

/** The sign-in side for the function's configuration (`IDENTITY_MODE`, `USER_POOL_ID`). */
export function signInAccountsFor(identity: { mode: 'cognito' | 'oidc'; userPoolId?: string }): SignInAccounts {
  if (identity.mode === 'oidc') return outsideIssuerAccounts;
  if (identity.userPoolId === undefined) {
    // A template without the variable: every account action fails loudly, the rest of the function still answers.
    const missing = async (): Promise<never> => {
      throw new Error('IDENTITY_MODE is cognito but USER_POOL_ID is not set on the staff-accounts function');
    };
    return { mode: 'cognito', create: missing, setEnabled: missing, resetPassword: missing, updateProfile: missing };
  }
  return cognitoAccounts(identity.userPoolId);
}
