// The accounts capability: sign-in, the credential check every transport
// uses, accounts and API keys, and the token signer with its secret.
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventStoreModule } from '@crm/event-store';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { AccountCommandHandler } from './account-commands';
import { AccountsController, ApiKeysController, AuthController } from './accounts.controller';
import { AccountsService, TOKEN_SIGNER } from './accounts.service';
import { TokenSigner } from './credentials';

@Module({
  imports: [CqrsModule, EventStoreModule],
  controllers: [AuthController, AccountsController, ApiKeysController],
  providers: [
    AccountCommandHandler,
    AccountsService,
    {
      provide: TOKEN_SIGNER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (config.authJwtSecret === undefined) throw new Error('no token secret: AUTH_JWT_SECRET is not set and no local one was made (withLocalSecrets)');
        return new TokenSigner(Buffer.from(config.authJwtSecret), config.authTokenTtlSeconds);
      },
    },
  ],
  exports: [AccountsService],
})
export class AccountsModule {}
