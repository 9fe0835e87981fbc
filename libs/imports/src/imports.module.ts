// Imports over REST, for the service only: it resumes the imports a stopped
// service left running, which the command line must not do.
import { Module } from '@nestjs/common';
import { CustomersModule } from '@crm/customers';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [CustomersModule],
  controllers: [ImportsController],
  providers: [ImportsService],
})
export class ImportsModule {}
