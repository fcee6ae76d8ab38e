import { DescribeAvailabilityZonesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { createClients } from '../../functions/shared/clients';

describe('the client factory (functions/shared/clients.ts)', () => {
  it('builds exactly the clients a module names, in the region of the environment', async () => {
    // GIVEN a module that names only EC2
    // WHEN it builds its clients
    const clients = createClients({ ec2: EC2Client });
    // THEN it gets one EC2 client, in AWS_REGION
    expect(Object.keys(clients)).toEqual(['ec2']);
    expect(clients.ec2).toBeInstanceOf(EC2Client);
    expect(await clients.ec2.config.region()).toBe(process.env.AWS_REGION);
  });

  it('builds the clients in the region it is given', async () => {
    const clients = createClients({ ec2: EC2Client, lambda: LambdaClient }, { region: 'eu-west-1' });
    expect(await clients.ec2.config.region()).toBe('eu-west-1');
    expect(await clients.lambda.config.region()).toBe('eu-west-1');
  });

  it('reaches the endpoint of AWS_ENDPOINT_URL (the emulator) without any endpoint of its own', async () => {
    // GIVEN the test environment, whose AWS_ENDPOINT_URL points at the emulator
    const { ec2, lambda } = createClients({ ec2: EC2Client, lambda: LambdaClient });
    // WHEN both clients call their service THEN the emulator answers (no real AWS credentials exist here)
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.[0]?.RegionName).toBe(process.env.AWS_REGION);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions).toEqual([]);
  });
});
