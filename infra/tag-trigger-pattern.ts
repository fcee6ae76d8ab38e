import { TAG_NETWORK } from '../functions/shared/tags';

/**
 * The EventBridge pattern of the tag trigger, in the JSON form AWS stores (PutRule's EventPattern): a Lambda
 * function whose `lambda-egress:network` tag was just added or changed, and still carries it (a removed tag
 * also lists the key in changed-tag-keys, but not in tags). The stack and the moto test use this object.
 */
export const TAG_TRIGGER_PATTERN = networkTagChange(true);

/**
 * Where the trigger's input transformer reads the request from, in JSONPath dot notation (EventBridge accepts
 * no bracket notation): the function's ARN, and the network name the tag holds.
 */
export const TAG_TRIGGER_PATHS = {
  functionName: '$.resources[0]',
  networkName: `$.detail.tags.${TAG_NETWORK}`,
} as const;

/**
 * The release trigger's pattern: a Lambda function whose `lambda-egress:network` tag was just removed. AWS
 * lists a removed key in changed-tag-keys and leaves it out of tags, which hold the tags after the change
 * (https://docs.aws.amazon.com/tag-editor/latest/userguide/tag-monitor.html); so exactly one of this pattern and
 * TAG_TRIGGER_PATTERN matches any change of that key.
 */
export const TAG_REMOVED_PATTERN = networkTagChange(false);

/** A change of a Lambda function's `lambda-egress:network` tag after which the function carries it (or not). */
function networkTagChange<Carried extends boolean>(carried: Carried) {
  return {
    source: ['aws.tag'],
    'detail-type': ['Tag Change on Resource'],
    detail: {
      service: ['lambda'],
      'resource-type': ['function'],
      'changed-tag-keys': [TAG_NETWORK],
      tags: { [TAG_NETWORK]: [{ exists: carried }] },
    },
  } as const;
}
