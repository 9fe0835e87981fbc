// Logging a care (or marketing) contact from the customer page.
import { FormEvent, useState } from 'react';
import { gql, Written } from '../api';
import { ErrorNote } from './Error';

const CHANNELS = ['phone', 'sms', 'email', 'wechat', 'in_person', 'other'];

export function ContactForm({ customerId, onWrote }: { customerId: string; onWrote: (position: number) => void }) {
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
      setDone(`Logged a ${input.kind} contact by ${input.channel}.`);
      formElement.reset();
      onWrote(logContact.position);
    } catch (err) {
      setDone('');
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="contact-title">
      <h2 id="contact-title">Log a contact</h2>
      <form className="filters" onSubmit={submit}>
        <label>
          Kind
          <select name="kind" defaultValue="care">
            <option value="care">care</option>
            <option value="marketing">marketing</option>
          </select>
        </label>
        <label>
          Channel
          <select name="channel" defaultValue="phone">
            {CHANNELS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="wide">
          Note
          <input name="note" maxLength={500} placeholder="e.g. thank-you call after delivery" />
        </label>
        <button type="submit">Log contact</button>
      </form>
      <ErrorNote error={error} />
      {done && <p role="status">{done}</p>}
    </section>
  );
}
