/** The example frontend's codegen config: client-preset types for its documents from the running gateway's schema. */
import type { CodegenConfig } from '@graphql-codegen/cli';

// A frontend's types from the running gateway: `npm start` in numbergraph, then
// `npx graphql-codegen` here (add --watch to regenerate while you edit).
const config: CodegenConfig = {
  schema: 'http://localhost:4000/',
  documents: ['src/**/*.ts'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': { preset: 'client' },
  },
};

export default config;
