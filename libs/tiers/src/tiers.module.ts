// The tier capability: rule sets as events, their command handler and REST
// face. The customers' dated facts (CUSTOMER_FACTS, for simulations) come
// from a module the application passes in, so this slice imports no other.
import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TierRuleSetCommandHandler } from './tier-rule-set-commands';
import { TierRuleSetsController } from './tier-rule-sets.controller';
import { TierRuleSetsService } from './tier-rule-sets.service';
import { TierRuleSetsResolver } from './graphql/tier-rule-sets.resolver';

@Module({})
export class TiersModule {
  /** @param factsFrom a module exporting CUSTOMER_FACTS (built on the same platform) */
  static forRoot(platform: DynamicModule, factsFrom: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: TiersModule,
      imports: [platform, CqrsModule, factsFrom],
      controllers: [TierRuleSetsController],
      providers: [TierRuleSetCommandHandler, TierRuleSetsService, TierRuleSetsResolver],
      exports: [TierRuleSetsService],
    };
  }
}
