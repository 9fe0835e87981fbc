import { randomBytes } from 'node:crypto';
import { displayProfile, openProfile, sealProfile, unwrapKey, wrapKey } from './personal-data';

const key = randomBytes(32);
const profile = { name: '林小姐', phone: '+8613800138000', region: { province: '浙江' }, gender: 'female' as const };

describe('personal data', () => {
  it('seals the personal fields and keeps the others in clear', () => {
    const sealed = sealProfile(profile, key, 'c1');
    expect(sealed).toEqual({ region: { province: '浙江' }, gender: 'female', sealed: { fields: ['name', 'phone'], data: expect.stringMatching(/^v1\./) } });
    expect(JSON.stringify(sealed)).not.toContain('林小姐');
  });
  it('opens with the key of the same customer', () => {
    expect(openProfile(sealProfile(profile, key, 'c1'), key, 'c1')).toEqual({ profile, erasedFields: [] });
  });
  it("does not open as another customer's data (the key is bound to the customer)", () => {
    expect(() => openProfile(sealProfile(profile, key, 'c1'), key, 'c2')).toThrow();
  });
  it('without the key (erased) the fields are left out and named', () => {
    const sealed = sealProfile(profile, key, 'c1');
    expect(openProfile(sealed, 'erased', 'c1')).toEqual({ profile: { region: { province: '浙江' }, gender: 'female' }, erasedFields: ['name', 'phone'] });
    expect(displayProfile(sealed, 'erased', 'c1')).toMatchObject({ name: '[erased]', phone: '[erased]' });
  });
  it('a profile without personal fields is stored as it is', () => {
    expect(sealProfile({ region: { city: '杭州' } }, key, 'c1')).toEqual({ region: { city: '杭州' } });
  });
  it('profiles stored in clear by earlier versions read as they are', () => {
    expect(openProfile(profile, undefined, 'c1')).toEqual({ profile, erasedFields: [] });
  });
  it('data keys are wrapped by the master key, bound to their customer', () => {
    const master = randomBytes(32);
    const wrapped = wrapKey(master, key, 'c1');
    expect(unwrapKey([master], wrapped, 'c1').equals(key)).toBe(true);
    expect(() => unwrapKey([master], wrapped, 'c2')).toThrow();
    expect(() => unwrapKey([randomBytes(32)], wrapped, 'c1')).toThrow();
  });
  it('during a rotation a data key opens with either master key, whichever wrapped it', () => {
    const [old, next] = [randomBytes(32), randomBytes(32)];
    expect(unwrapKey([next, old], wrapKey(old, key, 'c1'), 'c1').equals(key)).toBe(true);
    expect(unwrapKey([next, old], wrapKey(next, key, 'c1'), 'c1').equals(key)).toBe(true);
    expect(() => unwrapKey([next], wrapKey(old, key, 'c1'), 'c1')).toThrow();
  });
});
