import type { ActionBody } from '../../../domain/actions';
import type { Bilingual } from '../../../domain/errors';
import type { Action, Actor, Household, ProgramConfig, RaisedFlag } from '../../../domain/model';
import type { HouseholdFile, RecordWrite } from '../../store';

/** Everything a rule needs to decide an action; it reads, it does not write. */
export interface ActionContext<A extends Action> {
  readonly actor: Actor;
  readonly file: HouseholdFile;
  readonly program: ProgramConfig;
  readonly body: ActionBody<A>;
  /** ISO timestamp of the request. */
  readonly now: string;
}

/** What an action changes. Without an `outcome` it is a side action: the step stays open. */
export interface ActionEffect {
  readonly outcome?: string;
  /** Fields of the household that change (phase and version are set by the caller). */
  readonly changes?: Partial<Household>;
  /** What the audit event records beyond actor, role and phases. */
  readonly details: Record<string, unknown>;
  /** Records written with the change, in the same transaction (a payment, an inspection, an objection). */
  readonly records?: readonly RecordWrite[];
  /** Why the household is rejected, when the outcome leads to `rejected`: a person's words, or the system's in both languages. */
  readonly rejectionReason?: string | Bilingual;
  /** Flags the step raises on the file (its dates against the others); the policy decides what they hold. */
  readonly flags?: readonly RaisedFlag[];
}

export type ActionRule<A extends Action> = (context: ActionContext<A>) => ActionEffect;
