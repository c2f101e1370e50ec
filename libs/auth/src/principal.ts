import { z } from 'zod';

/** Who is calling, as login's access token says. Claims: sub, email, name, plan, region. */
export const principalClaims = z.object({
  sub: z.uuid(),
  email: z.email(),
  name: z.string().min(1),
  plan: z.enum(['free', 'premium']),
  region: z.string().min(1),
});

export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  plan: 'free' | 'premium';
  region: string;
}

export function principalFromClaims(claims: z.infer<typeof principalClaims>): Principal {
  return { userId: claims.sub, email: claims.email, displayName: claims.name, plan: claims.plan, region: claims.region };
}

/** The private claims login puts in an access token (`sub` is set separately, as the subject). */
export function accessTokenClaims(principal: Principal): Omit<z.infer<typeof principalClaims>, 'sub'> {
  return { email: principal.email, name: principal.displayName, plan: principal.plan, region: principal.region };
}

export const authEnv = z.object({
  JWKS_URL: z.url({ protocol: /^https?$/ }),
  JWT_ISSUER: z.string().min(1).default('https://login.boxoffice'),
  JWT_AUDIENCE: z.string().min(1).default('boxoffice'),
});
export type AuthEnv = z.infer<typeof authEnv>;

/** Algorithms login signs with; anything else (including `none`) is refused. */
export const ACCEPTED_ALGORITHMS = ['EdDSA', 'RS256'];

/** JWT `typ` header of access tokens (RFC 9068): keeps any other JWT from passing as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
