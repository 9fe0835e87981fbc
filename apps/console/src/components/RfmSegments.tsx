// RFM segments of the whole base as of a date: customers and net spend per
// segment (a chart and its table), and a segment's first members by net spend.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gql } from '../api';
import { bars } from '../charts';
import { href } from '../router';
import { language, word } from '../i18n';
import { percent } from '../format';
import { ChartView } from './Chart';
import { ErrorNote } from './Error';
import type { RfmMember, RfmSegments as Segments } from '../generated/graphql';
import { money } from '../entry-text';

const QUERY = `query ($asOf: String, $segment: String) { rfmSegmentFigures(asOf: $asOf, segment: $segment, limit: 50) {
  asOf customers segments { segment customers netSpend } segment members { customerId recencyDays frequency monetary r f m } } }`;

type Member = Pick<RfmMember, 'customerId' | 'recencyDays' | 'frequency' | 'monetary' | 'r' | 'f' | 'm'>;

/** `onAnswered` is told each date whose segments have arrived (or failed): the figures page asks for its slower figures after. */
export function RfmSegments({ asOf, currency, onAnswered }: { asOf: string; currency: string; onAnswered?: (asOf: string) => void }) {
  const { t, i18n } = useTranslation();
  const [figures, setFigures] = useState<Segments>();
  const [segment, setSegment] = useState('');
  const [members, setMembers] = useState<Member[]>();
  const [error, setError] = useState('');
  useEffect(() => {
    setError('');
    gql<{ rfmSegmentFigures: Segments }>(QUERY, { asOf, segment: segment || undefined })
      .then((d) => {
        setFigures(d.rfmSegmentFigures);
        setMembers(segment ? (d.rfmSegmentFigures.members ?? []) : undefined);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => onAnswered?.(asOf));
  }, [asOf, segment]);
  const chart = useMemo(
    () =>
      figures &&
      bars(
        figures.segments.map((s) => word('segment', s.segment)),
        [{ label: t('rfm.customersSeries'), data: figures.segments.map((s) => s.customers), color: '#7c3aed' }],
      ),
    [figures, i18n.language],
  );
  return (
    <section aria-labelledby="rfm-title">
      <h2 id="rfm-title">{t('rfm.title', { asOf })}</h2>
      <ErrorNote error={error} />
      {figures && chart && (
        <>
          <div className="card">
            <ChartView config={chart} label={t('rfm.chartLabel', { list: figures.segments.map((s) => `${word('segment', s.segment)} ${s.customers}`).join(', ') })} />
          </div>
          <table>
            <caption>{t('rfm.caption', { count: figures.customers })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rfm.segment')}</th>
                <th scope="col" className="num">
                  {t('rfm.customers')}
                </th>
                <th scope="col" className="num">
                  {t('rfm.share')}
                </th>
                <th scope="col" className="num">
                  {t('rfm.netSpend', { currency })}
                </th>
                <th scope="col">{t('rfm.members')}</th>
              </tr>
            </thead>
            <tbody>
              {figures.segments.map((s) => (
                <tr key={s.segment} aria-current={s.segment === segment ? 'true' : undefined}>
                  <th scope="row">{word('segment', s.segment)}</th>
                  <td className="num">{s.customers}</td>
                  <td className="num">{figures.customers === 0 ? '-' : percent(s.customers / figures.customers)}</td>
                  <td className="num">{money(s.netSpend, currency, language())}</td>
                  <td>
                    {s.customers > 0 && (
                      <button type="button" onClick={() => setSegment(s.segment)}>
                        {t('rfm.show')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {segment && members && (
        <table>
          <caption>{t('rfm.membersOf', { segment: word('segment', segment), count: members.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.customer')}</th>
              <th scope="col" className="num">
                {t('rfm.recency')}
              </th>
              <th scope="col" className="num">
                {t('rfm.frequency')}
              </th>
              <th scope="col" className="num">
                {t('rfm.monetary', { currency })}
              </th>
              <th scope="col">R · F · M</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.customerId}>
                <td>
                  <a href={href(`customers/${m.customerId}`, { asOf })}>{m.customerId.slice(0, 8)}</a>
                </td>
                <td className="num">{m.recencyDays}</td>
                <td className="num">{m.frequency}</td>
                <td className="num">{m.monetary}</td>
                <td>
                  {m.r} · {m.f} · {m.m}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
