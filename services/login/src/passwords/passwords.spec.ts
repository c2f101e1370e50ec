import { hash } from '@node-rs/argon2';
import { ARGON2ID_OPTIONS, PasswordHasher } from './password-hasher';
import { passwordContainsEmail, passwordProblems } from './password-policy';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('stores Argon2id with at least OWASP’s parameters and verifies the password', async () => {
    const stored = await hasher.hash('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(hasher.verify(stored, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(stored, 'correct horse battery!')).resolves.toBe(false);
  });

  it('treats the same password typed in two Unicode forms as the same password', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait, no sugar');
    await expect(hasher.verify(stored, 'cafe\u0301 au lait, no sugar')).resolves.toBe(true);
  });

  it('answers false, not an exception, for a corrupt stored hash', async () => {
    await expect(hasher.verify('not-a-hash', 'whatever it is')).resolves.toBe(false);
  });

  it('does the same Argon2id work for an account that does not exist', async () => {
    await expect(hasher.verifyWithoutAccount('correct horse battery')).resolves.toBe(false);
    await expect(hasher.prepare()).resolves.toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('asks for a rehash of hashes made with weaker parameters', async () => {
    expect(hasher.needsRehash(await hasher.hash('correct horse battery'))).toBe(false);
    expect(hasher.needsRehash(await hash('correct horse battery', { ...ARGON2ID_OPTIONS, memoryCost: 4096 }))).toBe(true);
    expect(hasher.needsRehash('garbage')).toBe(true);
  });
});

describe('password policy', () => {
  it.each([
    ['short1', /at least 12 characters/],
    ['x'.repeat(129), /at most 128 characters/],
    ['aaaaaaaaaaaaaaa', /single repeated character/],
    ['Password1234', /too common/],
  ])('refuses %s', (password, message) => {
    expect(passwordProblems(password)).toEqual([expect.stringMatching(message)]);
  });

  it('accepts a long passphrase without forcing symbols or digits', () => {
    expect(passwordProblems('correct horse battery staple')).toEqual([]);
    expect(passwordProblems('ünïcødé pässwörd')).toEqual([]);
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    expect(passwordProblems('ångström ünï')).toEqual([]);
    expect(passwordProblems('🎟🎫🎟🎫🎟🎫🎟🎫🎟🎫🎟')).toEqual([expect.stringMatching(/at least 12/)]);
  });

  it('spots the account’s own email in the password', () => {
    expect(passwordContainsEmail('my-jane.doe-password', 'jane.doe@example.com')).toBe(true);
    expect(passwordContainsEmail('JANE.DOE@EXAMPLE.COM!!', 'jane.doe@example.com')).toBe(true);
    expect(passwordContainsEmail('correct horse battery', 'jane.doe@example.com')).toBe(false);
  });
});
