import { isCredentialName, redactUrl } from '../../src/logging/redact-url.js';

describe('redactUrl', () => {
  it('keeps a URL without a query as it is', () => {
    expect(redactUrl('/api/v1/tasks/abc')).toBe('/api/v1/tasks/abc');
  });

  it('redacts credential values and keeps the other parameters as sent', () => {
    expect(redactUrl('/api/v1/tasks?status=queued&access_token=s3cr3t&limit=5')).toBe(
      '/api/v1/tasks?status=queued&access_token=[redacted]&limit=5',
    );
  });

  it('redacts a name however it is spelt or escaped, and a credential with no value', () => {
    expect(redactUrl('/x?API_KEY=a&acc%65ss_token=b&Token&X-Amz-Signature=c&p+w=1')).toBe(
      '/x?API_KEY=[redacted]&acc%65ss_token=[redacted]&Token=[redacted]&X-Amz-Signature=[redacted]&p+w=1',
    );
  });
});

describe('isCredentialName', () => {
  it.each([
    'access_token',
    'token',
    'key',
    'api_key',
    'apiKey',
    'api-key',
    'password',
    'passwd',
    'secret',
    'client_secret',
    'signature',
    'sig',
    'auth',
    'authorization',
    'session_id',
    'jwt',
    'code',
    'refresh_token',
    'X-Amz-Credential',
    'private_key',
    'keys[0]',
  ])('takes %s for a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each(['status', 'type', 'limit', 'cursor', 'after', 'monkey', 'design', 'createdAfter'])(
    'leaves %s alone',
    (name) => {
      expect(isCredentialName(name)).toBe(false);
    },
  );
});
