/**
 * What the use cases work with, passed to each as its first argument: the store, the evidence bucket, the outbox
 * and the settings their rules read. Each handler builds them once at its cold start (functions/config/); a test
 * builds its own.
 */
import type { Evidence } from '../evidence';
import type { Outbox } from '../outbox';
import type { Store } from '../store';
import type { Callers } from './callers';

export interface Dependencies {
  readonly store: Store;
  readonly evidence: Evidence;
  readonly outbox: Outbox;
  /** The distance from the house beyond which a photo is flagged `gps-far`, in metres. */
  readonly photoMaxDistanceM: number;
  /** Who calls: the account linked to a token's subject (use-cases/callers.ts). */
  readonly callers: Callers;
  /** How staff sign in: the stack's Cognito user pool (its id where the function administers it), or an outside issuer. */
  readonly identity: { readonly mode: 'cognito' | 'oidc'; readonly userPoolId?: string };
}
