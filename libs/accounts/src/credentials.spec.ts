import { TokenSigner } from './credentials';

const OLD = Buffer.alloc(32, 1);
const NEW = Buffer.alloc(32, 2);
const claims = { accountId: 'a-1', passwordVersion: 1 };

describe('rotating the token secret', () => {
  it('given a token of the previous secret, when it is checked within the grace period, then it is taken', async () => {
    const { accessToken } = await new TokenSigner(OLD, 3600).sign(claims);
    const signer = new TokenSigner(NEW, 3600, { secret: OLD, untilMs: Date.now() + 60_000 });
    expect(await signer.verify(accessToken)).toMatchObject(claims);
  });

  it('given a token of the previous secret, when the grace period is over, then it is refused', async () => {
    const { accessToken } = await new TokenSigner(OLD, 3600).sign(claims);
    expect(await new TokenSigner(NEW, 3600, { secret: OLD, untilMs: Date.now() - 1 }).verify(accessToken)).toBeUndefined();
  });

  it('given no previous secret, when a token of another secret is checked, then it is refused', async () => {
    const { accessToken } = await new TokenSigner(OLD, 3600).sign(claims);
    expect(await new TokenSigner(NEW, 3600).verify(accessToken)).toBeUndefined();
  });

  it('given a grace period, when a token is signed, then it is signed with the new secret only', async () => {
    const { accessToken } = await new TokenSigner(NEW, 3600, { secret: OLD, untilMs: Date.now() + 60_000 }).sign(claims);
    expect(await new TokenSigner(NEW, 3600).verify(accessToken)).toMatchObject(claims);
    expect(await new TokenSigner(OLD, 3600).verify(accessToken)).toBeUndefined();
  });
});
