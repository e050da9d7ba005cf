import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** Weekly backups cover the months point-in-time recovery (35 days) does not. */
export const WEEKLY_BACKUP_DAYS = 91;

export interface TableBackupProps {
  readonly table: ITable;
  /** `anju-<stage>`: the vault and plan are named after it. */
  readonly namePrefix: string;
  /** How long each monthly backup is kept: program records are archived for years. */
  readonly retentionYears: number;
}

/**
 * AWS Backup for the table, beyond its 35 days of point-in-time recovery: a weekly backup kept 13
 * weeks and a monthly one kept for the stage's retention in years, in a vault of the stage that
 * outlives the stack. Times are 02:00 Beijing time (18:00 UTC), outside office hours.
 */
export class TableBackup extends Construct {
  public readonly vault: BackupVault;
  public readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: `${props.namePrefix}-backups`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new BackupPlan(this, 'Plan', { backupPlanName: `${props.namePrefix}-table`, backupVault: this.vault });
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Weekly',
        scheduleExpression: Schedule.cron({ weekDay: 'SAT', hour: '18', minute: '0' }),
        deleteAfter: Duration.days(WEEKLY_BACKUP_DAYS),
      }),
    );
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Monthly',
        scheduleExpression: Schedule.cron({ day: '1', hour: '18', minute: '0' }),
        deleteAfter: Duration.days(Math.ceil(props.retentionYears * 365.25)),
      }),
    );
    const selection = this.plan.addSelection('Table', { resources: [BackupResource.fromDynamoDbTable(props.table)] });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup takes the backups with its own AWS managed service policy, which AWS keeps current.',
    });
  }
}
