// The app's frame: the header (controls, readouts), the config panel on the
// left, and the panels that show what GRPO is doing on the right. On mount it
// starts the run the URL asks for (a run link in the hash, else
// ?config=quick: the tiny tested config).
import { useEffect } from 'react';
import { DEFAULT_CONFIG } from '../core/config';
import { Charts } from './charts/Charts';
import { ConfigPanel } from './config/ConfigPanel';
import { ExperimentsPanel } from './experiments/ExperimentsPanel';
import { openExperiments } from './experiments/runner';
import { Header } from './header/Header';
import { AhaFeed } from './inspector/AhaFeed';
import { Playground } from './inspector/Playground';
import { Intro } from './intro/Intro';
import { StageInspector } from './inspector/StageInspector';
import { StepInspector } from './inspector/StepInspector';
import { openPersistence } from './runs/persistence';
import { ResumeBanner, RunsPanel, StorageMessages } from './runs/RunsPanel';
import { LinkErrors, SharedBanner } from './share/SharedBanner';
import { useStore } from './store';
import { initialRunFromLocation, send, startRun, startSharedRun } from './trainer';

let started = false;

/** A run link in the hash (config, maybe results) wins over ?config=quick; its problems are shown, the defaults used. */
async function openFromLocation(): Promise<void> {
  // the stored runs first: the resume offer shows while the new run gets ready
  await openPersistence(send, location.search);
  // the experiment on the charts before the reload (its runs are stored), and the card a ?experiment= link names
  await openExperiments(location.search);
  const { config, errors, snapshot } = await initialRunFromLocation(location.hash, location.search, DEFAULT_CONFIG);
  if (errors.length > 0) useStore.setState({ linkErrors: errors });
  if (snapshot) await startSharedRun(config, snapshot);
  else await startRun(config);
}

export function App() {
  useEffect(() => {
    // once per page: StrictMode mounts effects twice, and a second init would throw the first run away
    if (started) return;
    started = true;
    void openFromLocation();
  }, []);

  return (
    <div className="app">
      <Header />
      <div className="app-body">
        <div className="app-side card">
          <ConfigPanel />
        </div>
        <main className="app-main">
          <Intro />
          <ExperimentsPanel />
          <LinkErrors />
          <SharedBanner />
          <ResumeBanner />
          <StorageMessages />
          <Charts />
          <StepInspector />
          <StageInspector />
          <div className="app-pair">
            <AhaFeed />
            <Playground />
          </div>
          <RunsPanel />
        </main>
      </div>
    </div>
  );
}
