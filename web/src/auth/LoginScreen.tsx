import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId, useState } from 'react';
import { graphql } from '../gql';
import { errorMessage } from '../lib/errors';
import { useSession } from '../session';

const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      user {
        id
        username
      }
    }
  }
`);

const RegisterMutation = graphql(`
  mutation Register($username: String!, $password: String!) {
    register(username: $username, password: $password) {
      token
      user {
        id
        username
      }
    }
  }
`);

const USERNAME = /^[a-zA-Z0-9_.-]{3,32}$/;

function signUpProblem(username: string, password: string): string | null {
  if (!USERNAME.test(username)) {
    return 'Usernames are 3 to 32 characters: letters, digits, dot, dash or underscore.';
  }
  if (password.length < 8 || password.length > 128) return 'Passwords are 8 to 128 characters long.';
  return null;
}

export function LoginScreen() {
  const { signIn, notice } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [login, loginState] = useMutation(LoginMutation);
  const [register, registerState] = useMutation(RegisterMutation);
  const busy = loginState.loading || registerState.loading;
  const ids = { user: useId(), pass: useId(), hint: useId() };

  async function submit(mode: 'login' | 'register') {
    const name = username.trim();
    if (mode === 'register') {
      const why = signUpProblem(name, password);
      if (why) {
        setProblem(why);
        return;
      }
    } else if (!name || !password) {
      setProblem('Enter your username and password.');
      return;
    }
    setProblem(null);
    try {
      const variables = { username: name, password };
      const token =
        mode === 'login'
          ? (await login({ variables })).data?.login.token
          : (await register({ variables })).data?.register.token;
      if (token) signIn(token);
      else setProblem('The server sent no token.');
    } catch (error) {
      setProblem(errorMessage(error));
    }
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit('login');
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={onSubmit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Parley
        </h1>
        <p className="muted">Self-hosted chat. Log in or create an account.</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor={ids.user}>Username</label>
        <input
          id={ids.user}
          // biome-ignore lint/a11y/noAutofocus: the login form is the whole page; typing starts with the username
          autoFocus
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-describedby={ids.hint}
        />
        <label htmlFor={ids.pass}>Password</label>
        <input
          id={ids.pass}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p id={ids.hint} className="hint">
          New here? Pick a username (3–32 letters, digits, . _ -) and a password of at least 8 characters, then Sign up.
        </p>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <div className="login-actions">
          <button type="submit" className="primary" disabled={busy}>
            Log in
          </button>
          <button type="button" disabled={busy} onClick={() => void submit('register')}>
            Sign up
          </button>
        </div>
      </form>
    </main>
  );
}
