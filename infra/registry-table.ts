import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { LEASE_ATTRIBUTE, LOCK_OWNER_ATTRIBUTE, LOCKS_BY_OWNER_INDEX, PARTITION_KEY, SORT_KEY } from '../functions/shared/registry/table';

/**
 * The registry (functions/shared/registry/table.ts): networks, memberships and locks in one table. On-demand,
 * point-in-time recovery, AWS-managed encryption, deletion protection and RETAIN: it holds the only record of
 * each function's original configuration, so it outlives the stack. Lock leases are its TTL attribute.
 */
export class RegistryTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: LEASE_ATTRIBUTE,
    });
    // Sparse (only lock items carry the owner), keys only: the stale-lock handler's one Query per execution.
    this.table.addGlobalSecondaryIndex({
      indexName: LOCKS_BY_OWNER_INDEX,
      partitionKey: { name: LOCK_OWNER_ATTRIBUTE, type: AttributeType.STRING },
      sortKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }
}
