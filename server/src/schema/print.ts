import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';

/** The schema as SDL, sorted so that its text only changes when the API does. */
export function printSdl(schema: GraphQLSchema): string {
  return `# Generated from the type-graphql classes by \`npm run build -w server\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
