import { AppConfig, gatewayConfig } from '@warden/config';
import { Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';

/**
 * The session cookie (`session`, or `__Host-session` when Secure: host-only, Path=/, no Domain) and the
 * short-lived login cookie that binds an OAuth state to the browser that started the login.
 */
@Injectable()
export class SessionCookies {
  readonly secure: boolean;
  readonly sessionName: string;
  readonly loginName: string;

  constructor(config: AppConfig<typeof gatewayConfig.shape>) {
    const setting = config.get('SESSION_COOKIE_SECURE');
    this.secure = setting === 'on' || (setting === 'auto' && config.get('NODE_ENV') !== 'development');
    this.sessionName = this.secure ? '__Host-session' : 'session';
    this.loginName = this.secure ? '__Host-warden_login' : 'warden_login';
  }

  sessionOptions(expiresAt: Date): CookieSerializeOptions {
    return { ...this.base(), maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)) };
  }

  loginOptions(expiresAt: Date): CookieSerializeOptions {
    return { ...this.base(), maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)) };
  }

  clearOptions(): CookieSerializeOptions {
    return { ...this.base(), maxAge: 0 };
  }

  private base(): CookieSerializeOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/' };
  }
}
