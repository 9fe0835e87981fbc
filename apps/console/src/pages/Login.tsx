import { FormEvent, useState } from 'react';
import { signIn } from '../api';

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [error, setError] = useState('');
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    try {
      await signIn(String(form.get('username')), String(form.get('password')));
      onSignedIn();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main className="login">
      <h1>CRM console</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          Username
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
