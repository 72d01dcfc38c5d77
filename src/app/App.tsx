// The app's frame: the header (controls, readouts), the config panel on the
// left, and the panels that show what GRPO is doing on the right. On mount it
// starts the run the URL asks for (?config=quick: the tiny tested config).
import { useEffect } from 'react';
import { DEFAULT_CONFIG } from '../core/config';
import { Charts } from './charts/Charts';
import { ConfigPanel } from './config/ConfigPanel';
import { Header } from './header/Header';
import { AhaFeed } from './inspector/AhaFeed';
import { Playground } from './inspector/Playground';
import { StepInspector } from './inspector/StepInspector';
import { initialConfigFromLocation, startRun } from './trainer';

let started = false;

export function App() {
  useEffect(() => {
    // once per page: StrictMode mounts effects twice, and a second init would throw the first run away
    if (started) return;
    started = true;
    void startRun(initialConfigFromLocation(location.search, DEFAULT_CONFIG));
  }, []);

  return (
    <div className="app">
      <Header />
      <div className="app-body">
        <div className="app-side card">
          <ConfigPanel />
        </div>
        <main className="app-main">
          <Charts />
          <StepInspector />
          <div className="app-pair">
            <AhaFeed />
            <Playground />
          </div>
        </main>
      </div>
    </div>
  );
}
