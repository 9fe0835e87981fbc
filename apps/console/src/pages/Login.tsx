import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, signIn } from '../api';
import { chooseLanguage, errorText, Language, LANGUAGES } from '../i18n';

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState('');
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    try {
      await signIn(String(form.get('username')), String(form.get('password')));
      onSignedIn();
    } catch (err) {
      setError(errorText((err as Error).message, (err as ApiError).code));
    }
  };
  return (
    <main className="login">
      <h1>{t('login.title')}</h1>
      <label className="language">
        {t('app.language')}
        <select value={i18n.language} onChange={(e) => chooseLanguage(e.target.value as Language)}>
          {LANGUAGES.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.label}
            </option>
          ))}
        </select>
      </label>
      <form onSubmit={submit} aria-label={t('login.form')}>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit">{t('login.submit')}</button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
