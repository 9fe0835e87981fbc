// The complaint capability: its command handler and its REST faces (writes, service history).
import { Module } from '@nestjs/common';
import { perPlatform } from '@crm/shared/http';
import { CqrsModule } from '@nestjs/cqrs';
import { CustomerViewsModule } from '@crm/customer-views';
import { ComplaintsService } from './complaints.service';
import { ComplaintCommandHandler } from './complaint-commands';
import { ComplaintsController } from './complaints.controller';
import { ServiceHistoryController } from './service-history/service-history.controller';
import { ComplaintCustomerResolver, ComplaintsResolver, CustomerComplaintsResolver } from './graphql/complaints.resolver';

@Module({})
export class ComplaintsModule {
  static readonly on = perPlatform((platform) => ({
    module: ComplaintsModule,
    imports: [platform, CqrsModule, CustomerViewsModule.on(platform)],
    controllers: [ServiceHistoryController, ComplaintsController],
    providers: [ComplaintCommandHandler, ComplaintsService, ComplaintsResolver, CustomerComplaintsResolver, ComplaintCustomerResolver],
    exports: [ComplaintsService],
  }));
}
