// Routes of the web client; each page loads on first visit so the first screen stays light.
import { lazy, Suspense, type ComponentType } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { PageLoadError } from './components/ErrorBoundary';
import { Layout } from './components/Layout';
import { Loading } from './components/States';
import { SessionGate } from './session';

/**
 * A page module loaded on demand, shown with a spinner while it loads. React keeps a failed load for good,
 * so a failure swaps in a fresh loader: the error boundary's Retry renders the page again and loads anew.
 */
function lazyPage<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  const loader = () =>
    lazy(() =>
      load().then(
        (module) => ({ default: pick(module) }),
        (error: unknown) => {
          Page = loader();
          throw new PageLoadError(error);
        },
      ),
    );
  let Page = loader();
  // biome-ignore lint/correctness/noComponentHookFactories: made once per route at module load, so React sees one stable component per page
  function RoutePage() {
    return (
      <Suspense fallback={<Loading />}>
        <Page />
      </Suspense>
    );
  }
  return <RoutePage />;
}

const datasetList = lazyPage(
  () => import('./pages/datasets/DatasetListPage'),
  (m) => m.DatasetListPage,
);
const datasetUpload = lazyPage(
  () => import('./pages/datasets/DatasetUploadPage'),
  (m) => m.DatasetUploadPage,
);
const datasetDetail = lazyPage(
  () => import('./pages/datasets/DatasetDetailPage'),
  (m) => m.DatasetDetailPage,
);
const trainingConfigure = lazyPage(
  () => import('./pages/training/TrainingConfigurePage'),
  (m) => m.TrainingConfigurePage,
);
const jobList = lazyPage(
  () => import('./pages/training/JobListPage'),
  (m) => m.JobListPage,
);
const jobMonitor = lazyPage(
  () => import('./pages/training/JobMonitorPage'),
  (m) => m.JobMonitorPage,
);
const modelList = lazyPage(
  () => import('./pages/models/ModelListPage'),
  (m) => m.ModelListPage,
);
const modelDetail = lazyPage(
  () => import('./pages/models/ModelDetailPage'),
  (m) => m.ModelDetailPage,
);
const compare = lazyPage(
  () => import('./pages/compare/ComparePage'),
  (m) => m.ComparePage,
);
const costs = lazyPage(
  () => import('./pages/costs/CostsPage'),
  (m) => m.CostsPage,
);
const notifications = lazyPage(
  () => import('./pages/notifications/NotificationsPage'),
  (m) => m.NotificationsPage,
);
const settings = lazyPage(
  () => import('./pages/settings/SettingsPage'),
  (m) => m.SettingsPage,
);
const notFound = lazyPage(
  () => import('./pages/NotFoundPage'),
  (m) => m.NotFoundPage,
);

export function App() {
  return (
    <SessionGate>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<Navigate to="/datasets" replace />} />
            <Route path="/datasets" element={datasetList} />
            <Route path="/datasets/new" element={datasetUpload} />
            <Route path="/datasets/:id" element={datasetDetail} />
            <Route path="/training" element={<Navigate to="/training/jobs" replace />} />
            <Route path="/training/configure" element={trainingConfigure} />
            <Route path="/training/jobs" element={jobList} />
            <Route path="/training/jobs/:id" element={jobMonitor} />
            <Route path="/models" element={modelList} />
            <Route path="/models/:id" element={modelDetail} />
            <Route path="/compare" element={compare} />
            <Route path="/costs" element={costs} />
            <Route path="/notifications" element={notifications} />
            <Route path="/settings" element={settings} />
            <Route path="*" element={notFound} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionGate>
  );
}
