import { join } from 'node:path';
import { FUNCTIONS_DIR } from '../../infra/task-functions';
import { sdkActionsOf } from './sdk-calls';

const readMembership = join(FUNCTIONS_DIR, 'shared', 'registry', 'read-membership.ts');
const lockRelease = join(FUNCTIONS_DIR, 'shared', 'registry', 'lock-release.ts');

describe('the SDK-call scanner', () => {
  it('attributes to an importer of a shared access module only the calls of the helpers it imports', () => {
    // GIVEN read-membership.ts, which imports getItem from item-access.ts (that also holds conditional updates and deletes)
    // WHEN its calls are read with item-access.ts as a shared access module THEN only GetItem is attributed
    expect([...sdkActionsOf(readMembership)].sort()).toEqual(['dynamodb:GetItem']);
    // AND a helper's calls through the module's own functions are followed (updateIfConditionHolds -> writtenIfConditionHolds)
    expect([...sdkActionsOf(lockRelease)].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:UpdateItem']);
  });

  it('attributes every call of a module that is not a shared access module (the check can tell the two apart)', () => {
    expect([...sdkActionsOf(readMembership, new Set())].sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']);
  });
});
