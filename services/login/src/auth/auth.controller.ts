import { Body, Controller, Get, Header, HttpCode, Ip, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ZodResponse, ZodSerializerInterceptor } from 'nestjs-zod';
import { AuthGuard, CurrentUser, Principal } from '@boxoffice/auth';
import { User } from '../generated/prisma/client';
import { clientAddress } from '../http/client-address';
import { LoginDto, RefreshTokenDto, RegisterDto, RegisteredDto, TokenDto, UserDto } from './auth.dto';
import { AuthService } from './auth.service';

function userView(user: User) {
  return { id: user.id, email: user.email, displayName: user.displayName, plan: user.plan, region: user.region, createdAt: user.createdAt.toISOString() };
}

const PROBLEM = { description: 'RFC 9457 problem details' };

@ApiTags('auth')
@Controller('auth')
@UseInterceptors(ZodSerializerInterceptor)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create an account; answers with the account and a first token pair' })
  @ZodResponse({ status: 201, type: RegisteredDto })
  @ApiResponse({ status: 400, ...PROBLEM, description: 'invalid field(s), listed in `errors` (password policy included)' })
  @ApiResponse({ status: 409, ...PROBLEM, description: 'email already registered' })
  @ApiResponse({ status: 429, ...PROBLEM, description: 'rate limited per client address or per email; see Retry-After' })
  async register(@Body() body: RegisterDto, @Ip() ip: string | undefined) {
    const { user, tokens } = await this.auth.register(body, clientAddress(ip));
    return { user: userView(user), ...tokens };
  }

  @Post('login')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Exchange email and password for an access token and a refresh token' })
  @ZodResponse({ status: 200, type: TokenDto })
  @ApiResponse({ status: 401, ...PROBLEM, description: 'email or password is incorrect (the same answer for both)' })
  @ApiResponse({ status: 429, ...PROBLEM, description: 'too many attempts from this address or failures for this account; see Retry-After' })
  login(@Body() body: LoginDto, @Ip() ip: string | undefined) {
    return this.auth.login(body, clientAddress(ip));
  }

  @Post('refresh')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; a reused refresh token revokes its whole family' })
  @ZodResponse({ status: 200, type: TokenDto })
  @ApiResponse({ status: 401, ...PROBLEM, description: 'refresh token unknown, expired, revoked or already used' })
  refresh(@Body() body: RefreshTokenDto) {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the refresh token and every token rotated from the same login' })
  @ApiResponse({ status: 204, description: 'revoked (also when the token was unknown)' })
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @UseGuards(AuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The account of the access token' })
  @ZodResponse({ status: 200, type: UserDto })
  @ApiResponse({ status: 401, ...PROBLEM, description: 'missing, invalid or expired access token' })
  async me(@CurrentUser() principal: Principal) {
    return userView(await this.auth.currentUser(principal));
  }
}
