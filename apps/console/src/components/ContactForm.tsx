// Logging a care (or marketing) contact from the customer page.
import { FormEvent, useState } from 'react';
import { gql, Written } from '../api';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from './Error';
import { word } from '../i18n';

const CHANNELS = ['phone', 'sms', 'email', 'wechat', 'in_person', 'other'];

export function ContactForm({ customerId, onWrote }: { customerId: string; onWrote: (position: number) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    const note = String(form.get('note')).trim();
    const input = { kind: form.get('kind'), channel: form.get('channel'), occurredAt: new Date().toISOString(), ...(note ? { note } : {}) };
    try {
      const { logContact } = await gql<{ logContact: Written }>(
        'mutation ($id: ID!, $input: LogContactInput!, $key: String) { logContact(customerId: $id, input: $input, idempotencyKey: $key) { position } }',
        {
          id: customerId,
          input,
          key: crypto.randomUUID(),
        },
      );
      setError('');
      setDone(t('contact.done', { kind: word('kind', String(input.kind)), channel: word('channel', String(input.channel)) }));
      formElement.reset();
      onWrote(logContact.position);
    } catch (err) {
      setDone('');
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="contact-title">
      <h2 id="contact-title">{t('contact.title')}</h2>
      <form className="filters" onSubmit={submit}>
        <label>
          {t('contact.kind')}
          <select name="kind" defaultValue="care">
            <option value="care">{word('kind', 'care')}</option>
            <option value="marketing">{word('kind', 'marketing')}</option>
          </select>
        </label>
        <label>
          {t('contact.channel')}
          <select name="channel" defaultValue="phone">
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {word('channel', c)}
              </option>
            ))}
          </select>
        </label>
        <label className="wide">
          {t('contact.note')}
          <input name="note" maxLength={500} placeholder={t('contact.noteHint')} />
        </label>
        <button type="submit">{t('contact.submit')}</button>
      </form>
      <ErrorNote error={error} />
      {done && <p role="status">{done}</p>}
    </section>
  );
}
