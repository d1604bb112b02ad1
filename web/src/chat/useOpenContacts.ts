import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';

const UsersByIdQuery = graphql(`
  query UsersById($ids: [ID!]!) {
    users(ids: $ids) {
      ...ContactFields
    }
  }
`);

/** The people of the open conversations, wherever they are in the directory (or whatever it is searched for). */
export function useOpenContacts(ids: readonly string[]) {
  const { data, previousData } = useQuery(UsersByIdQuery, { variables: { ids: [...ids] }, skip: ids.length === 0 });
  // While a new pane's person loads, the panes already open stay.
  return ids.length === 0 ? [] : (data ?? previousData)?.users;
}
