/**
 * The names the twin gives the template's resources, in one account of one region: a table is named by
 * its logical id, a bucket by its lowercased logical id, a function by its logical id (ARN
 * `arn:aws:lambda:us-east-1:000000000000:function:<id>`), a state machine's ARN is
 * `arn:aws:states:us-east-1:000000000000:stateMachine:<name>`, its name being its
 * `StateMachineName` (else its logical id).
 */

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const STACK_NAME = 'AnjuStack';

export const functionArn = (name: string): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
export const stateMachineArn = (name: string): string =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
export const bucketName = (logicalId: string): string => logicalId.toLowerCase().slice(0, 63).padEnd(3, '0');

/** The function name in a name, a partial ARN or a full ARN (with or without a qualifier). */
export function functionNameOf(nameOrArn: string): string {
  const marker = nameOrArn.indexOf('function:');
  const rest = marker >= 0 ? nameOrArn.slice(marker + 'function:'.length) : nameOrArn;
  return rest.split(':')[0] ?? rest;
}
