import depthLimit from 'graphql-depth-limit';

/** Extra validation for every operation, over HTTP and WebSocket alike. */
export const validationRules = (maxDepth: number) => [depthLimit(maxDepth)];
