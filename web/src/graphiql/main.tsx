import './workers';
import 'graphiql/style.css';
import './graphiql.css';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import { readItem } from '../lib/storage';
import { createParleyFetcher } from './fetcher';

const DEFAULT_QUERY = `# Welcome to the Parley API.
#
# 1. Run "Login" (the play button offers each
#    operation of this document).
# 2. Put the token in the Headers tab below:
#    {"Authorization": "Bearer <token>"}
# 3. Run "Me" or "Contacts", or start the
#    "Messages" subscription: its WebSocket sends
#    the same token as connectionParams.
#
# Demo users: alice / wonderland,
#             bob / bob-the-builder

mutation Login {
  login(username: "alice", password: "wonderland") {
    token
    user {
      id
      username
      role
    }
  }
}

query Me {
  me {
    id
    username
    role
  }
}

query Contacts {
  contacts {
    id
    username
    online
    lastSeenAt
  }
}

subscription Messages {
  messageReceived {
    id
    body
    createdAt
    from {
      username
    }
  }
}
`;

// Signed in to the chat app in this browser? Start with that token.
const token = readItem('parley.token');
const defaultHeaders = token ? JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) : '';

const fetcher = createParleyFetcher();

const root = document.getElementById('graphiql');
if (!root) throw new Error('#graphiql is missing from graphiql.html');

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={DEFAULT_QUERY}
    defaultHeaders={defaultHeaders}
    initialHeaders={defaultHeaders || undefined}
    defaultEditorToolsVisibility="headers"
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
  >
    <GraphiQL.Logo>Parley API</GraphiQL.Logo>
  </GraphiQL>,
);
