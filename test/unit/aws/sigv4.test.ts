import { describe, expect, it } from 'vitest';
import { parseAuthorization, verifySigV4 } from '../../harness/sigv4.ts';

// AWS's published SigV4 test suite, case "get-vanilla".
const vanilla = {
  method: 'GET',
  url: '/',
  headers: {
    host: 'example.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  body: Buffer.alloc(0),
};
const options = {
  service: 'service',
  region: 'us-east-1',
  now: new Date('2015-08-30T12:36:00Z'),
  secretFor: (id: string) => (id === 'AKIDEXAMPLE' ? 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' : undefined),
};

describe('harness SigV4 verification', () => {
  it('accepts the get-vanilla test vector', () => {
    expect(verifySigV4(vanilla, options)).toMatchObject({ valid: true, accessKeyId: 'AKIDEXAMPLE' });
  });

  it('parses the Authorization header', () => {
    expect(parseAuthorization(vanilla.headers.authorization)).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'service',
      signedHeaders: ['host', 'x-amz-date'],
    });
  });

  it('rejects a wrong secret, a changed header, a changed body and an unknown key', () => {
    expect(verifySigV4(vanilla, { ...options, secretFor: () => 'other' })).toMatchObject({
      valid: false,
      errorCode: 'InvalidSignature',
    });
    expect(
      verifySigV4({ ...vanilla, headers: { ...vanilla.headers, host: 'evil.example.com' } }, options).valid,
    ).toBe(false);
    expect(verifySigV4({ ...vanilla, body: Buffer.from('x') }, options).valid).toBe(false);
    expect(verifySigV4({ ...vanilla, url: '/?a=b' }, options).valid).toBe(false);
    expect(verifySigV4(vanilla, { ...options, secretFor: () => undefined })).toMatchObject({
      errorCode: 'UnrecognizedClient',
    });
  });

  it('rejects a stale signature, another region and a missing header', () => {
    expect(verifySigV4(vanilla, { ...options, now: new Date('2015-08-30T13:00:00Z') }).reason).toMatch(
      /expired/,
    );
    expect(verifySigV4(vanilla, { ...options, region: 'eu-west-1' }).valid).toBe(false);
    expect(verifySigV4({ ...vanilla, headers: { host: 'example.amazonaws.com' } }, options)).toMatchObject({
      errorCode: 'MissingAuthenticationToken',
    });
  });
});
