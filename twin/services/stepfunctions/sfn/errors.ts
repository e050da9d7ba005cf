/** Error codes of the Step Functions API that the local service answers with (the SDK maps each to its exception). */
export type SfnErrorCode =
  | 'TaskDoesNotExist'
  | 'InvalidToken'
  | 'TaskTimedOut'
  | 'InvalidOutput'
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'StateMachineDoesNotExist'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidArn'
  | 'ValidationException'
  | 'UnknownOperationException';

/** A client error of the Step Functions API: answered with HTTP 400 and its code in `__type`. */
export class SfnApiError extends Error {
  override readonly name = 'SfnApiError';

  constructor(
    readonly code: SfnErrorCode,
    message: string,
  ) {
    super(message);
  }
}
