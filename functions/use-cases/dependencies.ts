/**
 * What the use cases work with, passed to each as its first argument: the store, the evidence bucket, the outbox
 * and the settings their rules read. Each handler builds them once at its cold start (functions/config/); a test
 * builds its own.
 */
import type { Evidence } from '../evidence';
import type { Outbox } from '../outbox';
import type { Store } from '../store';

export interface Dependencies {
  readonly store: Store;
  readonly evidence: Evidence;
  readonly outbox: Outbox;
  /** The distance from the house beyond which a photo is flagged `gps-far`, in metres. */
  readonly photoMaxDistanceM: number;
}
