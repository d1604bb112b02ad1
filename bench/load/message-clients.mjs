// The two kinds of client row 2 drives with the same load code: graphql-ws against Parley, plain `ws`
// against the bare relay. Each gives send(body) and calls onDelivered(body) on the receiving side.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const SEND = 'mutation($to: ID!, $body: String!) { sendMessage(toUserId: $to, body: $body) { id } }';
const RECEIVE = 'subscription { messageReceived { id body from { id } } }';

function graphqlWs(wsUrl, token) {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    connectionParams: { authorization: `Bearer ${token}` },
  });
  client.on('error', () => {});
  return client;
}

/** `receiverWsUrl`: the receiver on another API process (cross-process delivery). */
export function parleyPair({ wsUrl, receiverWsUrl = wsUrl, sender, receiver }, onDelivered) {
  const from = graphqlWs(wsUrl, sender.token);
  const to = graphqlWs(receiverWsUrl, receiver.token);
  to.subscribe(
    { query: RECEIVE },
    {
      next: (value) => {
        const message = value.data?.messageReceived;
        if (message && message.from.id === sender.id) onDelivered(message.body);
      },
      error: () => {},
      complete: () => {},
    },
  );
  const send = (body) =>
    new Promise((resolve, reject) => {
      let answered = false;
      from.subscribe(
        { query: SEND, variables: { to: receiver.id, body } },
        {
          next: (value) => {
            answered = true;
            if (value.errors) reject(new Error(JSON.stringify(value.errors)));
            else resolve();
          },
          error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => (answered ? undefined : reject(new Error('no answer'))),
        },
      );
    });
  return { send, close: () => Promise.all([from.dispose(), to.dispose()]) };
}

function open(url) {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

export async function relayPair({ relayUrl, index }, onDelivered) {
  const [from, to] = await Promise.all([open(`${relayUrl}?id=s${index}`), open(`${relayUrl}?id=r${index}`)]);
  const acks = new Map();
  to.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.from === `s${index}`) onDelivered(message.body);
  });
  from.on('message', (data) => {
    const { ack } = JSON.parse(data.toString());
    acks.get(ack)?.();
    acks.delete(ack);
  });
  const send = (body) =>
    new Promise((resolve) => {
      acks.set(body, resolve);
      from.send(JSON.stringify({ to: `r${index}`, body }));
    });
  const close = async () => {
    from.close();
    to.close();
  };
  return { send, close };
}
