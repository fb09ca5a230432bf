// The frame around every page: brand, navigation, the live connection and the notification badge.
import { useSyncExternalStore } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { NotificationBell } from '../pages/notifications/NotificationBell';
import { WatchMyLists } from '../pages/WatchMyLists';
import { useSession } from '../session';
import { ErrorBoundary } from './ErrorBoundary';

const NAV = [
  { to: '/datasets', label: 'Datasets' },
  { to: '/training/jobs', label: 'Training' },
  { to: '/models', label: 'Models' },
  { to: '/costs', label: 'Costs' },
];

function LiveIndicator() {
  const { live } = useSession();
  const state = useSyncExternalStore(live.subscribe, live.get);
  const label = state === 'live' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
  return (
    <span className={`live live-${state}`} title="Live updates over WebSocket">
      <span className="live-dot" aria-hidden="true" />
      <span className="live-label">{label}</span>
    </span>
  );
}

export function Layout() {
  const { session, signOut } = useSession();
  const { pathname } = useLocation();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/datasets" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            BrightRun
          </NavLink>
          <nav className="nav" aria-label="Main">
            {NAV.map((item) => (
              <NavLink key={item.to} to={item.to} className={({ isActive }) => `nav-link ${isActive ? 'active' : ''}`}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="topbar-end">
            <LiveIndicator />
            <NotificationBell />
            <WatchMyLists />
            <NavLink to="/settings" className={({ isActive }) => `nav-link ${isActive ? 'active' : ''}`} title={session.email ?? undefined}>
              Settings
            </NavLink>
            {session.source === 'pasted' && (
              <button type="button" className="button button-ghost" onClick={signOut}>
                Sign out
              </button>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary resetKey={pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </div>
  );
}
