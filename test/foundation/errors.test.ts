import { InvalidRequest, ProbeFailed, parseErrorMessage } from '../../functions/shared/errors';

describe('named errors', () => {
  it('carry their details through the message, the only text Lambda passes to Step Functions', () => {
    const error = new ProbeFailed('GET https://aws.amazon.com/ timed out after 3 s', { result: { ok: false, elapsedMs: 3001 } });
    expect(error.name).toBe('ProbeFailed');
    expect(error.summary).toBe('GET https://aws.amazon.com/ timed out after 3 s');
    expect(parseErrorMessage(error.message)).toEqual({ summary: error.summary, details: { result: { ok: false, elapsedMs: 3001 } } });
  });

  it('name the field of a bad request in the sentence and in the details', () => {
    const error = new InvalidRequest('network.cidr', 'must be a private IPv4 CIDR such as 10.0.0.0/16');
    expect(parseErrorMessage(error.message)).toEqual({
      summary: 'network.cidr: must be a private IPv4 CIDR such as 10.0.0.0/16',
      details: { field: 'network.cidr' },
    });
  });

  it('leave a message without details as it is', () => {
    expect(parseErrorMessage('plain failure')).toEqual({ summary: 'plain failure', details: {} });
  });
});
