import { CfnResource, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The four global secondary indexes of docs/design.md, each keyed by `GSI<n>PK` / `GSI<n>SK`, projecting all. */
export const GSI_NAMES = ['GSI1', 'GSI2', 'GSI3', 'GSI4'] as const;
/** Items expire (idempotency records) through this attribute, epoch seconds. */
export const TTL_ATTRIBUTE = 'expiresAt';
/** The table's logical id; the local runtime names the local table after it. */
export const TABLE_LOGICAL_ID = 'Table';

export interface DataTablesProps {
  /**
   * What happens to the table when the stack is deleted or the table replaced.
   * @default RETAIN: records of subsidies paid are kept whatever happens to the stack
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single DynamoDB table holding every record (docs/design.md, "Data"; docs/data-access.md):
 * on-demand, point-in-time recovery, deletion protection, TTL on `expiresAt`.
 */
export class DataTables extends Construct {
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: DataTablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // Table (AWS::DynamoDB::Table), not TableV2 (a global table): the local runtime brings up plain tables.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'PK', type: AttributeType.STRING },
      sortKey: { name: 'SK', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
    });
    for (const indexName of GSI_NAMES) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: `${indexName}PK`, type: AttributeType.STRING },
        sortKey: { name: `${indexName}SK`, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    const cfn = this.table.node.defaultChild;
    if (CfnResource.isCfnResource(cfn)) cfn.overrideLogicalId(TABLE_LOGICAL_ID);
  }
}
