/**
 * Monaco's web workers for the GraphiQL editors, declared in our own source
 * so that Vite bundles them (build) and serves them (dev server).
 * `graphiql/setup-workers/vite` does the same from inside node_modules, where
 * the dev server's dependency pre-bundling cannot handle `?worker` imports.
 */
import type { Environment } from 'monaco-editor';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker.js?worker';
import GraphQLWorker from 'monaco-graphql/esm/graphql.worker.js?worker';

const environment: Environment = {
  getWorker(_workerId: string, label: string): Worker {
    switch (label) {
      case 'json':
        return new JsonWorker();
      case 'graphql':
        return new GraphQLWorker();
      default:
        return new EditorWorker();
    }
  },
};

window.MonacoEnvironment = environment;
