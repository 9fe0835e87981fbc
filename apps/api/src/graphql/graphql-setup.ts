// GraphQL at /graphql: GraphQL Yoga through its Nest driver (spec-compliant
// GraphQL over HTTP, graphql-ws for subscriptions), the schema made from the
// slices' resolvers (code first), one error mapping, and query limits.
import { YogaDriver, YogaDriverConfig } from '@graphql-yoga/nestjs';
import { GraphQLModule } from '@nestjs/graphql';
import { GraphQLSchema, isObjectType, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { toGraphQLError } from '@crm/shared/http';
import { DEFAULT_LIMITS, queryLimitsRule } from './query-limits';

/**
 * A parent that already holds a field's answer for the default arguments
 * (`presets`, e.g. the tier a list page computed for each customer) answers
 * it directly, without a call through the field's Nest resolver: a page of
 * 100 customers would otherwise make 200 of them.
 */
function answerPresets(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      const name = field.name;
      field.resolve = (source, args, context, info) => {
        const preset = (source as { presets?: Record<string, unknown> } | null)?.presets?.[name];
        return preset !== undefined && Object.keys(args).length === 0 ? preset : resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

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
    transformSchema: answerPresets,
    // The operation's context: the HTTP request (or the subscription's upgrade request and its connection params).
    context: (ctx: { req?: unknown; connectionParams?: unknown }) => ({ req: ctx.req, connectionParams: ctx.connectionParams }),
  }),
});
