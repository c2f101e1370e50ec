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

export const registerSchema = z
  .object({
    email,
    password: newPassword,
    displayName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    plan: planSchema.default('free'),
    region: regionSchema.default('eu'),
  })
  .superRefine((body, ctx) => {
    if (passwordContainsEmail(body.password, body.email)) ctx.addIssue({ code: 'custom', path: ['password'], message: 'must not contain your email address' });
  });

export const loginSchema = z.object({
  email,
  // No policy here: an old password that predates today's policy must still log in.
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

export const refreshTokenSchema = z.object({
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
