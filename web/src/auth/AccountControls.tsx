import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import { useSession } from '../session';

const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

/** "Signed in as …" and the Log out button of every signed-in page; logout revokes the token, then drops it. */
export function AccountControls({ username }: { username: string | undefined }) {
  const { signOut } = useSession();
  const [logout, { loading }] = useMutation(LogoutMutation);
  const onLogout = async () => {
    try {
      await logout();
    } catch {
      // The token is dropped either way.
    }
    signOut();
  };
  return (
    <>
      {username && (
        <span className="whoami">
          Signed in as <strong>{username}</strong>
        </span>
      )}
      <button type="button" onClick={() => void onLogout()} disabled={loading}>
        Log out
      </button>
    </>
  );
}
