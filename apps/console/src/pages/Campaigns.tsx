// Campaigns: the list and a draft's form; one campaign's page with its
// backtest, launch and cancel, and its results: contacted against holdout.
import { FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { download, gql, Me, may } from '../api';
import { bars } from '../charts';
import { ChartView } from '../components/Chart';
import { ErrorNote } from '../components/Error';
import { money } from '../entry-text';
import { count, instant, oneDecimal, percent } from '../format';
import { language } from '../i18n';
import { word } from '../i18n';
import { go, href } from '../router';
import type { Campaign, CampaignListItem, CampaignResults, CampaignSide, Rate, SegmentListItem } from '../generated/graphql';

const RATE = 'numerator denominator rate';
const SIDE = `customers responders responseRate { ${RATE} } netSpend`;
const RESULTS = `campaignId sendAt sendDate window { from through days } audience { segmentVersion audience contacted heldOut excluded }
  contacted { ${SIDE} } holdout { ${SIDE} } liftPercentagePoints incrementalNetSpend byStage wakeUpRate { ${RATE} } reactivationRate { ${RATE} }`;
const CAMPAIGN = `campaignId name segmentId channel offer sendAt responseWindowDays holdoutPercent yearlyPromotion status createdAt sendDate launchedAt
  launch { segmentVersion audience contacted heldOut excluded } progress { audience contacted heldOut running error }`;
const CHANNELS = ['sms', 'email', 'phone', 'wechat'];
const STAGES = ['ACTIVE', 'SILENT', 'SLEEPING', 'LOST'];

const pct = (r: Rate) => (r.rate === null ? '-' : `${percent(r.rate)} (${count(r.numerator)}/${count(r.denominator)})`);

/** A datetime-local value (the shop's wall clock as the browser shows it) as an instant with its offset. */
const instantOf = (local: string) => new Date(local).toISOString();

export function CampaignsPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<CampaignListItem[]>([]);
  const [segments, setSegments] = useState<SegmentListItem[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    gql<{ campaigns: { items: CampaignListItem[] }; segments: SegmentListItem[] }>(
      '{ campaigns { items { campaignId name segmentId channel status sendAt } } segments { segmentId name } }',
    )
      .then((d) => {
        setItems(d.campaigns.items);
        setSegments(d.segments);
      })
      .catch((e: Error) => setError(e.message));
  }, []);
  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    try {
      const input = {
        ...(f.get('id') ? { id: String(f.get('id')) } : {}),
        name: String(f.get('name')),
        segmentId: String(f.get('segmentId')),
        channel: String(f.get('channel')),
        offer: String(f.get('offer')),
        sendAt: instantOf(String(f.get('sendAt'))),
        responseWindowDays: Number(f.get('responseWindowDays')),
        holdoutPercent: Number(f.get('holdoutPercent')),
        yearlyPromotion: f.get('yearlyPromotion') === 'on',
      };
      const { draftCampaign } = await gql<{ draftCampaign: { id: string } }>('mutation ($i: DraftCampaignInput!) { draftCampaign(input: $i) { id } }', { i: input });
      go(`campaigns/${draftCampaign.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      <h1>{t('campaigns.title')}</h1>
      <ErrorNote error={error} />
      {items.length === 0 ? (
        <p>{t('campaigns.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('campaigns.name')}</th>
              <th scope="col">{t('campaigns.segment')}</th>
              <th scope="col">{t('campaigns.channel')}</th>
              <th scope="col">{t('campaigns.sendAt')}</th>
              <th scope="col">{t('campaigns.statusTitle')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.campaignId}>
                <td>
                  <a href={href(`campaigns/${c.campaignId}`)}>{c.name}</a>
                </td>
                <td>{c.segmentId}</td>
                <td>{word('channel', c.channel)}</td>
                <td>{instant(c.sendAt)}</td>
                <td>{t(`campaigns.status.${c.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {may(me, 'campaigns.manage') && (
        <form onSubmit={create} className="campaign-form" aria-labelledby="new-campaign">
          <h2 id="new-campaign">{t('campaigns.new')}</h2>
          <label>
            {t('campaigns.id')} <input name="id" placeholder="double-12" />
          </label>
          <label>
            {t('campaigns.name')} <input name="name" required />
          </label>
          <label>
            {t('campaigns.segment')}{' '}
            <select name="segmentId" required>
              {segments.map((s) => (
                <option key={s.segmentId} value={s.segmentId}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('campaigns.channel')}{' '}
            <select name="channel">
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {word('channel', c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('campaigns.offer')} <input name="offer" required />
          </label>
          <label>
            {t('campaigns.sendAt')} <input name="sendAt" type="datetime-local" required />
          </label>
          <label>
            {t('campaigns.window')} <input name="responseWindowDays" type="number" min={1} max={365} defaultValue={14} />
          </label>
          <label>
            {t('campaigns.holdout')} <input name="holdoutPercent" type="number" min={0} max={50} defaultValue={10} />
          </label>
          <label>
            <input name="yearlyPromotion" type="checkbox" /> {t('campaigns.yearly')}
          </label>
          <button type="submit">{t('campaigns.create')}</button>
        </form>
      )}
    </>
  );
}

/** Contacted against holdout, overall and by stage, with the chart of their response rates. */
function ResultsView({ results, title, currency }: { results: CampaignResults; title: string; currency: string }) {
  const { t } = useTranslation();
  const amount = (decimal: string | null | undefined) => (decimal == null ? '-' : money(decimal, currency, language()));
  const byStage = results.byStage as Record<string, { contacted: CampaignSide; holdout: CampaignSide; liftPercentagePoints: number | null }>;
  const chart = useMemo(
    () =>
      bars(
        [t('campaigns.overall'), ...STAGES.map((s) => t(`campaigns.stage.${s}`))],
        [
          { label: t('campaigns.contacted'), data: [results.contacted, ...STAGES.map((s) => byStage[s].contacted)].map((x) => (x.responseRate.rate ?? 0) * 100), color: '#1d4ed8' },
          { label: t('campaigns.holdoutGroup'), data: [results.holdout, ...STAGES.map((s) => byStage[s].holdout)].map((x) => (x.responseRate.rate ?? 0) * 100), color: '#9ca3af' },
        ],
        false,
      ),
    [results],
  );
  const audience = results.audience;
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      <p>{t('campaigns.windowLine', { from: results.window.from, through: results.window.through, days: results.window.days })}</p>
      {audience && (
        <p>
          {t('campaigns.audienceLine', { audience: count(audience.audience), contacted: count(audience.contacted), heldOut: count(audience.heldOut) })}{' '}
          {Object.entries(audience.excluded as Record<string, number>)
            .filter(([, n]) => n > 0)
            .map(([reason, n]) => t('campaigns.excludedBy', { reason: t(`campaigns.reason.${reason}`, { defaultValue: reason }), n: count(n) }))
            .join(', ')}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">{t('campaigns.customers')}</th>
            <th scope="col">{t('campaigns.responders')}</th>
            <th scope="col">{t('campaigns.responseRate')}</th>
            <th scope="col">{t('campaigns.netSpend')}</th>
          </tr>
        </thead>
        <tbody>
          {(['contacted', 'holdout'] as const).map((side) => (
            <tr key={side}>
              <th scope="row">{t(side === 'contacted' ? 'campaigns.contacted' : 'campaigns.holdoutGroup')}</th>
              <td>{count(results[side].customers)}</td>
              <td>{count(results[side].responders)}</td>
              <td>{pct(results[side].responseRate)}</td>
              <td>{amount(results[side].netSpend)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="lift">
        {t('campaigns.lift', { points: results.liftPercentagePoints == null ? '-' : oneDecimal(results.liftPercentagePoints), spend: amount(results.incrementalNetSpend) })} ·{' '}
        {t('campaigns.wakeUp')} {pct(results.wakeUpRate)} · {t('campaigns.reactivation')} {pct(results.reactivationRate)}
      </p>
      <ChartView config={chart} label={t('campaigns.chart')} />
    </section>
  );
}

export function CampaignPage({ me, id }: { me: Me; id: string }) {
  const { t } = useTranslation();
  const [campaign, setCampaign] = useState<Campaign>();
  const [results, setResults] = useState<CampaignResults>();
  const [backtest, setBacktest] = useState<CampaignResults>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    gql<{ campaign: Campaign }>(`query ($id: String!) { campaign(campaignId: $id) { ${CAMPAIGN} } }`, { id })
      .then((d) => {
        setCampaign(d.campaign);
        if (d.campaign.status === 'launched' || d.campaign.status === 'launching')
          return gql<{ campaignResults: CampaignResults }>(`query ($id: String!) { campaignResults(campaignId: $id) { ${RESULTS} } }`, { id }).then((r) =>
            setResults(r.campaignResults),
          );
      })
      .catch((e: Error) => setError(e.message));
  }, [id, version]);
  // A launch running in the background: read its progress every second until it is done.
  useEffect(() => {
    if (campaign?.status !== 'launching' || !campaign.progress?.running) return;
    const timer = setTimeout(() => setVersion((v) => v + 1), 1000);
    return () => clearTimeout(timer);
  }, [campaign]);
  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await run();
      setError('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const runBacktest = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const local = String(new FormData(e.currentTarget).get('sendAt'));
    return act(async () => {
      const d = await gql<{ campaignBacktest: CampaignResults }>(`query ($id: String!, $sendAt: String) { campaignBacktest(campaignId: $id, sendAt: $sendAt) { ${RESULTS} } }`, {
        id,
        sendAt: local ? instantOf(local) : undefined,
      });
      setBacktest(d.campaignBacktest);
    });
  };
  if (!campaign) return <ErrorNote error={error} />;
  const manage = may(me, 'campaigns.manage');
  return (
    <>
      <h1>
        {campaign.name} <small>{t(`campaigns.status.${campaign.status}`)}</small>
      </h1>
      <ErrorNote error={error} />
      <dl className="facts">
        <dt>{t('campaigns.segment')}</dt>
        <dd>
          <a href={href(`segments/${campaign.segmentId}`)}>{campaign.segmentId}</a>
        </dd>
        <dt>{t('campaigns.channel')}</dt>
        <dd>{word('channel', campaign.channel)}</dd>
        <dt>{t('campaigns.offer')}</dt>
        <dd>{campaign.offer}</dd>
        <dt>{t('campaigns.sendAt')}</dt>
        <dd>{instant(campaign.sendAt)}</dd>
        <dt>{t('campaigns.holdout')}</dt>
        <dd>{campaign.holdoutPercent}%</dd>
      </dl>
      {campaign.progress && (
        <p role="status">
          {campaign.progress.running
            ? t('campaigns.progress', {
                decided: count(campaign.progress.audience),
                contacted: count(campaign.progress.contacted),
                heldOut: count(campaign.progress.heldOut),
              })
            : t('campaigns.stopped', { decided: count(campaign.progress.audience), error: campaign.progress.error ?? '' })}
        </p>
      )}
      {manage && campaign.status !== 'cancelled' && campaign.status !== 'launched' && !campaign.progress?.running && (
        <div className="actions">
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              window.confirm(t('campaigns.confirmLaunch')) &&
              act(() =>
                gql(`mutation ($id: String!) { launchCampaign(campaignId: $id, background: true) { status } }`, { id }).then(() => {
                  setBacktest(undefined);
                  setVersion((v) => v + 1);
                }),
              )
            }
          >
            {campaign.status === 'launching' ? t('campaigns.continueLaunch') : t('campaigns.launch')}
          </button>
          {campaign.status === 'draft' && (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(() => gql(`mutation ($id: String!) { cancelCampaign(campaignId: $id) { id } }`, { id }).then(() => setVersion((v) => v + 1)))}
            >
              {t('campaigns.cancel')}
            </button>
          )}
        </div>
      )}
      {manage && campaign.status === 'draft' && (
        <form className="filters" onSubmit={runBacktest} aria-label={t('campaigns.backtest')}>
          <label>
            {t('campaigns.backtestAt')} <input name="sendAt" type="datetime-local" />
          </label>
          <button type="submit" disabled={busy}>
            {t('campaigns.backtest')}
          </button>
        </form>
      )}
      {backtest && <ResultsView results={backtest} currency={me.shop.currency} title={t('campaigns.backtestResults', { date: backtest.sendDate })} />}
      {results && <ResultsView results={results} currency={me.shop.currency} title={t('campaigns.results')} />}
      {results && may(me, 'campaigns.read') && (
        <button type="button" onClick={() => void download(`campaigns/${id}/recipients`, { format: 'csv' }).catch((e: Error) => setError(e.message))}>
          {t('campaigns.recipients')}
        </button>
      )}
    </>
  );
}
