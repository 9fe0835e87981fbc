import { useCallback, useEffect, useState } from 'react';
import { gql, ME_QUERY, Me, may, signOut, token } from './api';
import { setShopZone } from './format';
import { useTranslation } from 'react-i18next';
import { chooseLanguage, Language, languageOf, LANGUAGES } from './i18n';
import { href, useRoute } from './router';
import { LoginPage } from './pages/Login';
import { CustomersPage } from './pages/Customers';
import { HomePage } from './pages/Home';
import { CustomerPage } from './pages/Customer';
import { CarePage } from './pages/Care';
import { WhatIfPage } from './pages/WhatIf';
import { FiguresPage } from './pages/Figures';
import { ImportPage } from './pages/Import';
import { SegmentPage, SegmentsPage } from './pages/Segments';
import { CampaignPage, CampaignsPage } from './pages/Campaigns';

export function App() {
  const route = useRoute();
  const { t, i18n } = useTranslation();
  const [me, setMe] = useState<Me | undefined>();
  const [signedIn, setSignedIn] = useState(!!token());

  const loadMe = useCallback(async () => {
    try {
      const { whoAmI: me } = await gql<{ whoAmI: Me }>(ME_QUERY);
      setShopZone(me.shop.timezone);
      if (me.username) languageOf(me.username);
      setMe(me);
    } catch {
      setSignedIn(!!token());
    }
  }, []);
  useEffect(() => {
    if (signedIn) void loadMe();
  }, [signedIn, loadMe]);

  if (!signedIn) return <LoginPage onSignedIn={() => setSignedIn(true)} />;
  if (!me) return <p className="loading">{t('app.loading')}</p>;

  const [section = 'home', id] = route.path;
  const nav = [
    { key: 'home', label: t('app.nav.home'), show: may(me, 'customers.read') },
    { key: 'customers', label: t('app.nav.customers'), show: may(me, 'customers.read') },
    { key: 'care', label: t('app.nav.care'), show: may(me, 'customers.read') },
    { key: 'what-if', label: t('app.nav.whatIf'), show: may(me, 'ruleSets.simulate') },
    { key: 'figures', label: t('app.nav.figures'), show: may(me, 'metrics.read') },
    { key: 'segments', label: t('app.nav.segments'), show: may(me, 'segments.read') },
    { key: 'campaigns', label: t('app.nav.campaigns'), show: may(me, 'campaigns.read') },
    { key: 'import', label: t('app.nav.import'), show: may(me, 'imports.run') },
  ].filter((n) => n.show);
  let page;
  if (section === 'home' && may(me, 'customers.read')) page = <HomePage me={me} />;
  else if (section === 'customers' && id) page = <CustomerPage me={me} id={id} query={route.query} />;
  else if (section === 'care') page = <CarePage me={me} />;
  else if (section === 'what-if' && may(me, 'ruleSets.simulate')) page = <WhatIfPage me={me} />;
  else if (section === 'figures' && may(me, 'metrics.read')) page = <FiguresPage me={me} />;
  else if (section === 'import' && may(me, 'imports.run')) page = <ImportPage />;
  else if (section === 'segments' && id && may(me, 'segments.read')) page = <SegmentPage me={me} id={id} waitFor={Number(route.query.get('waitFor')) || undefined} />;
  else if (section === 'segments' && may(me, 'segments.read')) page = <SegmentsPage me={me} />;
  else if (section === 'campaigns' && id && may(me, 'campaigns.read')) page = <CampaignPage me={me} id={id} />;
  else if (section === 'campaigns' && may(me, 'campaigns.read')) page = <CampaignsPage me={me} />;
  else page = <CustomersPage me={me} query={route.query} />;

  return (
    <>
      <header className="top">
        <a className="brand" href={href('home')}>
          {t('app.title')}
        </a>
        <nav aria-label={t('app.main')}>
          {nav.map((n) => (
            <a key={n.key} href={href(n.key)} aria-current={section === n.key ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <select className="language" value={i18n.language} onChange={(e) => chooseLanguage(e.target.value as Language, me.username ?? undefined)} aria-label={t('app.language')}>
          {LANGUAGES.map((l) => (
            <option key={l.code} value={l.code} lang={l.code}>
              {l.label}
            </option>
          ))}
        </select>
        <span className="who">
          {me.username} ({me.role}) · {me.shop.timezone}
        </span>
        <button
          type="button"
          onClick={() => {
            signOut();
            setMe(undefined);
            setSignedIn(false);
          }}
        >
          {t('app.signOut')}
        </button>
      </header>
      <main>{page}</main>
    </>
  );
}
