import { useCallback, useEffect, useState } from 'react';
import { gql, ME_QUERY, Me, may, signOut, token } from './api';
import { setShopZone } from './format';
import { href, useRoute } from './router';
import { LoginPage } from './pages/Login';
import { CustomersPage } from './pages/Customers';
import { CustomerPage } from './pages/Customer';
import { CarePage } from './pages/Care';
import { WhatIfPage } from './pages/WhatIf';
import { FiguresPage } from './pages/Figures';

export function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | undefined>();
  const [signedIn, setSignedIn] = useState(!!token());

  const loadMe = useCallback(async () => {
    try {
      const { whoAmI: me } = await gql<{ whoAmI: Me }>(ME_QUERY);
      setShopZone(me.shop.timezone);
      setMe(me);
    } catch {
      setSignedIn(!!token());
    }
  }, []);
  useEffect(() => {
    if (signedIn) void loadMe();
  }, [signedIn, loadMe]);

  if (!signedIn) return <LoginPage onSignedIn={() => setSignedIn(true)} />;
  if (!me) return <p className="loading">Loading…</p>;

  const [section = 'customers', id] = route.path;
  const nav = [
    { key: 'customers', label: 'Customers', show: may(me, 'customers.read') },
    { key: 'care', label: 'Care & complaints', show: may(me, 'customers.read') },
    { key: 'what-if', label: 'What-if tier rules', show: may(me, 'ruleSets.simulate') },
    { key: 'figures', label: 'Figures', show: may(me, 'metrics.read') },
  ].filter((n) => n.show);
  let page;
  if (section === 'customers' && id) page = <CustomerPage me={me} id={id} query={route.query} />;
  else if (section === 'care') page = <CarePage me={me} />;
  else if (section === 'what-if' && may(me, 'ruleSets.simulate')) page = <WhatIfPage me={me} />;
  else if (section === 'figures' && may(me, 'metrics.read')) page = <FiguresPage me={me} />;
  else page = <CustomersPage me={me} query={route.query} />;

  return (
    <>
      <header className="top">
        <a className="brand" href={href('customers')}>
          CRM console
        </a>
        <nav aria-label="Main">
          {nav.map((n) => (
            <a key={n.key} href={href(n.key)} aria-current={section === n.key ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
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
          Sign out
        </button>
      </header>
      <main>{page}</main>
    </>
  );
}
