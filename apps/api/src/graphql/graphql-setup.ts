// GraphQL at /graphql: GraphQL Yoga through its Nest driver (spec-compliant
// GraphQL over HTTP, graphql-ws for subscriptions), the schema made from the
// slices' resolvers (code first), one error mapping, and query limits.
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { YogaDriver, YogaDriverConfig } from '@graphql-yoga/nestjs';
import { DynamicModule, Logger } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST, GraphQLSchema, isObjectType, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { APP_CONFIG, AppConfig } from '@crm/shared';
import { toGraphQLError } from '@crm/shared/http';
import { DEFAULT_LIMITS, queryLimitsRule } from './query-limits';

/**
 * A parent that already knows how to answer a field for the default
 * arguments (`presets`, e.g. the tier from the facts a list page read)
 * answers it directly, without a call through the field's Nest resolver: a
 * page of 100 customers would otherwise make 200 of them. A preset is a
 * function, so nothing is computed for a field the query did not select.
 */
function answerPresets(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      const name = field.name;
      field.resolve = (source, args, context, info) => {
        const preset = (source as { presets?: Record<string, (() => unknown) | undefined> } | null)?.presets?.[name];
        return preset !== undefined && Object.keys(args).length === 0 ? preset() : resolve(source, args, context, info);
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

/**
 * Queries and mutations run compiled by graphql-jit (each document once,
 * cached by the parser's document cache): a page of 100 customers executes
 * in a fraction of graphql-js's time. Subscriptions keep graphql-js's
 * executor, which streams their events.
 */
function compiledQueries(): ReturnType<typeof useGraphQlJit> {
  const logger = new Logger('GraphQL');
  return useGraphQlJit(
    {},
    {
      enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== 'subscription',
      onError: (error) => logger.warn(`graphql-jit could not compile a query: ${String(error)}`),
    },
  );
}

/** @param platform the module that provides APP_CONFIG */
export const graphqlModule = (platform: DynamicModule) =>
  GraphQLModule.forRootAsync<YogaDriverConfig>({
    driver: YogaDriver,
    imports: [platform],
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => ({
      path: '/graphql',
      autoSchemaFile: true,
      sortSchema: true,
      graphiql: config.graphqlIntrospection,
      // GraphiQL's code from the package, inlined in the page: nothing is fetched from a CDN (it works offline).
      renderGraphiQL,
      landingPage: false,
      // As on REST: no cross-origin headers (the console is served from the same origin).
      cors: false,
      subscriptions: { 'graphql-ws': true },
      maskedErrors: { maskError: (error: unknown) => toGraphQLError(error) },
      plugins: [validationRules(config), compiledQueries()],
      transformSchema: answerPresets,
      // The operation's context: the HTTP request (or the subscription's upgrade request and its connection params).
      context: (ctx: { req?: unknown; connectionParams?: unknown }) => ({ req: ctx.req, connectionParams: ctx.connectionParams }),
    }),
  });
