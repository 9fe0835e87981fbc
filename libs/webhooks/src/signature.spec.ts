import { readFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import { join } from 'node:path';
import { isSecret, newSecret, sign, verify } from './signature';

describe('webhook signatures (Standard Webhooks)', () => {
  // The example of the Standard Webhooks specification's reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const body = '{"test": 2432232314}';

  it('given the specification example, when signed, then the signature is the one the reference libraries give', () => {
    expect(sign(secret, id, 1614265330, body)['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('given a signed delivery, when verified within the tolerance, then it passes; tampered, late or with another secret it fails', () => {
    const headers = sign(secret, id, 1_000_000, body);
    expect(verify(secret, headers, body, 1_000_100)).toBe(true);
    expect(verify(secret, headers, body + ' ', 1_000_100)).toBe(false);
    expect(verify(secret, headers, body, 1_000_400)).toBe(false);
    expect(verify(newSecret(), headers, body, 1_000_100)).toBe(false);
    expect(verify(secret, { ...headers, 'webhook-signature': `v1,bm9wZQ== ${headers['webhook-signature']}` }, body, 1_000_100)).toBe(true);
    expect(verify(secret, { ...headers, 'webhook-timestamp': 'soon' }, body, 1_000_100)).toBe(false);
  });

  it('given secrets, then only whsec_ and base64 of 24 to 64 bytes are accepted', () => {
    expect(isSecret(newSecret())).toBe(true);
    expect(isSecret(secret)).toBe(true);
    expect(isSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe(false);
    expect(isSecret('whsec_short')).toBe(false);
    expect(isSecret('whsec_' + 'A'.repeat(200))).toBe(false);
  });

  it("given the README's verification snippet, when run on what this sender signs, then it accepts it and refuses a tampered body", () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const code = /in plain Node\.js:\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const verifyWebhook = new Function('require', `${code}\nreturn verifyWebhook;`)((name: string) => (name === 'node:crypto' ? crypto : undefined)) as (
      secret: string,
      headers: Record<string, string>,
      body: string,
    ) => boolean;
    const headers = sign(secret, id, Math.floor(Date.now() / 1000), body);
    expect(verifyWebhook(secret, { ...headers }, body)).toBe(true);
    expect(verifyWebhook(secret, { ...headers }, body + ' ')).toBe(false);
  });
});
