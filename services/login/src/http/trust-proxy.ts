import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LOGIN_CONFIG, LoginConfig } from '../config';

/**
 * Applies TRUST_PROXY to Express, so `req.ip` (the rate limits' client address) is the caller
 * behind the ingress and sidecar rather than the proxy's own address.
 */
@Injectable()
export class TrustProxySetting implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGIN_CONFIG) private readonly config: LoginConfig,
  ) {}

  onModuleInit(): void {
    this.adapterHost.httpAdapter?.getInstance().set('trust proxy', this.config.TRUST_PROXY);
  }
}
