// History import from the console: a CSV chosen and uploaded to POST /imports,
// its progress followed at GET /imports/{id}, and the rejected rows with their
// line and reason. The same rows and rules as `crm import`.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, saveFile, token } from '../api';
import { errorText } from '../i18n';
import { count } from '../format';
import { ErrorNote } from '../components/Error';

interface Progress {
  phase: string;
  percent: number;
  rows: number;
  imported: number;
  rejected: number;
  registered: number;
  eventsWritten: number;
}

interface ImportState {
  importId: string;
  status: 'running' | 'done' | 'failed';
  written: boolean;
  error: string | null;
  progress: Progress;
  rejects: Array<{ line: number; customerRef: string | null; code: string; reason: string; field?: string }>;
}

/** The layout's header and one example row: what the template download gives. */
export const TEMPLATE = [
  'customer_ref,kind,order_id,refund_id,occurred_at,amount,currency,channel,region,items,name,phone,email,birth_date',
  'TM-10001,purchase,TB-2024-0001,,2024-03-05T10:15:00+08:00,299.00,CNY,tmall,浙江,"[{""sku"":""DRESS-1"",""category"":""连衣裙"",""quantity"":1,""unitPrice"":""299.00""}]",林小姐,+86 138 0000 0001,lin@example.com,1990-04-12',
  'TM-10001,refund,TB-2024-0001,RF-2024-0031,2024-03-09,99.00,CNY,,,,,,,',
].join('\n');

async function rest<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`/api/v1/${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token()}` } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(errorText(body.detail ?? `HTTP ${res.status}`, body.code), body.code);
  return body as T;
}

// A BOM so that spreadsheet programs read the Chinese as UTF-8.
const saveTemplate = () => saveFile(new Blob([`\ufeff${TEMPLATE}\n`], { type: 'text/csv' }), 'import-template.csv');

export function ImportPage() {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | undefined>();
  const [allOrNothing, setAllOrNothing] = useState(false);
  const [state, setState] = useState<ImportState | undefined>();
  const [error, setError] = useState('');

  // Follows a running import until it ends.
  useEffect(() => {
    if (!state || state.status !== 'running') return;
    const timer = setTimeout(() => {
      rest<ImportState>(`imports/${state.importId}`)
        .then(setState)
        .catch((e: Error) => setError(e.message));
    }, 500);
    return () => clearTimeout(timer);
  }, [state]);

  const upload = async () => {
    if (!file) return;
    setError('');
    setState(undefined);
    try {
      const started = await rest<ImportState>(`imports${allOrNothing ? '?allOrNothing=true' : ''}`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: file });
      // The 202 answer is the import's record; its rejected rows come with GET.
      setState({ ...started, rejects: started.rejects ?? [] });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const p = state?.progress;
  return (
    <>
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <p>
        <button type="button" onClick={saveTemplate}>
          {t('import.template')}
        </button>
      </p>
      <form
        aria-label={t('import.form')}
        onSubmit={(e) => {
          e.preventDefault();
          void upload();
        }}
      >
        <label>
          {t('import.file')}
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0])} />
        </label>
        <label className="check">
          <input type="checkbox" checked={allOrNothing} onChange={(e) => setAllOrNothing(e.target.checked)} />
          {t('import.allOrNothing')}
        </label>
        <button type="submit" disabled={!file || state?.status === 'running'}>
          {t('import.upload')}
        </button>
      </form>
      <ErrorNote error={error} />
      {state && p && (
        <section aria-labelledby="import-status">
          <h2 id="import-status">{t(`import.status.${state.status}`)}</h2>
          <progress max={100} value={p.percent} aria-label={t('import.progress')} />
          <dl>
            <dt>{t('import.rows')}</dt>
            <dd>{count(p.rows)}</dd>
            <dt>{t('import.imported')}</dt>
            <dd>{count(p.imported)}</dd>
            <dt>{t('import.registered')}</dt>
            <dd>{count(p.registered)}</dd>
            <dt>{t('import.rejected')}</dt>
            <dd>{count(p.rejected)}</dd>
          </dl>
          {state.status === 'done' && !state.written && <p role="status">{t('import.nothingWritten')}</p>}
          {state.error && <p role="alert">{state.error}</p>}
          {state.rejects.length > 0 && (
            <table>
              <caption>{t('import.rejects')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('import.line')}</th>
                  <th scope="col">{t('common.customer')}</th>
                  <th scope="col">{t('import.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {state.rejects.map((r) => {
                  // The column's rule or the refusal in the reader's words; the server's own text beneath when they differ.
                  const worded = r.field ? t(`import.column.${r.field}`) : errorText(r.reason, r.code);
                  return (
                    <tr key={`${r.line}-${r.code}`}>
                      <td>{r.line}</td>
                      <td>{r.customerRef ?? t('common.none')}</td>
                      <td>
                        {worded}
                        {worded !== r.reason && (
                          <small className="detail" lang="en">
                            {r.reason}
                          </small>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
