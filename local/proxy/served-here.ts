import { shapeError } from './aws-protocol';
import { answerBlockPublicAccess } from './block-public-access';
import { RegionalNatGateways } from './regional-nat-gateways';
import { queryOf, textAnswer, type ProxyBehaviour } from './pipeline';

const EC2_XML = 'text/xml;charset=UTF-8';

/** Regional NAT gateways, which moto does not know, answered in AWS's shape (regional-nat-gateways.ts). */
export function regionalNatGateways(): ProxyBehaviour {
  const gateways = new RegionalNatGateways();
  return {
    async handle(call, next) {
      const regional = call.identity.service === 'ec2' && call.state ? gateways.answer(call.state.account, call.identity.action, queryOf(call)) : undefined;
      if (regional?.body !== undefined) return textAnswer(200, EC2_XML, regional.body);
      const answer = await next(call);
      return regional?.merge ? { ...answer, body: Buffer.from(regional.merge(answer.body.toString('utf8')), 'utf8') } : answer;
    },
  };
}

/** VPC Block Public Access, which moto does not serve at all, answered in AWS's shape (block-public-access.ts). */
export function blockPublicAccess(): ProxyBehaviour {
  return {
    async handle(call, next) {
      if (call.identity.service !== 'ec2' || !call.state) return next(call);
      const signedRegion = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(call.headers.authorization ?? ''))?.[1];
      const bpa = answerBlockPublicAccess(call.state.account, call.identity.action, queryOf(call), signedRegion);
      if (!bpa) return next(call);
      if ('body' in bpa) return textAnswer(200, EC2_XML, bpa.body);
      const shaped = shapeError('ec2', bpa.error.code, bpa.error.status, bpa.error.message);
      return { status: shaped.status, headers: shaped.headers, body: Buffer.from(shaped.body, 'utf8') };
    },
  };
}
