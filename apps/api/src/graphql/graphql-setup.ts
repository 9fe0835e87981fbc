// GraphQL at /graphql: GraphQL Yoga through its Nest driver (spec-compliant
// GraphQL over HTTP, graphql-ws for subscriptions), the schema made from the
// slices' resolvers (code first), one error mapping, and query limits.
import { YogaDriver, YogaDriverConfig } from '@graphql-yoga/nestjs';
import { GraphQLModule } from '@nestjs/graphql';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { toGraphQLError } from '@crm/shared/http';
import { DEFAULT_LIMITS, queryLimitsRule } from './query-limits';

function validationRules(config: AppConfig): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(DEFAULT_LIMITS));
      if (!config.graphqlIntrospection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

export const graphqlModule = GraphQLModule.forRootAsync<YogaDriverConfig>({
  driver: YogaDriver,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: config.graphqlIntrospection,
    landingPage: false,
    subscriptions: { 'graphql-ws': true },
    maskedErrors: { maskError: (error: unknown) => toGraphQLError(error) },
    plugins: [validationRules(config)],
    // The operation's context: the HTTP request (or the subscription's upgrade request and its connection params).
    context: (ctx: { req?: unknown; connectionParams?: unknown }) => ({ req: ctx.req, connectionParams: ctx.connectionParams }),
  }),
});
