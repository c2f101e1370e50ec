export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Passwords people pick when told "at least 12 characters". A short list on purpose: the length
 * rule does most of the work; this catches the obvious ones with a message that says why.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  'password1234',
  'password12345',
  'password123!',
  'passwordpassword',
  'qwertyuiop12',
  'qwertyuiopasdf',
  'qwerty123456',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'administrator',
  'abcdefghijkl',
  'abc123456789',
  'changeme1234',
  'boxoffice123',
  'boxoffice1234',
  'tickets12345',
]);

/**
 * Why a password is refused, as messages a person can act on; empty when it is acceptable.
 * NIST SP 800-63B: length over composition rules, no forced symbols, refuse known-bad values.
 */
export function passwordProblems(password: string): string[] {
  const characters = [...password.normalize('NFKC')];
  if (characters.length < PASSWORD_MIN_LENGTH) return [`must be at least ${PASSWORD_MIN_LENGTH} characters (a few unrelated words work well)`];
  if (characters.length > PASSWORD_MAX_LENGTH) return [`must be at most ${PASSWORD_MAX_LENGTH} characters`];
  if (new Set(characters).size === 1) return ['must not be a single repeated character'];
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return ['is too common; choose something that is not on lists of popular passwords'];
  return [];
}

/** A password containing the account's own email (or its name part) is the first thing guessed. */
export function passwordContainsEmail(password: string, email: string): boolean {
  const lower = password.toLowerCase();
  const localPart = email.split('@')[0] ?? '';
  return lower.includes(email.toLowerCase()) || (localPart.length >= 4 && lower.includes(localPart.toLowerCase()));
}
