import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { planSchema, regionSchema } from '@boxoffice/contracts';
import { passwordContainsEmail, passwordProblems } from '../passwords/password-policy';

/** Stored and compared trimmed and in lower case: one address, one account. */
const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('must be an email address').max(254, 'must be at most 254 characters'));

const newPassword = z.string().superRefine((password, ctx) => {
  for (const message of passwordProblems(password)) ctx.addIssue({ code: 'custom', message });
});

/**
 * A name shown in greetings and notification subjects: no control characters (a line break would
 * end an e-mail header) and no angle brackets (markup in an HTML message).
 */
const displayName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name), 'must not contain line breaks or other control characters')
  .refine((name) => !/[<>]/.test(name), 'must not contain < or >');

// Strict objects: an unknown field is an error naming it, as in checkout. The plan is not among the
// fields: every account starts on the free plan, whatever the client sends.
export const registerSchema = z
  .strictObject({
    email,
    password: newPassword,
    displayName,
    region: regionSchema.default('eu'),
  })
  .superRefine((body, ctx) => {
    if (passwordContainsEmail(body.password, body.email)) ctx.addIssue({ code: 'custom', path: ['password'], message: 'must not contain your email address' });
  });

export const loginSchema = z.strictObject({
  email,
  // No policy here: an old password that predates today's policy must still log in.
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

export const refreshTokenSchema = z.strictObject({
  refreshToken: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
});

export const userSchema = z.object({
  id: z.uuid(),
  email: z.email(),
  displayName: z.string(),
  plan: planSchema,
  region: z.string(),
  createdAt: z.iso.datetime(),
});

export const tokenSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string().describe('JWT for Authorization: Bearer, verified offline by every service'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
  refreshToken: z.string().describe('opaque, single use: exchange it at /auth/refresh for a new pair'),
  refreshTokenExpiresIn: z.number().int().describe('seconds until the refresh token expires'),
});

export const registeredSchema = tokenSchema.extend({ user: userSchema });

export class RegisterDto extends createZodDto(registerSchema) {}
export class LoginDto extends createZodDto(loginSchema) {}
export class RefreshTokenDto extends createZodDto(refreshTokenSchema) {}
export class UserDto extends createZodDto(userSchema) {}
export class TokenDto extends createZodDto(tokenSchema) {}
export class RegisteredDto extends createZodDto(registeredSchema) {}
