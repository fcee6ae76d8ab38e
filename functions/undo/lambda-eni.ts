/** How Lambda describes the Hyperplane ENIs it creates for a VPC function (and for our probe function). */
export const LAMBDA_ENI_DESCRIPTION_PREFIX = 'AWS Lambda VPC ENI';
