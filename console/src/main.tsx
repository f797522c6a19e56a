/** The console's entry point: the session decides between sign-in and the pages. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { currentSession, onSessionChange } from './session.ts';
import { SignIn } from './pages/sign-in.tsx';
import { Shell } from './shell.tsx';

function App() {
  const [session, setSession] = useState(currentSession);
  useEffect(
    () =>
      onSessionChange(() => {
        const next = currentSession();
        // A new session starts from its own first page, not from where the last one (perhaps another administrator's) was.
        if (next === undefined) history.replaceState(null, '', location.pathname);
        setSession(next);
      }),
    [],
  );
  return session === undefined ? <SignIn /> : <Shell session={session} />;
}

render(<App />, document.getElementById('app')!);
