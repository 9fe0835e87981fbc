// Imports over REST, for the service only: it resumes the imports a stopped
// service left running, which the command line must not do.
import { Module } from '@nestjs/common';
import { perPlatform } from '@crm/shared/http';
import { CustomersModule } from '@crm/customers';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({})
export class ImportsModule {
  static readonly on = perPlatform((platform) => ({
    module: ImportsModule,
    imports: [platform, CustomersModule.on(platform)],
    controllers: [ImportsController],
    providers: [ImportsService],
  }));
}
