// The accounts capability: sign-in, the credential check every transport
// uses, accounts and API keys, and the token signer with its secret.
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { AccountCommandHandler } from './account-commands';
import { AccountsController, ApiKeysController, AuthController } from './accounts.controller';
import { AccountsService, FIRST_ADMIN_ON_START, TOKEN_SIGNER } from './accounts.service';
import { TokenSigner } from './credentials';
import { AccountsResolver } from './graphql/accounts.resolver';

@Module({})
export class AccountsModule {
  /** `firstAdminOnStart`: the API process makes the first admin on a fresh installation (development). */
  static forRoot(platform: DynamicModule, options: { firstAdminOnStart: boolean }): DynamicModule {
    return {
      module: AccountsModule,
      imports: [platform, CqrsModule],
      controllers: [AuthController, AccountsController, ApiKeysController],
      providers: [
        AccountCommandHandler,
        AccountsService,
        AccountsResolver,
        { provide: FIRST_ADMIN_ON_START, useValue: options.firstAdminOnStart },
        {
          provide: TOKEN_SIGNER,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            if (config.authJwtSecret === undefined) throw new Error('no token secret: AUTH_JWT_SECRET is not set and no local one was made (withLocalSecrets)');
            const previous = config.authJwtPreviousSecret
              ? { secret: Buffer.from(config.authJwtPreviousSecret), untilMs: Date.now() + config.authJwtPreviousGraceSeconds * 1000 }
              : undefined;
            return new TokenSigner(Buffer.from(config.authJwtSecret), config.authTokenTtlSeconds, previous);
          },
        },
      ],
      exports: [AccountsService],
    };
  }
}
