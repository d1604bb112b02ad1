// Writes server/schema.graphql, the checked-in contract that codegen and reviewers read.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildParleySchema } from './build-schema';
import { printSdl } from './print';

buildParleySchema()
  .then((schema) => writeFile(path.resolve(__dirname, '../../schema.graphql'), printSdl(schema)))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
