import { LoginScreen } from './auth/LoginScreen';
import { ChatShell } from './chat/ChatShell';
import { SessionProvider, useSession } from './session';

function Screens() {
  const { token } = useSession();
  return token ? <ChatShell key={token} /> : <LoginScreen />;
}

export function App() {
  return (
    <SessionProvider>
      <Screens />
    </SessionProvider>
  );
}
