import { LoginScreen } from './auth/LoginScreen';
import { ChatShell } from './chat/ChatShell';
import { ResearchPage } from './research/ResearchPage';
import { SessionProvider, useSession } from './session';

const isResearch = () => /^\/research\/?$/.test(window.location.pathname);

function Screens() {
  const { token } = useSession();
  if (!token) return <LoginScreen />;
  return isResearch() ? <ResearchPage key={token} /> : <ChatShell key={token} />;
}

export function App() {
  return (
    <SessionProvider>
      <Screens />
    </SessionProvider>
  );
}
